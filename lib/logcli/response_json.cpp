#include "logcli/response_json.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "model/time.h"
#include "query/encoding_flags.h"

namespace logcli {

using nlohmann::json;

namespace {

util::Result<json> parse_json(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return util::Error{"the server's answer is not JSON"};
  return j;
}

util::Result<model::LabelSet> decode_labels(const json& j, const char* what) {
  if (!j.is_object()) return util::Error{std::string(what) + " is not an object"};
  std::vector<model::Label> labels;
  labels.reserve(j.size());
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_string()) return util::Error{std::string(what) + ": label " + it.key() + " is not a string"};
    labels.push_back({it.key(), it.value().get<std::string>()});
  }
  return model::LabelSet::from_unsorted(std::move(labels));
}

// An entry timestamp: a string of unix nanoseconds (Loki sends strings; numbers accepted too).
util::Result<int64_t> decode_ns(const json& j) {
  if (j.is_number_integer()) return j.get<int64_t>();
  if (!j.is_string()) return util::Error{"timestamp is not a string"};
  const std::string& s = j.get_ref<const std::string&>();
  if (s.empty() || s.size() > 19) return util::Error{"invalid timestamp \"" + s + "\""};
  int64_t v = 0;
  size_t i = 0;
  bool neg = s[0] == '-';
  if (neg) i = 1;
  if (i == s.size()) return util::Error{"invalid timestamp \"" + s + "\""};
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return util::Error{"invalid timestamp \"" + s + "\""};
    v = v * 10 + (s[i] - '0');
  }
  return neg ? -v : v;
}

// Whether an answer's `encodingFlags` (data's, or a tail message's) lists categorize-labels.
bool categorized_answer(const json& j) {
  if (!j.is_object() || !j.contains("encodingFlags") || !j["encodingFlags"].is_array()) return false;
  for (const auto& f : j["encodingFlags"])
    if (f.is_string() && f.get_ref<const std::string&>() == query::kCategorizeLabelsFlag) return true;
  return false;
}

// The third element of a categorized entry: {"structuredMetadata":{..},"parsed":{..}}, each optional.
util::Status decode_categories(const json& j, model::Entry& e) {
  if (!j.is_object()) return util::Error{"entry categories are not an object"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "structuredMetadata") {
      auto md = decode_labels(it.value(), "structuredMetadata");
      if (!md) return md.status_error();
      e.metadata = std::move(*md);
    } else if (it.key() == "parsed") {
      auto parsed = decode_labels(it.value(), "parsed");
      if (!parsed) return parsed.status_error();
      e.parsed = std::move(*parsed);
    }  // other keys: categories of a newer server, not ours to print
  }
  return {};
}

// `categorized`: the answer listed categorize-labels, so an entry's third element holds its
// categories; in a plain answer a third element is Loki 2.9's flat structured metadata.
util::Result<std::vector<logql::Stream>> decode_streams(const json& result, bool categorized) {
  if (!result.is_array()) return util::Error{"result is not an array"};
  std::vector<logql::Stream> streams;
  streams.reserve(result.size());
  for (const auto& s : result) {
    if (!s.is_object()) return util::Error{"stream is not an object"};
    logql::Stream out;
    auto labels = decode_labels(s.contains("stream") ? s["stream"] : json::object(), "stream");
    if (!labels) return labels.status_error();
    out.labels = std::move(*labels);
    if (!s.contains("values") || !s["values"].is_array()) return util::Error{"stream without values"};
    out.entries.reserve(s["values"].size());
    for (const auto& v : s["values"]) {
      if (!v.is_array() || v.size() < 2 || !v[1].is_string()) return util::Error{"entry is not [timestamp, line]"};
      auto ts = decode_ns(v[0]);
      if (!ts) return ts.status_error();
      model::Entry e;
      e.timestamp = *ts;
      e.line = v[1].get<std::string>();
      if (categorized && v.size() > 2) {
        if (auto st = decode_categories(v[2], e); !st) return st.status_error();
      } else if (v.size() > 2 && v[2].is_object()) {
        // Loki 2.9 sent an entry's structured metadata ("non-indexed labels") as a flat object.
        if (auto md = decode_labels(v[2], "structured metadata")) e.metadata = std::move(*md);
      }
      out.entries.push_back(std::move(e));
    }
    streams.push_back(std::move(out));
  }
  return streams;
}

