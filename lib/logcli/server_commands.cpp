#include "logcli/server_commands.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "golang/duration.h"
#include "logcli/batch_pager.h"
#include "logql/parser.h"
#include "model/json_string.h"
#include "model/time.h"
#include "query/label_categories.h"

namespace logcli {

namespace {

const char* kBlue = "\x1b[34m";
const char* kReset = "\x1b[0m";

util::Result<int64_t> parse_step_flag(const std::string& s) {
  if (auto d = model::parse_duration(s); d) return d;
  char* end = nullptr;
  double secs = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && !s.empty() && secs > 0) return static_cast<int64_t>(secs * 1e9);
  return util::Error{"invalid step \"" + s + "\": use a duration such as 30s or a number of seconds"};
}

int fail(std::FILE* err, const std::string& prefix, const std::string& msg) {
  std::fprintf(err, "%s%s\n", prefix.c_str(), msg.c_str());
  return 1;
}

void print_metric(const logql::QueryResult& r, std::FILE* out) {
  switch (r.type) {
    case logql::ResultType::Matrix: std::fprintf(out, "%s\n", format_matrix_json(r.matrix).c_str()); break;
    case logql::ResultType::Vector: std::fprintf(out, "%s\n", format_vector_json(r.vector).c_str()); break;
    case logql::ResultType::Scalar: std::fprintf(out, "%s\n", format_scalar_json(r.scalar).c_str()); break;
    case logql::ResultType::Streams: break;
  }
}

}  // namespace

util::Result<TimeRange> resolve_range(const std::optional<std::string>& since, const std::optional<std::string>& from,
                                      const std::optional<std::string>& to, int64_t now_ns) {
  TimeRange r;
  r.end = now_ns;
  if (to) {
    auto t = model::parse_time(*to);
    if (!t) return util::prefixed("--to: ", t.status_error());
    r.end = *t;
  }
  int64_t lookback = model::kNanosPerHour;
  if (since) {
    auto d = model::parse_duration(*since);
    if (!d) return util::prefixed("--since: ", d.status_error());
    lookback = *d;
  }
  r.start = r.end - lookback;
  if (from) {
    auto t = model::parse_time(*from);
    if (!t) return util::prefixed("--from: ", t.status_error());
    r.start = *t;
  }
  if (r.end < r.start) return util::Error{"the end of the range is before its start"};
  return r;
}

std::string format_index_stats(const IndexStatsResponse& s, bool color) {
  auto key = [&](const char* k) { return color ? std::string(kBlue) + k + kReset : std::string(k); };
  std::string out = "{\n";
  out += "  " + key("bytes") + ": " + model::format_bytes(s.bytes) + "\n";
  out += "  " + key("chunks") + ": " + std::to_string(s.chunks) + "\n";
  out += "  " + key("streams") + ": " + std::to_string(s.streams) + "\n";
  out += "  " + key("entries") + ": " + std::to_string(s.entries) + "\n";
  out += "}\n";
  return out;
}

std::string format_query_stats(const std::string& stats_json) {
  nlohmann::json j = nlohmann::json::parse(stats_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("summary") || !j["summary"].is_object()) return "";
  const auto& s = j["summary"];
  auto num = [&](const char* k) { return s.contains(k) && s[k].is_number() ? s[k].get<double>() : 0.0; };
  std::vector<std::pair<std::string, std::string>> rows = {
      {"Summary.BytesProcessedPerSecond", model::format_bytes(static_cast<uint64_t>(num("bytesProcessedPerSecond")))},
      {"Summary.LinesProcessedPerSecond", std::to_string(static_cast<int64_t>(num("linesProcessedPerSecond")))},
      {"Summary.TotalBytesProcessed", model::format_bytes(static_cast<uint64_t>(num("totalBytesProcessed")))},
      {"Summary.TotalLinesProcessed", std::to_string(static_cast<int64_t>(num("totalLinesProcessed")))},
      {"Summary.TotalEntriesReturned", std::to_string(static_cast<int64_t>(num("totalEntriesReturned")))},
      {"Summary.ExecTime", golang::format_duration(static_cast<int64_t>(num("execTime") * 1e9))},
  };
  size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.first.size());
  std::string out;
  for (const auto& r : rows) out += r.first + std::string(width - r.first.size() + 1, ' ') + r.second + "\n";
  return out;
}

