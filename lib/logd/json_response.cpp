#include "logd/json_response.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "model/json_string.h"
#include "model/sample_format.h"
#include "model/time.h"
#include "query/encoding_flags.h"

namespace logd {

using model::format_sample_time;
using model::format_sample_value;
namespace {

// `categorized`: each entry gets Loki's third element, {"structuredMetadata":{..},"parsed":{..}}
// with empty categories left out ({} when both are).
void append_stream(std::string& out, const logql::Stream& s, bool categorized) {
  out += "{\"stream\":";
  append_labels_json(out, s.labels);
  out += ",\"values\":[";
  for (size_t i = 0; i < s.entries.size(); ++i) {
    const model::Entry& e = s.entries[i];
    if (i) out += ',';
    out += "[\"";
    out += std::to_string(e.timestamp);
    out += "\",";
    model::append_json_string(out, e.line);
    if (categorized) {
      out += ",{";
      if (!e.metadata.empty()) {
        out += "\"structuredMetadata\":";
        append_labels_json(out, e.metadata);
      }
      if (!e.parsed.empty()) {
        if (!e.metadata.empty()) out += ',';
        out += "\"parsed\":";
        append_labels_json(out, e.parsed);
      }
      out += '}';
    }
    out += ']';
  }
  out += "]}";
}

void append_encoding_flags(std::string& out) {
  out += "\"encodingFlags\":[\"";
  out += query::kCategorizeLabelsFlag;
  out += "\"]";
}

void append_point(std::string& out, const logql::Point& p) {
  out += '[';
  out += format_sample_time(p.t);
  out += ",\"";
  out += format_sample_value(p.v);
  out += "\"]";
}

const char* result_type(logql::ResultType t) {
  switch (t) {
    case logql::ResultType::Streams: return "streams";
    case logql::ResultType::Matrix: return "matrix";
    case logql::ResultType::Vector: return "vector";
    case logql::ResultType::Scalar: return "scalar";
  }
  return "streams";
}

void field(std::string& out, const char* name, double v, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += name;
  out += "\":";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<int64_t>(v));
  } else {
    out += format_sample_value(v);
  }
}

// Loki's stats.Chunk object, all zeros except what the caller knows.
std::string chunk_stats(uint64_t lines, uint64_t bytes) {
  std::string out = "{";
  field(out, "headChunkBytes", 0, true);
  field(out, "headChunkLines", 0);
  field(out, "decompressedBytes", static_cast<double>(bytes));
  field(out, "decompressedLines", static_cast<double>(lines));
  field(out, "compressedBytes", 0);
  field(out, "totalDuplicates", 0);
  field(out, "postFilterLines", 0);
  field(out, "headChunkStructuredMetadataBytes", 0);
  field(out, "decompressedStructuredMetadataBytes", 0);
  out += '}';
  return out;
}

std::string store_stats(uint64_t lines, uint64_t bytes) {
  std::string out = "{";
  field(out, "totalChunksRef", 0, true);
  field(out, "totalChunksDownloaded", 0);
  field(out, "chunksDownloadTime", 0);
  out += ",\"queryReferencedStructuredMetadata\":false";
  out += ",\"chunk\":" + chunk_stats(lines, bytes);
  field(out, "chunkRefsFetchTime", 0);
  field(out, "congestionControlLatency", 0);
  field(out, "pipelineWrapperFilteredLines", 0);
  out += '}';
  return out;
}

std::string cache_stats() {
  std::string one = "{";
  field(one, "entriesFound", 0, true);
  field(one, "entriesRequested", 0);
  field(one, "entriesStored", 0);
  field(one, "bytesReceived", 0);
  field(one, "bytesSent", 0);
  field(one, "requests", 0);
  field(one, "downloadTime", 0);
  field(one, "queryLengthServed", 0);
  one += '}';
  std::string out = "{";
  bool first = true;
  for (const char* name : {"chunk", "index", "result", "statsResult", "volumeResult", "seriesResult",
                           "labelResult", "instantMetricResult"}) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":" + one;
  }
  out += '}';
  return out;
}

}  // namespace

void append_labels_json(std::string& out, const model::LabelSet& labels) {
  out += '{';
  bool first = true;
  for (const auto& l : labels) {
    if (!first) out += ',';
    first = false;
    model::append_json_string(out, l.name);
    out += ':';
    model::append_json_string(out, l.value);
  }
  out += '}';
}

