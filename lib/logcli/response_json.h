// Decoding the JSON answers of Loki's HTTP API into the engine's result types, so a server's
// answer prints through the same code as a local evaluation. Every decoder rejects a malformed
// or unexpected document with an error naming what was wrong. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logql/eval/engine.h"
#include "model/labels.h"
#include "query/detected_fields.h"
#include "pattern/pattern_series.h"
#include "query/volume.h"
#include "util/result.h"

namespace logcli {

struct QueryResponse {
  logql::QueryResult result;
  // The answer listed `categorize-labels` in data.encodingFlags: streams hold the stream labels
  // only, entries their structured metadata and parsed labels (model::Entry::metadata, ::parsed);
  // query::merge_label_categories gives the merged form. A plain answer's labels are merged.
  bool categorized = false;
  std::string stats_json;  // the response's data.stats object, as sent ("" when absent)
};

// /loki/api/v1/query and query_range: {"status":"success","data":{"resultType":..,"result":..,"stats":..}},
// plain or with categorized labels (data.encodingFlags ["categorize-labels"], entries
// [ts, line, {"structuredMetadata":{..},"parsed":{..}}]).
util::Result<QueryResponse> decode_query_response(std::string_view body);
// /loki/api/v1/labels and label/<name>/values: {"status":"success","data":["a","b"]}
util::Result<std::vector<std::string>> decode_string_list(std::string_view body);
// /loki/api/v1/series: {"status":"success","data":[{"a":"b"},...]}
util::Result<std::vector<model::LabelSet>> decode_series(std::string_view body);

// /loki/api/v1/index/stats: {"streams":n,"chunks":n,"entries":n,"bytes":n}
struct IndexStatsResponse {
  uint64_t streams = 0, chunks = 0, entries = 0, bytes = 0;
};
util::Result<IndexStatsResponse> decode_index_stats(std::string_view body);

// /loki/api/v1/index/volume (a vector) and volume_range (a matrix) of bytes per series. Metrics
// keep labels with empty values (aggregateBy=labels answers {"<name>":""}).
util::Result<std::vector<query::VolumeSeries>> decode_volume_response(std::string_view body);

// /loki/api/v1/detected_fields: {"fields":[{"label":..,"type":..,"cardinality":n,"parsers":[..]|null}],"limit":n}
util::Result<std::vector<query::DetectedField>> decode_detected_fields(std::string_view body);
// /loki/api/v1/detected_field/<name>/values: {"values":[..],"limit":n}
util::Result<std::vector<std::string>> decode_detected_field_values(std::string_view body);
// /loki/api/v1/patterns: each pattern with its level ("" when the server sends none) and samples.
util::Result<std::vector<pattern::PatternSeries>> decode_patterns(std::string_view body);

// One tail message: {"streams":[{"stream":{..},"values":[[ns,line],..]}],"dropped_entries":[{"labels":{..},"timestamp":ns}]}
struct DroppedEntry {
  model::LabelSet labels;
  int64_t timestamp = 0;
};
struct TailMessage {
  bool categorized = false;  // as QueryResponse::categorized, from the message's encodingFlags
  std::vector<logql::Stream> streams;
  std::vector<DroppedEntry> dropped;
};
util::Result<TailMessage> decode_tail_message(std::string_view body);

}  // namespace logcli
