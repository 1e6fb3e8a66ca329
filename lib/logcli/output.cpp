#include "logcli/output.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "golang/quote.h"
#include "model/json_string.h"
#include "model/sample_format.h"
#include "model/time.h"
#include "util/strings.h"

namespace logcli {

using model::append_json_string;

namespace {

const char* kBlue = "\x1b[34m";
const char* kRed = "\x1b[31m";
const char* kReset = "\x1b[0m";

// Local-zone offset in seconds east of UTC at time `ns`.
int local_offset(int64_t ns) {
  time_t secs = static_cast<time_t>(ns / model::kNanosPerSecond);
  struct tm tm;
  localtime_r(&secs, &tm);
  return static_cast<int>(tm.tm_gmtoff);
}

// Labels present with the same value in every stream: logcli prints them once and drops them
// from each line.
model::LabelSet common_labels(const std::vector<logql::Stream>& streams) {
  if (streams.empty()) return {};
  model::LabelSet common = streams[0].labels;
  for (size_t i = 1; i < streams.size(); ++i) {
    std::vector<model::Label> keep;
    for (const auto& l : common) {
      auto v = streams[i].labels.get(l.name);
      if (v && *v == l.value) keep.push_back(l);
    }
    common = model::LabelSet::from_unsorted(std::move(keep));
  }
  return common;
}

model::LabelSet shown_labels(const model::LabelSet& labels, const model::LabelSet& common,
                             const OutputOptions& opts) {
  std::vector<model::Label> out;
  for (const auto& l : labels) {
    if (common.has(l.name)) continue;
    if (!opts.include_labels.empty() &&
        std::find(opts.include_labels.begin(), opts.include_labels.end(), l.name) == opts.include_labels.end())
      continue;
    if (std::find(opts.exclude_labels.begin(), opts.exclude_labels.end(), l.name) != opts.exclude_labels.end())
      continue;
    out.push_back(l);
  }
  return model::LabelSet::from_unsorted(std::move(out));
}

void indent(std::string& out, int level) {
  out += '\n';
  out.append(static_cast<size_t>(level) * 2, ' ');
}

void append_metric(std::string& out, const std::vector<model::Label>& labels, int level) {
  out += "\"metric\": ";
  if (labels.empty()) {
    out += "{}";
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& l : labels) {
    if (!first) out += ',';
    first = false;
    indent(out, level + 1);
    append_json_string(out, l.name);
    out += ": ";
    append_json_string(out, l.value);
  }
  indent(out, level);
  out += '}';
}

void append_pair(std::string& out, const logql::Point& p, int level) {
  out += '[';
  indent(out, level + 1);
  out += model::format_sample_time(p.t);
  out += ',';
  indent(out, level + 1);
  out += '"' + model::format_sample_value(p.v) + '"';
  indent(out, level);
  out += ']';
}

// {"a":"b",...} without spaces.
void append_compact_object(std::string& out, const model::LabelSet& labels) {
  out += '{';
  bool first = true;
  for (const auto& l : labels) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, l.name);
    out += ':';
    append_json_string(out, l.value);
  }
  out += '}';
}

}  // namespace

std::string format_time(int64_t ns, bool nano, bool utc) {
  int offset = utc ? 0 : local_offset(ns);
  if (nano) return model::format_rfc3339nano(ns, offset);
  int64_t secs = ns / model::kNanosPerSecond;
  if (ns < 0 && ns % model::kNanosPerSecond) secs -= 1;
  return model::format_rfc3339nano(secs * model::kNanosPerSecond, offset);
}

std::string format_jsonl_entry(const model::LabelSet& labels, const model::Entry& entry, const OutputOptions& opts) {
  std::string out = "{";
  if (!opts.no_labels) {
    out += "\"labels\":";
    if (entry.metadata.empty() && entry.parsed.empty()) {
      append_compact_object(out, labels);
    } else {
      // The stream's and the parsed labels; the structured metadata goes in its own key, so
      // that `logcli push` gives it back as metadata rather than as stream labels.
      std::vector<model::Label> shown;
      for (const auto& l : labels)
        if (!entry.metadata.has(l.name)) shown.push_back(l);
      for (const auto& l : entry.parsed) shown.push_back(l);
      append_compact_object(out, model::LabelSet::from_unsorted(std::move(shown)));
    }
    out += ',';
  }
  out += "\"line\":";
  append_json_string(out, entry.line);
  if (!entry.metadata.empty()) {  // only then: entries without it print as Loki's logcli prints them
    out += ",\"structured_metadata\":";
    append_compact_object(out, entry.metadata);
  }
  out += ",\"timestamp\":\"";
  out += format_time(entry.timestamp, true, opts.utc);
  out += "\"}";
  return out;
}

namespace {

// One element of a printed matrix (`values`, every point) or vector (`value`, the first).
void append_series_json(std::string& out, const std::vector<model::Label>& metric,
                        const std::vector<logql::Point>& points, bool matrix) {
  indent(out, 1);
  out += '{';
  indent(out, 2);
  append_metric(out, metric, 2);
  out += ',';
  indent(out, 2);
  if (!matrix) {
    out += "\"value\": ";
    append_pair(out, points.front(), 2);
  } else if (points.empty()) {
    out += "\"values\": []";
  } else {
    out += "\"values\": [";
    for (size_t k = 0; k < points.size(); ++k) {
      if (k) out += ',';
      indent(out, 3);
      append_pair(out, points[k], 3);
    }
    indent(out, 2);
    out += ']';
  }
  indent(out, 1);
  out += '}';
}

template <class Items, class Each>
std::string format_series_list(const Items& items, Each each) {
  if (items.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    each(out, items[i]);
  }
  out += "\n]";
  return out;
}

}  // namespace

