// QueryBackend over a logd store (`logcli --store DIR` or `--store s3://bucket/prefix`), see
// query_backend.h. It reads the immutable chunk and index files that logd publishes (atomic
// renames locally; objects checked against their checksums on S3), so it never trusts a
// half-written file, and never writes to the store (only to its local cache).
#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <set>
#include <variant>

#include "logcli/query_backend.h"
#include "logcli/query_command.h"
#include "logql/parser.h"
#include "push/tenant.h"
#include "query/executor.h"
#include "query/querier.h"
#include "query/detected_fields.h"
#include "query/volume.h"
#include "objstore/open_bucket.h"
#include "store/store.h"

namespace logcli {

namespace {

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The `stats` object of a query answer, in Loki's shape, with what a local evaluation measures.
std::string stats_json(const query::ExecStats& s) {
  double secs = s.exec_seconds;
  auto num = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf);
  };
  std::string out = "{\"summary\":{";
  out += "\"bytesProcessedPerSecond\":" + num(secs > 0 ? double(uint64_t(double(s.bytes_processed) / secs)) : 0);
  out += ",\"linesProcessedPerSecond\":" + num(secs > 0 ? double(uint64_t(double(s.lines_processed) / secs)) : 0);
  out += ",\"totalBytesProcessed\":" + std::to_string(s.bytes_processed);
  out += ",\"totalLinesProcessed\":" + std::to_string(s.lines_processed);
  out += ",\"execTime\":" + num(secs);
  out += ",\"totalEntriesReturned\":" + std::to_string(s.entries_returned);
  out += ",\"splits\":" + std::to_string(s.splits);
  out += "}}";
  return out;
}

class StoreBackend : public QueryBackend {
 public:
  StoreBackend(std::unique_ptr<store::ChunkStore> store, std::vector<std::string> tenants)
      : store_(std::move(store)), querier_(nullptr, store_.get()), tenants_(std::move(tenants)) {
    // A local run is the user's own machine: no entry or series limits, no timeout.
    limits_.max_entries_limit_per_query = 0;
    limits_.max_query_series = 0;
    limits_.query_timeout = 0;
  }

  util::Result<QueryResponse> query_range(const RangeRequest& r) override {
    logql::QueryParams p;
    p.start = r.start;
    p.end = r.end;
    p.step = r.step != 0 ? r.step : default_step(r.start, r.end);
    p.interval = r.interval;
    p.limit = r.limit;
    p.direction = r.forward ? logql::Direction::Forward : logql::Direction::Backward;
    return run(r.query, p);
  }

  util::Result<QueryResponse> instant_query(const std::string& query, uint32_t limit, int64_t time,
                                            bool forward) override {
    logql::QueryParams p;
    p.start = p.end = time;
    p.instant = true;
    p.limit = limit;
    p.direction = forward ? logql::Direction::Forward : logql::Direction::Backward;
    return run(query, p);
  }

  util::Result<std::vector<std::string>> label_names(int64_t start, int64_t end) override {
    return querier_.label_names(tenants_, start, end);
  }

  util::Result<std::vector<std::string>> label_values(const std::string& name, int64_t start, int64_t end) override {
    return querier_.label_values(tenants_, name, {}, start, end);
  }

  util::Result<std::vector<model::LabelSet>> series(const std::vector<std::string>& matchers, int64_t start,
                                                    int64_t end) override {
    std::vector<std::vector<logql::ast::Matcher>> groups;
    for (const auto& m : matchers) {
      auto parsed = logql::parse_matchers(m);
      if (!parsed) return parsed.status_error();
      groups.push_back(std::move(*parsed));
    }
    if (groups.empty()) groups.push_back({});
    std::set<model::LabelSet> all;
    for (const auto& g : groups) {
      auto s = querier_.series(tenants_, g, start, end);
      if (!s) return s.status_error();
      all.insert(s->begin(), s->end());
    }
    return std::vector<model::LabelSet>(all.begin(), all.end());
  }

