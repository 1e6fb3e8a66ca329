// QueryBackend over Loki's HTTP API (see query_backend.h).
#include "logcli/query_backend.h"

#include "query/encoding_flags.h"

namespace logcli {

namespace {

class HttpBackend : public QueryBackend {
 public:
  explicit HttpBackend(const ClientOptions& options) : client_(options) {}

  // Log queries ask for Loki's categorized labels, so structured metadata reaches the jsonl
  // output apart from the stream labels; a server that ignores the flag answers the plain form,
  // which decodes too.
  util::Result<QueryResponse> query_range(const RangeRequest& r) override {
    return decode(client_.get(kQueryRangePath, query_range_params(r), categorize_header()), decode_query_response);
  }
  util::Result<QueryResponse> instant_query(const std::string& query, uint32_t limit, int64_t time,
                                            bool forward) override {
    return decode(client_.get(kQueryPath, instant_query_params(query, limit, time, forward), categorize_header()),
                  decode_query_response);
  }
  util::Result<std::vector<std::string>> label_names(int64_t start, int64_t end) override {
    return decode(client_.get(kLabelsPath, time_range_params(start, end)), decode_string_list);
  }
  util::Result<std::vector<std::string>> label_values(const std::string& name, int64_t start, int64_t end) override {
    return decode(client_.get(label_values_path(name), time_range_params(start, end)), decode_string_list);
  }
  util::Result<std::vector<model::LabelSet>> series(const std::vector<std::string>& matchers, int64_t start,
                                                    int64_t end) override {
    return decode(client_.get(kSeriesPath, series_params(matchers, start, end)), decode_series);
  }
  util::Result<IndexStatsResponse> index_stats(const std::string& query, int64_t start, int64_t end) override {
    return decode(client_.get(kIndexStatsPath, index_stats_params(query, start, end)), decode_index_stats);
  }
  util::Result<std::vector<query::VolumeSeries>> volume(const VolumeQuery& q) override {
    return decode(client_.get(q.step != 0 ? kVolumeRangePath : kVolumePath, volume_params(q)), decode_volume_response);
  }
  util::Result<std::vector<query::DetectedField>> detected_fields(const DetectedFieldsQuery& q) override {
    return decode(client_.get(kDetectedFieldsPath, detected_fields_params(q)), decode_detected_fields);
  }
  util::Result<std::vector<std::string>> detected_field_values(const DetectedFieldsQuery& q,
                                                               const std::string& name) override {
    return decode(client_.get(detected_field_values_path(name), detected_fields_params(q)),
                  decode_detected_field_values);
  }
  util::Result<std::vector<pattern::PatternSeries>> patterns(const PatternsQuery& q) override {
    return decode(client_.get(kPatternsPath, patterns_params(q)), decode_patterns);
  }

 private:
  static const std::vector<std::string>& categorize_header() {
    static const std::vector<std::string> h{std::string(query::kEncodingFlagsHeader) + ": " +
                                            std::string(query::kCategorizeLabelsFlag)};
    return h;
  }
  template <class Decoder>
  static auto decode(const util::Result<std::string>& body, Decoder decoder) -> decltype(decoder(std::string_view{})) {
    if (!body) return body.status_error();
    auto r = decoder(*body);
    if (!r) return util::prefixed("cannot decode the server's answer: ", r.status_error());
    return r;
  }

  HttpClient client_;
};

}  // namespace

std::unique_ptr<QueryBackend> make_http_backend(const ClientOptions& options) {
  return std::make_unique<HttpBackend>(options);
}

}  // namespace logcli