// A sample [<unix seconds, float>, "<value>"].
util::Result<logql::Point> decode_point(const json& j) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_string())
    return util::Error{"sample is not [time, \"value\"]"};
  logql::Point p;
  p.t = static_cast<int64_t>(std::llround(j[0].get<double>() * 1000.0)) * model::kNanosPerMilli;
  const std::string& v = j[1].get_ref<const std::string&>();
  char* end = nullptr;
  p.v = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0') return util::Error{"invalid sample value \"" + v + "\""};
  return p;
}

util::Result<const json*> success_data(const json& j) {
  if (!j.is_object()) return util::Error{"the server's answer is not an object"};
  if (j.contains("status") && j["status"] != "success") {
    std::string msg = j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : j.dump();
    return util::Error{msg};
  }
  if (!j.contains("data")) return util::Error{"the server's answer has no data"};
  return &j["data"];
}

}  // namespace

util::Result<QueryResponse> decode_query_response(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  auto data = success_data(*j);
  if (!data) return data.status_error();
  const json& d = **data;
  if (!d.is_object() || !d.contains("resultType") || !d["resultType"].is_string() || !d.contains("result"))
    return util::Error{"the server's answer has no resultType and result"};
  QueryResponse out;
  const std::string& type = d["resultType"].get_ref<const std::string&>();
  const json& result = d["result"];
  if (type == "streams") {
    out.result.type = logql::ResultType::Streams;
    out.categorized = categorized_answer(d);
    auto s = decode_streams(result, out.categorized);
    if (!s) return s.status_error();
    out.result.streams = std::move(*s);
  } else if (type == "matrix") {
    out.result.type = logql::ResultType::Matrix;
    if (!result.is_array()) return util::Error{"matrix result is not an array"};
    for (const auto& s : result) {
      if (!s.is_object() || !s.contains("values") || !s["values"].is_array()) return util::Error{"series without values"};
      logql::Series series;
      auto labels = decode_labels(s.contains("metric") ? s["metric"] : json::object(), "metric");
      if (!labels) return labels.status_error();
      series.labels = std::move(*labels);
      for (const auto& v : s["values"]) {
        auto p = decode_point(v);
        if (!p) return p.status_error();
        series.points.push_back(*p);
      }
      out.result.matrix.push_back(std::move(series));
    }
  } else if (type == "vector") {
    out.result.type = logql::ResultType::Vector;
    if (!result.is_array()) return util::Error{"vector result is not an array"};
    for (const auto& s : result) {
      if (!s.is_object() || !s.contains("value")) return util::Error{"sample without value"};
      logql::VectorSample sample;
      auto labels = decode_labels(s.contains("metric") ? s["metric"] : json::object(), "metric");
      if (!labels) return labels.status_error();
      sample.labels = std::move(*labels);
      auto p = decode_point(s["value"]);
      if (!p) return p.status_error();
      sample.point = *p;
      out.result.vector.push_back(std::move(sample));
    }
  } else if (type == "scalar") {
    out.result.type = logql::ResultType::Scalar;
    auto p = decode_point(result);
    if (!p) return p.status_error();
    out.result.scalar = *p;
  } else {
    return util::Error{"unsupported result type \"" + type + "\""};
  }
  if (d.contains("stats")) out.stats_json = d["stats"].dump();
  return out;
}