namespace {

// Every output prints an entry's labels merged, as Loki's logcli does (the plain answer's
// streams); the entries keep their structured metadata apart for the jsonl form.
void merge_categories(QueryResponse& resp, bool forward) {
  if (!resp.categorized || resp.result.type != logql::ResultType::Streams) return;
  resp.result.streams = query::merge_label_categories(
      std::move(resp.result.streams), forward ? logql::Direction::Forward : logql::Direction::Backward);
  resp.categorized = false;
}

}  // namespace

int run_server_query(QueryBackend& backend, const QueryOptions& q, const ServerQueryOptions& s, std::FILE* out,
                     std::FILE* err, util::Clock& clock) {
  // A bad query fails here with the parser's message, before any request.
  if (auto e = logql::parse(q.query); !e) return fail(err, "Query failed: ", e.error());
  const int64_t now = clock.now_ns();

  if (q.instant) {
    int64_t t = now;
    if (q.now) {
      auto p = model::parse_time(*q.now);
      if (!p) return fail(err, "Query failed: --now: ", p.error());
      t = *p;
    }
    auto resp = backend.instant_query(q.query, q.limit, t, q.forward);
    if (!resp) return fail(err, "Query failed: ", resp.error());
    merge_categories(*resp, q.forward);
    if (s.stats) std::fputs(format_query_stats(resp->stats_json).c_str(), err);
    print_result(resp->result, q.forward ? logql::Direction::Forward : logql::Direction::Backward, q.output, out, err);
    return 0;
  }

  auto range = resolve_range(q.since, q.from, q.to, now);
  if (!range) return fail(err, "Query failed: ", range.error());
  RangeRequest req;
  req.query = q.query;
  req.forward = q.forward;
  if (q.step) {
    auto st = parse_step_flag(*q.step);
    if (!st) return fail(err, "Query failed: ", st.error());
    req.step = *st;
  }
  if (q.interval) {
    auto i = model::parse_duration(*q.interval);
    if (!i) return fail(err, "Query failed: --interval: ", i.error());
    req.interval = *i;
  }

  BatchPager pager(q.limit, s.batch, q.forward, range->start, range->end);
  PageOverlap overlap;
  bool first = true;
  while (pager.more()) {
    req.limit = pager.request_limit();
    req.start = pager.start();
    req.end = pager.end();
    auto resp = backend.query_range(req);
    if (!resp) {
      if (s.progress) std::fputs("\r\x1b[K", err);
      return fail(err, "Query failed: ", resp.error());
    }
    if (s.stats) std::fputs(format_query_stats(resp->stats_json).c_str(), err);
    merge_categories(*resp, req.forward);
    if (resp->result.type != logql::ResultType::Streams) {
      print_metric(resp->result, out);
      break;
    }
    PageOverlap last;
    size_t printed = print_streams(resp->result.streams, req.forward ? logql::Direction::Forward : logql::Direction::Backward,
                                   q.output, out, err, first ? nullptr : &overlap, &last);
    first = false;
    if (auto st = pager.page_done(printed, last.lines.size(), last.timestamp); !st) {
      if (s.progress) std::fputs("\r\x1b[K", err);
      return fail(err, "Query failed: ", st.error());
    }
    overlap = std::move(last);
    if (s.progress && pager.more()) {
      std::fflush(out);
      std::fprintf(err, "\r\x1b[K%llu entries fetched...", static_cast<unsigned long long>(pager.total()));
      std::fflush(err);
    }
  }
  if (s.progress) std::fputs("\r\x1b[K", err);
  return 0;
}

int run_labels(QueryBackend& backend, const std::optional<std::string>& name, const ListOptions& o, std::FILE* out,
               std::FILE* err, util::Clock& clock) {
  auto range = resolve_range(o.since, o.from, o.to, clock.now_ns());
  if (!range) return fail(err, "Error doing request: ", range.error());
  auto values = name ? backend.label_values(*name, range->start, range->end)
                     : backend.label_names(range->start, range->end);
  if (!values) return fail(err, "Error doing request: ", values.error());
  for (const auto& v : *values) std::fprintf(out, "%s\n", v.c_str());
  return 0;
}

int run_series(QueryBackend& backend, const std::vector<std::string>& matchers, const ListOptions& o,
               std::FILE* out, std::FILE* err, util::Clock& clock) {
  auto range = resolve_range(o.since, o.from, o.to, clock.now_ns());
  if (!range) return fail(err, "Error doing request: ", range.error());
  auto series = backend.series(matchers, range->start, range->end);
  if (!series) return fail(err, "Error doing request: ", series.error());
  for (const auto& s : *series) std::fprintf(out, "%s\n", s.to_string().c_str());
  return 0;
}