std::string format_matrix_json(const std::vector<logql::Series>& matrix) {
  return format_series_list(matrix, [](std::string& out, const logql::Series& s) {
    append_series_json(out, s.labels.labels(), s.points, true);
  });
}

std::string format_vector_json(const std::vector<logql::VectorSample>& vector) {
  return format_series_list(vector, [](std::string& out, const logql::VectorSample& s) {
    append_series_json(out, s.labels.labels(), {s.point}, false);
  });
}

std::string format_volume_json(const std::vector<query::VolumeSeries>& series, bool range) {
  return format_series_list(series, [range](std::string& out, const query::VolumeSeries& s) {
    std::vector<logql::Point> points;
    points.reserve(s.points.size());
    for (const auto& p : s.points) points.push_back({p.timestamp, static_cast<double>(p.bytes)});
    append_series_json(out, s.metric, points, range);
  });
}

std::string format_scalar_json(const logql::Point& scalar) {
  std::string out;
  append_pair(out, scalar, 0);
  return out;
}

void print_result(const logql::QueryResult& result, logql::Direction direction, const OutputOptions& opts,
                  std::FILE* out, std::FILE* err) {
  switch (result.type) {
    case logql::ResultType::Matrix:
      std::fprintf(out, "%s\n", format_matrix_json(result.matrix).c_str());
      return;
    case logql::ResultType::Vector:
      std::fprintf(out, "%s\n", format_vector_json(result.vector).c_str());
      return;
    case logql::ResultType::Scalar:
      std::fprintf(out, "%s\n", format_scalar_json(result.scalar).c_str());
      return;
    case logql::ResultType::Streams:
      print_streams(result.streams, direction, opts, out, err, nullptr, nullptr);
      return;
  }
}

size_t print_streams(const std::vector<logql::Stream>& streams, logql::Direction direction, const OutputOptions& opts,
                     std::FILE* out, std::FILE* err, const PageOverlap* skip, PageOverlap* last) {
  // Merge every stream's entries into one time-ordered list, as logcli does.
  struct Row {
    const model::Entry* entry;
    size_t stream;
  };
  std::vector<Row> rows;
  for (size_t s = 0; s < streams.size(); ++s)
    for (const auto& e : streams[s].entries) rows.push_back({&e, s});
  auto earlier = [&](const Row& a, const Row& b) {
    return direction == logql::Direction::Forward ? a.entry->timestamp < b.entry->timestamp
                                                  : a.entry->timestamp > b.entry->timestamp;
  };
  // One stream per entry (`| json` with unique labels) read in time order is already sorted.
  if (!std::is_sorted(rows.begin(), rows.end(), earlier)) std::stable_sort(rows.begin(), rows.end(), earlier);

  if (last) {
    last->lines.clear();
    if (!rows.empty()) {
      last->timestamp = rows.back().entry->timestamp;
      for (const auto& r : rows)
        if (r.entry->timestamp == last->timestamp) last->lines.push_back(r.entry->line);
    }
  }
  // Batching repeats the previous page's final-timestamp entries: skip those already printed.
  auto already_printed = [&](const Row& r) {
    if (!skip || skip->lines.empty() || r.entry->timestamp != skip->timestamp) return false;
    return std::find(skip->lines.begin(), skip->lines.end(), r.entry->line) != skip->lines.end();
  };
  size_t printed = 0;

  if (opts.mode == OutputMode::Jsonl) {
    std::string line;
    for (const auto& r : rows) {
      if (already_printed(r)) continue;
      line = format_jsonl_entry(streams[r.stream].labels, *r.entry, opts);
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), out);
      ++printed;
    }
    return printed;
  }
  if (opts.mode == OutputMode::Raw) {
    for (const auto& r : rows) {
      if (already_printed(r)) continue;
      std::fwrite(r.entry->line.data(), 1, r.entry->line.size(), out);
      std::fputc('\n', out);
      ++printed;
    }
    return printed;
  }

  model::LabelSet common = common_labels(streams);
  if (!opts.include_labels.empty()) {
    std::vector<model::Label> keep;
    for (const auto& l : common)
      if (std::find(opts.include_labels.begin(), opts.include_labels.end(), l.name) == opts.include_labels.end())
        keep.push_back(l);
    common = model::LabelSet::from_unsorted(std::move(keep));
  }
  if (!common.empty() && !opts.quiet) std::fprintf(err, "Common labels: %s\n", common.to_string().c_str());

  std::vector<std::string> shown(streams.size());
  size_t width = static_cast<size_t>(std::max(0, opts.fixed_labels_length));
  for (size_t s = 0; s < streams.size(); ++s) {
    shown[s] = shown_labels(streams[s].labels, common, opts).to_string();
    width = std::max(width, shown[s].size());
  }
  std::string line;
  for (const auto& r : rows) {
    if (already_printed(r)) continue;
    ++printed;
    line.clear();
    std::string ts = format_time(r.entry->timestamp, false, opts.utc);
    if (opts.color) line += kBlue;
    line += ts;
    if (opts.color) line += kReset;
    line += ' ';
    if (!opts.no_labels) {
      const std::string& ls = shown[r.stream];
      if (opts.color) line += kRed;
      line += ls;
      line.append(width - ls.size(), ' ');
      if (opts.color) line += kReset;
      line += ' ';
    }
    line += util::trim(r.entry->line);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
  }
  return printed;
}

}  // namespace logcli