  util::Result<IndexStatsResponse> index_stats(const std::string& query, int64_t start, int64_t end) override {
    auto expr = logql::parse(query);
    if (!expr) return expr.status_error();
    std::vector<logql::ast::Matcher> matchers;
    if (auto* sel = std::get_if<logql::ast::LogSelector>(&expr->node)) {
      matchers = sel->matchers;
    } else {
      auto m = logql::parse_matchers(query);
      if (!m) return util::prefixed("index stats need a stream selector: ", m.status_error());
      matchers = std::move(*m);
    }
    auto s = querier_.stats(tenants_, matchers, start, end);
    if (!s) return s.status_error();
    return IndexStatsResponse{s->streams, s->chunks, s->entries, s->bytes};
  }
  util::Result<std::vector<query::VolumeSeries>> volume(const VolumeQuery& q) override {
    // The same aggregation as logd's, over the store's index (no ingester: what is flushed).
    query::VolumeRequest r;
    auto m = query::parse_volume_selector(q.query);
    if (!m) return m.status_error();
    r.matchers = std::move(*m);
    r.start = q.start;
    r.end = q.end;
    r.step = q.step;
    r.limit = q.limit;
    r.target_labels = q.target_labels;
    r.aggregate_by = q.aggregate_by_labels ? query::VolumeAggregation::kLabels : query::VolumeAggregation::kSeries;
    auto streams = querier_.stream_spans(tenants_, query::volume_selection(r), r.start, r.end);
    if (!streams) return streams.status_error();
    return query::aggregate_volume(*streams, r);
  }
  util::Result<std::vector<query::DetectedField>> detected_fields(const DetectedFieldsQuery& q) override {
    auto d = detect(q, q.limit);
    if (!d) return d.status_error();
    return (*d)->fields();
  }
  util::Result<std::vector<std::string>> detected_field_values(const DetectedFieldsQuery& q,
                                                               const std::string& name) override {
    auto d = detect(q, SIZE_MAX);
    if (!d) return d.status_error();
    return (*d)->values(name, q.limit);
  }
  util::Result<std::vector<pattern::PatternSeries>> patterns(const PatternsQuery&) override {
    return util::invalid_argument(
        "patterns are mined at ingest and kept only in a running logd's memory (pattern_ingester): "
        "ask the server, not --store");
  }

 private:
  // logd's detected-fields reading: the query's newest line_limit lines, each parsed.
  util::Result<std::unique_ptr<query::FieldDetector>> detect(const DetectedFieldsQuery& q, size_t field_limit) {
    auto expr = logql::parse(q.query);
    if (!expr) return expr.status_error();
    if (!expr->is_log_query()) return util::Error{"detected fields need a log query, not a metric query"};
    logql::QueryParams p;
    p.start = q.start;
    p.end = q.end;
    p.limit = q.line_limit;
    p.direction = logql::Direction::Backward;
    query::SourceFactory sources = [this]() { return querier_.source(tenants_); };
    query::Outcome out = query::execute(q.query, p, sources, limits_);
    if (!out.status.ok()) return out.status.status_error();
    auto d = std::make_unique<query::FieldDetector>(field_limit);
    for (const auto& s : out.result.streams)
      for (const auto& e : s.entries) d->add(s.labels, e);
    return d;
  }

  // Categorized as an HTTP answer asked with categorize-labels, so both backends print alike.
  util::Result<QueryResponse> run(const std::string& query, logql::QueryParams params) {
    params.categorize_labels = true;
    query::SourceFactory sources = [this]() { return querier_.source(tenants_); };
    query::Outcome out = query::execute(query, params, sources, limits_);
    if (!out.status.ok()) return out.status.status_error();
    QueryResponse r;
    r.categorized = out.result.type == logql::ResultType::Streams;
    r.result = std::move(out.result);
    r.stats_json = stats_json(out.stats);
    return r;
  }

  std::unique_ptr<store::ChunkStore> store_;
  query::Querier querier_;
  std::vector<std::string> tenants_;
  query::Limits limits_;
};

}  // namespace

util::Result<std::unique_ptr<QueryBackend>> open_store_backend(const StoreBackendOptions& options) {
  auto tenants = push::split_tenant_ids(options.org_id.empty() ? "fake" : options.org_id);
  if (!tenants) return tenants.status_error();
  auto location = objstore::parse_store_location(options.location);
  if (!location.ok()) return location.status_error();
  store::StoreOptions so;
  so.warn = [](const std::string& msg) { std::fprintf(stderr, "logcli: warning: %s\n", msg.c_str()); };
  so.read_threads = options.read_threads;
  so.use_block_filters = options.use_block_filters;
  if (location->kind == objstore::StoreLocation::Kind::kFilesystem) {
    std::string dir = location->directory + "/store";
    // Checked first: --store is read-only, and nothing should be created for a wrong path.
    if (!is_dir(dir)) {
      return util::not_found("no logd store under " + location->directory + " (expected the directory " + dir + ")");
    }
    location->directory = dir;
  } else {
    so.cache_dir = options.cache_dir;
    so.cache_max_bytes = options.cache_max_bytes;
  }
  auto bucket = objstore::open_bucket(*location);
  if (!bucket.ok()) return bucket.status_error();
  so.bucket = std::shared_ptr<objstore::Bucket>(std::move(*bucket));
  if (auto s = so.bucket->check(); !s.ok()) return s.status_error();
  auto st = store::open_store(std::move(so));
  if (!st) return st.status_error();
  return std::unique_ptr<QueryBackend>(std::make_unique<StoreBackend>(std::move(*st), std::move(*tenants)));
}

std::string default_store_cache_dir(const std::string& location) {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  std::string base = xdg && *xdg ? xdg : std::string(home && *home ? home : "/tmp") + "/.cache";
  std::string name;
  for (char c : location.substr(location.find("://") == std::string::npos ? 0 : location.find("://") + 3)) {
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  }
  return base + "/logkit/" + name;
}

}  // namespace logcli
