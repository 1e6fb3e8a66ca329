// Building the URLs logcli sends to a Loki-compatible server, exactly as Loki's logcli builds
// them: Go's url.Values.Encode (keys sorted, values in insertion order, QueryEscape encoding) and
// the parameter names and units of each endpoint. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logcli {

// Go's url.QueryEscape: unreserved bytes as is, space as '+', everything else %XX (upper case).
std::string query_escape(std::string_view s);
// Go's url.PathEscape: like QueryEscape, but space is %20 and a few sub-delimiters stay.
std::string path_escape(std::string_view s);

// An ordered multimap of parameters, encoded as Go's url.Values.Encode does.
class QueryString {
 public:
  QueryString& set(std::string key, std::string value);
  QueryString& set(std::string key, int64_t value) { return set(std::move(key), std::to_string(value)); }
  QueryString& add(std::string key, std::string value);  // repeated keys (match[])
  std::string encode() const;

 private:
  std::vector<std::pair<std::string, std::vector<std::string>>> params_;
};

// `addr` joined with `path` (as Go's path.Join onto the address's own path) and `query`.
std::string build_url(std::string_view addr, std::string_view path, const std::string& query);

// Go's strconv.FormatFloat(v, 'f', -1, 64) for a duration in seconds (step, interval).
std::string format_seconds(int64_t ns);

// The parameters of each request, as Loki's logcli sends them.
struct RangeRequest {
  std::string query;
  uint32_t limit = 30;
  int64_t start = 0, end = 0;  // ns
  bool forward = false;
  int64_t step = 0, interval = 0;  // ns; 0 = server default
};
std::string query_range_params(const RangeRequest& r);
std::string instant_query_params(const std::string& query, uint32_t limit, int64_t time, bool forward);
std::string time_range_params(int64_t start, int64_t end);  // labels and label values
std::string series_params(const std::vector<std::string>& matchers, int64_t start, int64_t end);
std::string index_stats_params(const std::string& query, int64_t start, int64_t end);
// index/volume and index/volume_range (step != 0).
struct VolumeQuery {
  std::string query;
  int64_t start = 0, end = 0;  // ns
  int64_t step = 0;            // ns; 0: volume (one point per series), else volume_range
  uint32_t limit = 100;
  std::vector<std::string> target_labels;
  bool aggregate_by_labels = false;
};
std::string volume_params(const VolumeQuery& q);
// detected_fields and detected_field/<name>/values.
struct DetectedFieldsQuery {
  std::string query;
  int64_t start = 0, end = 0;  // ns
  uint32_t line_limit = 1000;  // lines read
  uint32_t limit = 1000;       // fields (or values) returned
};
std::string detected_fields_params(const DetectedFieldsQuery& q);
std::string detected_field_values_path(std::string_view name);
// patterns (step 0: the server's default).
struct PatternsQuery {
  std::string query;
  int64_t start = 0, end = 0;  // ns
  int64_t step = 0;            // ns
};
std::string patterns_params(const PatternsQuery& q);
std::string tail_params(const std::string& query, int64_t delay_for_seconds, uint32_t limit, int64_t start);

inline constexpr const char* kQueryPath = "/loki/api/v1/query";
inline constexpr const char* kQueryRangePath = "/loki/api/v1/query_range";
inline constexpr const char* kLabelsPath = "/loki/api/v1/labels";
inline constexpr const char* kSeriesPath = "/loki/api/v1/series";
inline constexpr const char* kIndexStatsPath = "/loki/api/v1/index/stats";
inline constexpr const char* kVolumePath = "/loki/api/v1/index/volume";
inline constexpr const char* kVolumeRangePath = "/loki/api/v1/index/volume_range";
inline constexpr const char* kDetectedFieldsPath = "/loki/api/v1/detected_fields";
inline constexpr const char* kTailPath = "/loki/api/v1/tail";
inline constexpr const char* kPatternsPath = "/loki/api/v1/patterns";
std::string label_values_path(std::string_view name);

}  // namespace logcli