int run_index_stats(QueryBackend& backend, const std::string& query, const ListOptions& o, std::FILE* out,
                    std::FILE* err, util::Clock& clock) {
  if (auto e = logql::parse(query); !e) return fail(err, "Error doing request: ", e.error());
  auto range = resolve_range(o.since, o.from, o.to, clock.now_ns());
  if (!range) return fail(err, "Error doing request: ", range.error());
  auto stats = backend.index_stats(query, range->start, range->end);
  if (!stats) return fail(err, "Error doing request: ", stats.error());
  std::fputs(format_index_stats(*stats, o.color).c_str(), out);
  return 0;
}

int run_volume(QueryBackend& backend, const std::string& query, const VolumeOptions& o, std::FILE* out,
               std::FILE* err, util::Clock& clock) {
  auto range = resolve_range(o.range.since, o.range.from, o.range.to, clock.now_ns());
  if (!range) return fail(err, "Error doing request: ", range.error());
  if (o.range_query && o.step <= 0) return fail(err, "Error doing request: ", "--step must be positive");
  VolumeQuery q;
  q.query = query;
  q.start = range->start;
  q.end = range->end;
  q.step = o.range_query ? o.step : 0;
  q.limit = o.limit;
  q.target_labels = o.target_labels;
  q.aggregate_by_labels = o.aggregate_by_labels;
  auto series = backend.volume(q);
  if (!series) return fail(err, "Error doing request: ", series.error());
  std::fprintf(out, "%s\n", format_volume_json(*series, o.range_query).c_str());
  return 0;
}

int run_detected_fields(QueryBackend& backend, const std::string& query, const std::optional<std::string>& field,
                        const DetectedFieldsOptions& o, std::FILE* out, std::FILE* err, util::Clock& clock) {
  auto range = resolve_range(o.range.since, o.range.from, o.range.to, clock.now_ns());
  if (!range) return fail(err, "Error doing request: ", range.error());
  DetectedFieldsQuery q{query, range->start, range->end, o.line_limit, o.limit};
  if (field) {
    auto values = backend.detected_field_values(q, *field);
    if (!values) return fail(err, "Error doing request: ", values.error());
    for (const auto& v : *values) std::fprintf(out, "%s\n", v.c_str());
    return 0;
  }
  auto fields = backend.detected_fields(q);
  if (!fields) return fail(err, "Error doing request: ", fields.error());
  std::vector<std::string> lines;
  for (const auto& f : *fields) {
    lines.push_back("label: " + f.label + "\t\ttype: " + std::string(query::field_type_name(f.type)) +
                    "\t\tcardinality: " + std::to_string(f.cardinality));
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& l : lines) std::fprintf(out, "%s\n", l.c_str());
  return 0;
}

int run_patterns(QueryBackend& backend, const std::string& query, const PatternsOptions& o, bool json,
                 std::FILE* out, std::FILE* err, util::Clock& clock) {
  auto range = resolve_range(o.range.since, o.range.from, o.range.to, clock.now_ns());
  if (!range) return fail(err, "Error doing request: ", range.error());
  if (o.step < 0) return fail(err, "Error doing request: ", "--step must be positive");
  auto series = backend.patterns(PatternsQuery{query, range->start, range->end, o.step});
  if (!series) return fail(err, "Error doing request: ", series.error());
  for (const auto& s : *series) {
    if (json) {
      std::string line = "{\"pattern\":";
      model::append_json_string(line, s.pattern);
      line += ",\"level\":";
      model::append_json_string(line, s.level);
      line += ",\"total\":" + std::to_string(s.total()) + ",\"samples\":[";
      for (size_t i = 0; i < s.samples.size(); ++i) {
        if (i) line += ',';
        line += "[" + std::to_string(s.samples[i].ts_ms / 1000) + "," + std::to_string(s.samples[i].count) + "]";
      }
      std::fprintf(out, "%s]}\n", line.c_str());
    } else {
      std::fprintf(out, "%lld\t%s\t%s\n", static_cast<long long>(s.total()), s.level.empty() ? "-" : s.level.c_str(),
                   s.pattern.c_str());
    }
  }
  return 0;
}

}  // namespace logcli