util::Result<std::vector<query::VolumeSeries>> decode_volume_response(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  auto data = success_data(*j);
  if (!data) return data.status_error();
  const json& d = **data;
  if (!d.is_object() || !d.contains("resultType") || !d["resultType"].is_string() || !d.contains("result") ||
      !d["result"].is_array())
    return util::Error{"the server's answer has no resultType and result"};
  const std::string& type = d["resultType"].get_ref<const std::string&>();
  if (type != "vector" && type != "matrix") return util::Error{"unexpected volume result type \"" + type + "\""};
  std::vector<query::VolumeSeries> out;
  for (const auto& s : d["result"]) {
    if (!s.is_object() || !s.contains("metric") || !s["metric"].is_object()) return util::Error{"series without metric"};
    query::VolumeSeries series;
    for (auto it = s["metric"].begin(); it != s["metric"].end(); ++it) {
      if (!it.value().is_string()) return util::Error{"metric: label " + it.key() + " is not a string"};
      series.metric.push_back({it.key(), it.value().get<std::string>()});
    }
    std::sort(series.metric.begin(), series.metric.end());
    std::vector<const json*> points;
    if (type == "vector") {
      if (!s.contains("value")) return util::Error{"sample without value"};
      points.push_back(&s["value"]);
    } else {
      if (!s.contains("values") || !s["values"].is_array()) return util::Error{"series without values"};
      for (const auto& v : s["values"]) points.push_back(&v);
    }
    for (const json* v : points) {
      auto p = decode_point(*v);
      if (!p) return p.status_error();
      if (p->v < 0 || p->v != std::floor(p->v)) return util::Error{"volume is not a byte count"};
      series.points.push_back({p->t, static_cast<uint64_t>(p->v)});
    }
    out.push_back(std::move(series));
  }
  return out;
}

util::Result<std::vector<query::DetectedField>> decode_detected_fields(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  if (!j->is_object() || !j->contains("fields")) return util::Error{"the server's answer has no fields"};
  const json& fields = (*j)["fields"];
  std::vector<query::DetectedField> out;
  if (fields.is_null()) return out;
  if (!fields.is_array()) return util::Error{"fields is not a list"};
  static const query::FieldType kTypes[] = {query::FieldType::kString,   query::FieldType::kInt,
                                            query::FieldType::kFloat,    query::FieldType::kBoolean,
                                            query::FieldType::kDuration, query::FieldType::kBytes};
  for (const auto& f : fields) {
    if (!f.is_object() || !f.contains("label") || !f["label"].is_string()) return util::Error{"a field without label"};
    query::DetectedField d;
    d.label = f["label"].get<std::string>();
    if (f.contains("type") && f["type"].is_string()) {
      const std::string& t = f["type"].get_ref<const std::string&>();
      bool known = false;
      for (auto k : kTypes) {
        if (query::field_type_name(k) == t) {
          d.type = k;
          known = true;
        }
      }
      if (!known) return util::Error{"field " + d.label + ": unknown type \"" + t + "\""};
    }
    if (f.contains("cardinality") && f["cardinality"].is_number_unsigned()) d.cardinality = f["cardinality"].get<uint64_t>();
    if (f.contains("parsers") && f["parsers"].is_array()) {
      for (const auto& p : f["parsers"])
        if (p.is_string()) d.parsers.push_back(p.get<std::string>());
    }
    out.push_back(std::move(d));
  }
  return out;
}

util::Result<std::vector<std::string>> decode_detected_field_values(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  if (!j->is_object() || !j->contains("values")) return util::Error{"the server's answer has no values"};
  std::vector<std::string> out;
  const json& values = (*j)["values"];
  if (values.is_null()) return out;
  if (!values.is_array()) return util::Error{"values is not a list"};
  for (const auto& v : values) {
    if (!v.is_string()) return util::Error{"values holds a non-string"};
    out.push_back(v.get<std::string>());
  }
  return out;
}

