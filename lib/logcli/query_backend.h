// Where logcli's server commands get their answers: a Loki-compatible server over HTTP
// (HttpBackend) or a logd data directory read directly (StoreBackend, `--store DIR`). Both give
// the same decoded results, so the commands and their output do not know which one runs.
//
// Thread-safety: one backend per thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "logcli/http_client.h"
#include "logcli/response_json.h"
#include "logcli/url_params.h"
#include "model/labels.h"
#include "util/result.h"

namespace logcli {

class QueryBackend {
 public:
  virtual ~QueryBackend() = default;
  virtual util::Result<QueryResponse> query_range(const RangeRequest& r) = 0;
  virtual util::Result<QueryResponse> instant_query(const std::string& query, uint32_t limit, int64_t time,
                                                    bool forward) = 0;
  virtual util::Result<std::vector<std::string>> label_names(int64_t start, int64_t end) = 0;
  virtual util::Result<std::vector<std::string>> label_values(const std::string& name, int64_t start,
                                                              int64_t end) = 0;
  virtual util::Result<std::vector<model::LabelSet>> series(const std::vector<std::string>& matchers,
                                                            int64_t start, int64_t end) = 0;
  virtual util::Result<IndexStatsResponse> index_stats(const std::string& query, int64_t start, int64_t end) = 0;
  // Bytes per series from the index (index/volume, or volume_range when q.step != 0).
  virtual util::Result<std::vector<query::VolumeSeries>> volume(const VolumeQuery& q) = 0;
  // Fields found in the query's lines (detected_fields), and one field's values.
  virtual util::Result<std::vector<query::DetectedField>> detected_fields(const DetectedFieldsQuery& q) = 0;
  virtual util::Result<std::vector<std::string>> detected_field_values(const DetectedFieldsQuery& q,
                                                                       const std::string& name) = 0;
  // Log patterns with their counts per step (patterns); only a server has them.
  virtual util::Result<std::vector<pattern::PatternSeries>> patterns(const PatternsQuery& q) = 0;
};

std::unique_ptr<QueryBackend> make_http_backend(const ClientOptions& options);

struct StoreBackendOptions {
  // A logd path_prefix (holding store/), or "s3://bucket/prefix" (endpoint, region and
  // credentials from the AWS_* environment).
  std::string location;
  std::string org_id;  // the tenant, or several as "a|b" (results then carry __tenant_id__)
  // S3 only: where downloaded chunks and index files are kept between runs ("": none), and how
  // many bytes at most.
  std::string cache_dir;
  uint64_t cache_max_bytes = 1ULL << 30;
  int read_threads = 2;           // store::StoreOptions::read_threads
  bool use_block_filters = true;  // store::StoreOptions::use_block_filters
};
// Opened read-only, safe beside running writers (a local logd, or any number of logd processes
// sharing the bucket).
util::Result<std::unique_ptr<QueryBackend>> open_store_backend(const StoreBackendOptions& options);

// The default cache directory for `location` under $XDG_CACHE_HOME (or ~/.cache)/logkit.
std::string default_store_cache_dir(const std::string& location);

}  // namespace logcli