std::string encode_result(const logql::QueryResult& r, bool categorized) {
  std::string out;
  switch (r.type) {
    case logql::ResultType::Streams:
      out += '[';
      for (size_t i = 0; i < r.streams.size(); ++i) {
        if (i) out += ',';
        append_stream(out, r.streams[i], categorized);
      }
      out += ']';
      break;
    case logql::ResultType::Matrix:
      out += '[';
      for (size_t i = 0; i < r.matrix.size(); ++i) {
        if (i) out += ',';
        out += "{\"metric\":";
        append_labels_json(out, r.matrix[i].labels);
        out += ",\"values\":[";
        for (size_t j = 0; j < r.matrix[i].points.size(); ++j) {
          if (j) out += ',';
          append_point(out, r.matrix[i].points[j]);
        }
        out += "]}";
      }
      out += ']';
      break;
    case logql::ResultType::Vector:
      out += '[';
      for (size_t i = 0; i < r.vector.size(); ++i) {
        if (i) out += ',';
        out += "{\"metric\":";
        append_labels_json(out, r.vector[i].labels);
        out += ",\"value\":";
        append_point(out, r.vector[i].point);
        out += '}';
      }
      out += ']';
      break;
    case logql::ResultType::Scalar:
      append_point(out, r.scalar);
      break;
  }
  return out;
}

std::string encode_stats(const query::ExecStats& s) {
  const double secs = s.exec_seconds > 0 ? s.exec_seconds : 0;
  std::string summary = "{";
  field(summary, "bytesProcessedPerSecond", secs > 0 ? std::floor(double(s.bytes_processed) / secs) : 0, true);
  field(summary, "linesProcessedPerSecond", secs > 0 ? std::floor(double(s.lines_processed) / secs) : 0);
  field(summary, "totalBytesProcessed", static_cast<double>(s.bytes_processed));
  field(summary, "totalLinesProcessed", static_cast<double>(s.lines_processed));
  summary += ",\"execTime\":" + format_sample_value(secs);
  field(summary, "queueTime", 0);
  field(summary, "subqueries", 0);
  field(summary, "totalEntriesReturned", static_cast<double>(s.entries_returned));
  field(summary, "splits", static_cast<double>(s.splits));
  field(summary, "shards", 0);
  field(summary, "totalPostFilterLines", 0);
  field(summary, "totalStructuredMetadataBytesProcessed", 0);
  summary += '}';
  std::string ingester = "{";
  field(ingester, "totalReached", 1, true);
  field(ingester, "totalChunksMatched", 0);
  field(ingester, "totalBatches", 0);
  field(ingester, "totalLinesSent", 0);
  ingester += ",\"store\":" + store_stats(0, 0) + "}";
  // Lines read are counted once, for the querier as a whole: logd does not tell head data from
  // stored chunks in its counters.
  return "{\"summary\":" + summary + ",\"querier\":{\"store\":" + store_stats(s.lines_processed, s.bytes_processed) +
         "},\"ingester\":" + ingester + ",\"cache\":" + cache_stats() + "}";
}

std::string encode_query_response(const logql::QueryResult& result, const query::ExecStats& stats,
                                  bool categorized) {
  categorized = categorized && result.type == logql::ResultType::Streams;
  std::string out = "{\"status\":\"success\",\"data\":{\"resultType\":\"";
  out += result_type(result.type);
  out += '"';
  if (categorized) {
    out += ',';
    append_encoding_flags(out);
  }
  out += ",\"result\":";
  out += encode_result(result, categorized);
  out += ",\"stats\":";
  out += encode_stats(stats);
  out += "}}";
  return out;
}

std::string encode_volume_response(const std::vector<query::VolumeSeries>& series, bool range) {
  std::string out = "{\"status\":\"success\",\"data\":{\"resultType\":\"";
  out += range ? "matrix" : "vector";
  out += "\",\"result\":[";
  for (size_t i = 0; i < series.size(); ++i) {
    if (i) out += ',';
    out += "{\"metric\":{";
    for (size_t j = 0; j < series[i].metric.size(); ++j) {
      if (j) out += ',';
      model::append_json_string(out, series[i].metric[j].name);
      out += ':';
      model::append_json_string(out, series[i].metric[j].value);
    }
    out += range ? "},\"values\":[" : "},\"value\":";
    for (size_t j = 0; j < series[i].points.size() && (range || j == 0); ++j) {
      if (j) out += ',';
      append_point(out, logql::Point{series[i].points[j].timestamp, static_cast<double>(series[i].points[j].bytes)});
    }
    out += range ? "]}" : "}";
  }
  out += "],\"stats\":";
  out += encode_stats(query::ExecStats{});
  out += "}}";
  return out;
}

