// Query parameters of Loki's HTTP API (pkg/loghttp/params.go), with Loki's defaults and error
// messages: times in every form model::parse_time accepts, `since`, `step` as a duration or float
// seconds (default: the range / 250, at least 1s), `limit` (default 100), `direction`.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "http/message.h"
#include "logql/ast.h"
#include "logql/eval/engine.h"
#include "query/volume.h"
#include "util/result.h"

namespace logd {

struct RangeQueryParams {
  std::string query;
  logql::QueryParams params;  // start, end, step, interval, limit, direction
  // `limit` was a positive multiple of 2^32: Go's uint32() conversion in Loki makes it 0, and a
  // log query with limit 0 reads nothing there (params.limit, where 0 means no limit, is 0 too).
  bool limit_wrapped_to_zero = false;
};

// /loki/api/v1/query_range. `now` is the request time (ns).
util::Result<RangeQueryParams> parse_range_query(const http::Params& p, int64_t now);
// /loki/api/v1/query: `time` (default now), limit, direction.
util::Result<RangeQueryParams> parse_instant_query(const http::Params& p, int64_t now);

// start/end/since for the label, series and stats endpoints; `default_lookback` when unset.
struct TimeRange {
  int64_t start = 0;
  int64_t end = 0;
};
util::Result<TimeRange> parse_time_range(const http::Params& p, int64_t now, int64_t default_lookback);

// Loki's step default for a range: max(floor(seconds / 250), 1) seconds.
int64_t default_step(int64_t start, int64_t end);
// "5m", "1h30m" or float seconds ("15", "0.5").
util::Result<int64_t> parse_step(const std::string& text);
// The `step` parameter of a range over [start, end): default_step when absent; positive, and at
// most 11,000 points (Loki's checks and messages).
util::Result<int64_t> parse_step_param(const http::Params& p, int64_t start, int64_t end);

// The <name> of a `<prefix><name>/values` path (label/<name>/values, detected_field/<name>/values),
// or nullopt when the path has another shape.
std::optional<std::string> name_before_values(std::string_view path, std::string_view prefix);

// The first value of `name`, or "".
std::string param(const http::Params& p, const std::string& name);

// `match[]` selectors (or one `query` selector) for /series and friends.
util::Result<std::vector<std::vector<logql::ast::Matcher>>> parse_match_params(const http::Params& p);

// /loki/api/v1/index/volume (`range` false) and volume_range: query (a stream selector, or `{}`
// for every stream), start/end/since (default: the last hour), limit (default 100), step (range
// only; default as query_range), targetLabels (comma-separated), aggregateBy (series|labels).
util::Result<query::VolumeRequest> parse_volume_request(const http::Params& p, int64_t now, bool range);

// /loki/api/v1/detected_fields and detected_field/<name>/values: query (a log query: a stream
// selector with optional filters), start/end/since (default: the last hour), line_limit (lines
// read, default 1000), limit (fields, or values, returned; default 1000).
struct DetectedFieldsRequest {
  std::string query;
  int64_t start = 0, end = 0;
  uint32_t line_limit = 1000;
  uint32_t limit = 1000;
};
util::Result<DetectedFieldsRequest> parse_detected_fields_request(const http::Params& p, int64_t now);

// /loki/api/v1/patterns: query (a stream selector; Loki accepts nothing else), start/end/since
// (default: the last hour), step (default as query_range; the answer's steps are at least the
// pattern sample interval).
struct PatternsRequest {
  std::vector<logql::ast::Matcher> matchers;
  int64_t start = 0, end = 0, step = 0;
};
util::Result<PatternsRequest> parse_patterns_request(const http::Params& p, int64_t now);

}  // namespace logd
