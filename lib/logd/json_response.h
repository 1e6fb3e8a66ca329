// The JSON bodies of Loki's HTTP API (pkg/util/marshal, pkg/loghttp), compact as Loki writes
// them:
//   query/query_range: {"status":"success","data":{"resultType":"streams","result":[...],"stats":{...}}}
//     streams: {"stream":{labels},"values":[["<ns string>","<line>"],...]}
//     streams with categorized labels (the `categorize-labels` encoding flag): data gets
//       "encodingFlags":["categorize-labels"] after resultType, "stream" holds the stream labels
//       only, and each value is ["<ns>","<line>",{"structuredMetadata":{..},"parsed":{..}}]
//       (an empty category is left out: {} when the entry has neither)
//     matrix:  {"metric":{labels},"values":[[<seconds>,"<value>"],...]}
//     vector:  {"metric":{labels},"value":[<seconds>,"<value>"]};  scalar: [<seconds>,"<value>"]
//   labels, label values: {"status":"success","data":["a","b"]}
//   series: {"status":"success","data":[{labels},...]}
//   index/stats: {"streams":n,"chunks":n,"entries":n,"bytes":n}
//   index/volume(_range): as query: a vector (matrix) of bytes, e.g. {"metric":{"app":"web"},"value":[<s>,"1024"]}
//   tail: {"streams":[...],"dropped_entries":[{"labels":{...},"timestamp":"<ns>"}]}, and with
//     categorized labels the values as above and "encodingFlags":["categorize-labels"] last
// Sample times are seconds with millisecond precision (Prometheus' model.Time); values use
// Go's strconv.FormatFloat(v, 'f', -1, 64), with "NaN", "+Inf" and "-Inf".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "logql/eval/engine.h"
#include "model/labels.h"
#include "pattern/pattern_series.h"
#include "query/executor.h"
#include "query/detected_fields.h"
#include "query/detected_labels.h"
#include "query/volume.h"
#include "store/store.h"

namespace logd {

void append_labels_json(std::string& out, const model::LabelSet& labels);

// The `data.result` value alone; `categorized`: streams in the categorized form.
std::string encode_result(const logql::QueryResult& result, bool categorized = false);
// The `stats` object, Loki's shape (summary, querier, ingester, cache) with what logd measures
// and zeros for what it does not.
std::string encode_stats(const query::ExecStats& stats);
// `categorized` (the request asked for `categorize-labels`): a streams result in the categorized
// form, with the flag echoed; metric results are unchanged, as in Loki.
std::string encode_query_response(const logql::QueryResult& result, const query::ExecStats& stats,
                                  bool categorized = false);

std::string encode_string_list(const std::vector<std::string>& values);
std::string encode_series(const std::vector<model::LabelSet>& series);
std::string encode_index_stats(const store::IndexStats& stats);
std::string encode_format_query(const std::string& formatted);
// index/volume (a vector: each series' one point) and index/volume_range (a matrix), with
// the empty stats Loki's volume answers carry.
std::string encode_volume_response(const std::vector<query::VolumeSeries>& series, bool range);
// detected_fields: {"fields":[{"label":..,"type":..,"cardinality":n,"parsers":[..]|null}],"limit":n}
std::string encode_detected_fields(const std::vector<query::DetectedField>& fields, uint32_t limit);
// detected_field/<name>/values: {"values":[..],"limit":n}
std::string encode_detected_field_values(const std::vector<std::string>& values, uint32_t limit);
// detected_labels: {"detectedLabels":[{"label":..,"cardinality":n}]}
std::string encode_detected_labels(const std::vector<query::DetectedLabel>& labels);
// /loki/api/v1/patterns: {"status":"success","data":[{"pattern":..,"level":..,"samples":[[s,n],..]}]}
// with Unix seconds, the pattern HTML-escaped (`<_>` as \u003c_\u003e) as Loki's jsoniter writes it.
std::string encode_patterns(const std::vector<pattern::PatternSeries>& series);

struct DroppedEntry {
  model::LabelSet labels;
  int64_t timestamp = 0;
};
std::string encode_tail(const std::vector<logql::Stream>& streams, const std::vector<DroppedEntry>& dropped,
                        bool categorized = false);

}  // namespace logd