std::string encode_detected_fields(const std::vector<query::DetectedField>& fields, uint32_t limit) {
  std::string out = "{\"fields\":[";
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    if (i) out += ',';
    out += "{\"label\":";
    model::append_json_string(out, f.label);
    out += ",\"type\":\"";
    out += query::field_type_name(f.type);
    out += "\",\"cardinality\":" + std::to_string(f.cardinality) + ",\"parsers\":";
    if (f.parsers.empty()) {
      out += "null";  // structured metadata: Loki sends no parser list
    } else {
      out += '[';
      for (size_t j = 0; j < f.parsers.size(); ++j) {
        if (j) out += ',';
        model::append_json_string(out, f.parsers[j]);
      }
      out += ']';
    }
    out += '}';
  }
  out += "],\"limit\":" + std::to_string(limit) + "}";
  return out;
}

std::string encode_detected_field_values(const std::vector<std::string>& values, uint32_t limit) {
  std::string out = "{\"values\":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    model::append_json_string(out, values[i]);
  }
  out += "],\"limit\":" + std::to_string(limit) + "}";
  return out;
}

std::string encode_detected_labels(const std::vector<query::DetectedLabel>& labels) {
  std::string out = "{\"detectedLabels\":[";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += "{\"label\":";
    model::append_json_string(out, labels[i].label);
    out += ",\"cardinality\":" + std::to_string(labels[i].cardinality) + "}";
  }
  out += "]}";
  return out;
}

std::string encode_patterns(const std::vector<pattern::PatternSeries>& series) {
  std::string out = "{\"status\":\"success\",\"data\":[";
  for (size_t i = 0; i < series.size(); ++i) {
    if (i) out += ',';
    out += "{\"pattern\":";
    model::append_json_string(out, series[i].pattern);  // `<_>` as \u003c_\u003e, as Go writes it
    out += ",\"level\":";
    model::append_json_string(out, series[i].level);
    out += ",\"samples\":[";
    for (size_t j = 0; j < series[i].samples.size(); ++j) {
      if (j) out += ',';
      const pattern::Sample& s = series[i].samples[j];
      // Go's Time.Unix(): floor division of the milliseconds.
      const int64_t secs = s.ts_ms / 1000 - (s.ts_ms < 0 && s.ts_ms % 1000 != 0 ? 1 : 0);
      out += '[' + std::to_string(secs) + ',' + std::to_string(s.count) + ']';
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

std::string encode_string_list(const std::vector<std::string>& values) {
  std::string out = "{\"status\":\"success\",\"data\":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    model::append_json_string(out, values[i]);
  }
  out += "]}";
  return out;
}

std::string encode_series(const std::vector<model::LabelSet>& series) {
  std::string out = "{\"status\":\"success\",\"data\":[";
  for (size_t i = 0; i < series.size(); ++i) {
    if (i) out += ',';
    append_labels_json(out, series[i]);
  }
  out += "]}";
  return out;
}

std::string encode_index_stats(const store::IndexStats& s) {
  return "{\"streams\":" + std::to_string(s.streams) + ",\"chunks\":" + std::to_string(s.chunks) +
         ",\"entries\":" + std::to_string(s.entries) + ",\"bytes\":" + std::to_string(s.bytes) + "}";
}

std::string encode_format_query(const std::string& formatted) {
  std::string out = "{\"status\":\"success\",\"data\":";
  model::append_json_string(out, formatted);
  out += '}';
  return out;
}

std::string encode_tail(const std::vector<logql::Stream>& streams, const std::vector<DroppedEntry>& dropped,
                        bool categorized) {
  std::string out = "{\"streams\":[";
  for (size_t i = 0; i < streams.size(); ++i) {
    if (i) out += ',';
    append_stream(out, streams[i], categorized);
  }
  out += ']';
  if (!dropped.empty()) {
    out += ",\"dropped_entries\":[";
    for (size_t i = 0; i < dropped.size(); ++i) {
      if (i) out += ',';
      out += "{\"labels\":";
      append_labels_json(out, dropped[i].labels);
      out += ",\"timestamp\":\"" + std::to_string(dropped[i].timestamp) + "\"}";
    }
    out += ']';
  }
  if (categorized) {
    out += ',';
    append_encoding_flags(out);
  }
  out += '}';
  return out;
}

}  // namespace logd