util::Result<std::vector<pattern::PatternSeries>> decode_patterns(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  auto data = success_data(*j);
  if (!data) return data.status_error();
  std::vector<pattern::PatternSeries> out;
  if ((*data)->is_null()) return out;
  if (!(*data)->is_array()) return util::Error{"data is not a list"};
  for (const auto& p : **data) {
    if (!p.is_object() || !p.contains("pattern") || !p["pattern"].is_string()) {
      return util::Error{"a pattern without its text"};
    }
    pattern::PatternSeries s{p["pattern"].get<std::string>(), "", {}};
    if (p.contains("level") && p["level"].is_string()) s.level = p["level"].get<std::string>();
    if (p.contains("samples") && p["samples"].is_array()) {
      for (const auto& sample : p["samples"]) {
        if (!sample.is_array() || sample.size() != 2 || !sample[0].is_number() || !sample[1].is_number()) {
          return util::Error{"a sample is not [seconds, count]"};
        }
        s.samples.push_back({sample[0].get<int64_t>() * 1000, sample[1].get<int64_t>()});
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

util::Result<std::vector<std::string>> decode_string_list(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  auto data = success_data(*j);
  if (!data) return data.status_error();
  std::vector<std::string> out;
  if ((*data)->is_null()) return out;  // Loki sends null for an empty list
  if (!(*data)->is_array()) return util::Error{"data is not a list"};
  for (const auto& v : **data) {
    if (!v.is_string()) return util::Error{"data holds a non-string"};
    out.push_back(v.get<std::string>());
  }
  return out;
}

util::Result<std::vector<model::LabelSet>> decode_series(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  auto data = success_data(*j);
  if (!data) return data.status_error();
  std::vector<model::LabelSet> out;
  if ((*data)->is_null()) return out;
  if (!(*data)->is_array()) return util::Error{"data is not a list"};
  for (const auto& v : **data) {
    auto l = decode_labels(v, "series");
    if (!l) return l.status_error();
    out.push_back(std::move(*l));
  }
  return out;
}

util::Result<IndexStatsResponse> decode_index_stats(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  if (!j->is_object()) return util::Error{"index stats are not an object"};
  IndexStatsResponse out;
  auto get = [&](const char* key, uint64_t& field) -> util::Status {
    if (!j->contains(key)) return {};
    const json& v = (*j)[key];
    if (!v.is_number_unsigned() && !v.is_number_integer()) return util::Error{std::string("index stats: ") + key + " is not a number"};
    field = v.get<uint64_t>();
    return {};
  };
  for (auto [k, f] : {std::pair{"streams", &out.streams}, {"chunks", &out.chunks}, {"entries", &out.entries},
                      {"bytes", &out.bytes}}) {
    if (auto s = get(k, *f); !s) return s.status_error();
  }
  return out;
}

util::Result<TailMessage> decode_tail_message(std::string_view body) {
  auto j = parse_json(body);
  if (!j) return j.status_error();
  if (!j->is_object()) return util::Error{"tail message is not an object"};
  TailMessage out;
  if (j->contains("streams") && !(*j)["streams"].is_null()) {
    out.categorized = categorized_answer(*j);
    auto s = decode_streams((*j)["streams"], out.categorized);
    if (!s) return s.status_error();
    out.streams = std::move(*s);
  }
  if (j->contains("dropped_entries") && (*j)["dropped_entries"].is_array()) {
    for (const auto& d : (*j)["dropped_entries"]) {
      if (!d.is_object()) return util::Error{"dropped entry is not an object"};
      DroppedEntry e;
      auto l = decode_labels(d.contains("labels") ? d["labels"] : json::object(), "dropped entry labels");
      if (!l) return l.status_error();
      e.labels = std::move(*l);
      if (d.contains("timestamp")) {
        auto ts = decode_ns(d["timestamp"]);
        if (!ts) return ts.status_error();
        e.timestamp = *ts;
      }
      out.dropped.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace logcli
