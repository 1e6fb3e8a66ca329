#include "logd/server.h"

#include <filesystem>
#include <iostream>

#include "logd/ruler_metrics.h"
#include "model/time.h"
#include "store/stale_temporaries.h"
#include "util/clock.h"

namespace logd {
namespace {

// The ingester's and store's counters, read at scrape time.
void render_backend_metrics(std::string& out, const ingest::Ingester& ingester, const store::ChunkStore& store) {
  ingest::IngesterStats s = ingester.stats_snapshot();
  render_single(out, "loki_ingester_memory_streams", "gauge", "The total number of streams in memory.",
                static_cast<double>(s.streams));
  render_single(out, "loki_ingester_chunks_flushed_total", "counter", "Total flushed chunks.",
                static_cast<double>(s.chunks_flushed));
  render_single(out, "loki_ingester_chunks_flush_failures_total", "counter", "Total number of flush failures.",
                static_cast<double>(s.flush_failures));
  render_single(out, "loki_ingester_wal_bytes_written_total", "counter", "Total bytes written to the WAL.",
                static_cast<double>(s.wal_bytes_written));
  render_single(out, "loki_ingester_wal_records_replayed_total", "counter", "WAL records replayed at start.",
                static_cast<double>(s.wal_records_replayed));
  render_single(out, "loki_ingester_checkpoint_creations_total", "counter", "Total WAL checkpoints written.",
                static_cast<double>(s.checkpoints));
  store::StoreCounters c = store.counters();
  render_single(out, "logd_store_chunks_written_total", "counter", "Chunk files written to the store.",
                static_cast<double>(c.chunks_written));
  render_single(out, "logd_store_chunk_bytes_written_total", "counter", "Bytes of chunk files written.",
                static_cast<double>(c.chunk_bytes_written));
  render_single(out, "logd_store_index_files_written_total", "counter", "Index files written to the store.",
                static_cast<double>(c.index_files_written));
  render_single(out, "logd_store_corrupt_chunks_skipped_total", "counter",
                "Missing or corrupt chunks skipped by queries.", static_cast<double>(c.corrupt_chunks_skipped));
}

}  // namespace

util::Result<std::unique_ptr<LogdServer>> LogdServer::start(const Config& config, util::Clock& clock) {
  std::unique_ptr<LogdServer> s(new LogdServer());
  s->config_ = config;
  auto level = parse_log_level(config.server.log_level);
  if (!level.ok()) return util::prefixed("server.log_level: ", level.status_error());
  s->logger_ = Logger(*level);
  std::error_code ec;
  std::filesystem::create_directories(config.common.path_prefix, ec);
  if (ec) return util::Error{"creating " + config.common.path_prefix + ": " + ec.message()};
  auto lock = fsutil::FileLock::acquire(config.lock_path());
  if (!lock.ok()) return lock.status_error();
  s->lock_ = std::move(*lock);

  store::LocalStoreOptions so;
  so.dir = config.store_dir();
  so.warn = [l = &s->logger_](const std::string& m) { l->log(LogLevel::kWarn, m, "component=store"); };
  if (size_t n = store::remove_stale_temporaries(so.dir); n > 0) {
    s->logger_.log(LogLevel::kInfo, "removed temporary files left by a crashed writer",
                   "files=" + std::to_string(n));
  }
  auto st = store::open_local_store(so);
  if (!st.ok()) return util::prefixed("opening the store: ", st.status_error());
  s->store_ = std::move(*st);

  ingest::IngesterOptions io;
  io.wal_dir = config.wal_dir();
  io.wal_enabled = config.ingester.wal.enabled;
  io.checkpoint_duration = config.ingester.wal.checkpoint_duration;
  io.chunk_target_size = static_cast<uint64_t>(config.ingester.chunk_target_size);
  io.chunk_block_size = static_cast<uint64_t>(config.ingester.chunk_block_size);
  io.max_chunk_age = config.ingester.max_chunk_age;
  io.chunk_idle_period = config.ingester.chunk_idle_period;
  io.flush_check_period = config.ingester.flush_check_period;
  io.clock = &clock;
  auto ing = ingest::Ingester::open(io, *s->store_);
  if (!ing.ok()) return util::prefixed("opening the ingester: ", ing.status_error());
  s->ingester_ = std::move(*ing);

  s->distributor_ = std::make_unique<Distributor>(*s->ingester_, config.limits_config, s->metrics_, clock);
  s->querier_ = std::make_unique<query::Querier>(s->ingester_.get(), s->store_.get());
  ApiOptions ao;
  ao.logger = &s->logger_;
  ao.auth_enabled = config.auth_enabled;
  const LimitsConfig& l = config.limits_config;
  ao.query_limits.max_entries_limit_per_query = static_cast<uint32_t>(l.max_entries_limit_per_query);
  ao.query_limits.max_query_series = static_cast<uint64_t>(l.max_query_series);
  ao.query_limits.query_timeout = l.query_timeout;
  ao.query_limits.max_query_length = l.max_query_length;
  ao.query_limits.max_concurrent = static_cast<int>(config.querier.max_concurrent);
  ao.tail_max_duration = config.querier.tail_max_duration;
  s->api_ = std::make_unique<Api>(ao, *s->querier_, *s->distributor_, s->ingester_.get(), s->metrics_, clock);
  s->start_ruler(clock);
  s->metrics_.set_collector([ing = s->ingester_.get(), store = s->store_.get(), r = s->ruler_.get()](std::string& out) {
    render_backend_metrics(out, *ing, *store);
    render_ruler_metrics(out, r->stats());
  });

  http::ServerOptions ho;
  ho.host = config.server.http_listen_address;
  ho.port = static_cast<uint16_t>(config.server.http_listen_port);
  ho.threads = static_cast<int>(config.server.http_server_threads);
  auto ms = [](int64_t ns) { return std::chrono::milliseconds(ns / 1'000'000); };
  ho.read_timeout = ms(config.server.http_server_read_timeout);
  ho.write_timeout = ms(config.server.http_server_write_timeout);
  ho.idle_timeout = ms(config.server.http_server_idle_timeout);
  ho.shutdown_timeout = ms(config.server.graceful_shutdown_timeout);
  auto tls = http_tls_options(config.server);
  if (!tls.ok()) return tls.status_error();
  ho.tls = std::move(*tls);
  s->http_ = std::make_unique<http::Server>(ho);
  s->api_->register_routes(*s->http_);
  s->ruler_api_ = std::make_unique<RulerApi>(*s->ruler_, *s->api_);
  s->ruler_api_->register_routes(*s->http_, config.ruler.enable_api);
  if (auto started = s->http_->start(); !started.ok()) {
    return util::prefixed("listening on " + ho.host + ":" + std::to_string(ho.port) + ": ", started.status_error());
  }
  if (auto st = s->start_retention(clock); !st.ok()) return st.status_error();
  s->ruler_->start();
  return s;
}

// The ruler over this process's querier; evaluations start with start() once HTTP listens.
void LogdServer::start_ruler(util::Clock& clock) {
  const RulerConfig& rc = config_.ruler;
  rule_store_ = std::make_unique<ruler::LocalRuleStore>(config_.rules_dir());
  query::Limits limits;
  limits.max_query_series = static_cast<uint64_t>(config_.limits_config.max_query_series);
  limits.query_timeout = config_.limits_config.query_timeout;
  limits.max_query_length = config_.limits_config.max_query_length;
  limits.max_concurrent = 1;  // groups already run concurrently
  rule_engine_ = std::make_unique<ruler::ExecutorQueryEngine>(
      [q = querier_.get()](const std::string& tenant) { return q->source({tenant}); }, limits);
  ruler::RulerOptions o;
  o.evaluation_interval_ns = rc.evaluation_interval;
  o.poll_interval_ns = rc.poll_interval;
  o.rule_path = config_.rule_path();
  o.alertmanager.urls = rc.alertmanager_urls();
  o.alertmanager.api_v2 = rc.enable_alertmanager_v2;
  o.alertmanager.queue_capacity = static_cast<size_t>(rc.notification_queue_capacity);
  o.alertmanager.timeout_ns = rc.notification_timeout;
  o.alertmanager.external_labels = rc.external_labels;
  o.alertmanager.relabel_configs = rc.alert_relabel_configs;
  o.alertmanager.basic_auth_username = rc.am_basic_auth_username;
  o.alertmanager.basic_auth_password = rc.am_basic_auth_password;
  o.alertmanager.authorization_type = rc.am_auth_type;
  o.alertmanager.authorization_credentials = rc.am_auth_credentials;
  o.alertmanager.tls.ca_file = rc.am_tls_ca_path;
  o.alertmanager.tls.cert_file = rc.am_tls_cert_path;
  o.alertmanager.tls.key_file = rc.am_tls_key_path;
  o.alertmanager.tls.insecure_skip_verify = rc.am_tls_insecure_skip_verify;
  o.resend_delay_ns = rc.resend_delay;
  o.restore.outage_tolerance_ns = rc.for_outage_tolerance;
  o.restore.grace_period_ns = rc.for_grace_period;
  o.external_url = rc.external_url;
  o.external_labels = rc.external_labels;
  o.add_org_id_header = rc.remote_write_add_org_id_header;
  if (rc.remote_write_enabled) {
    for (const RulerRemoteWriteClient& c : rc.remote_write_clients) {
      ruler::RemoteWriteConfig w;
      w.name = c.name;
      w.url = c.url;
      w.remote_timeout_ns = c.remote_timeout;
      w.headers.assign(c.headers.begin(), c.headers.end());
      w.basic_auth_username = c.basic_auth_username;
      w.basic_auth_password = c.basic_auth_password;
      w.bearer_token = c.bearer_token;
      w.tls.ca_file = c.tls_ca_file;
      w.tls.cert_file = c.tls_cert_file;
      w.tls.key_file = c.tls_key_file;
      w.tls.insecure_skip_verify = c.tls_insecure_skip_verify;
      w.capacity = static_cast<size_t>(c.capacity);
      w.max_samples_per_send = static_cast<size_t>(c.max_samples_per_send);
      w.batch_send_deadline_ns = c.batch_send_deadline;
      w.min_backoff_ns = c.min_backoff;
      w.max_backoff_ns = c.max_backoff;
      w.retry_on_http_429 = c.retry_on_http_429;
      o.remote_write.push_back(std::move(w));
    }
  }
  o.workers = static_cast<int>(config_.querier.max_concurrent);
  auto split = [](const std::string& csv) {
    std::set<std::string> out;
    size_t start = 0;
    while (start < csv.size()) {
      size_t comma = csv.find(',', start);
      std::string t = csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!t.empty()) out.insert(t);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  };
  o.enabled_tenants = split(rc.enabled_tenants);
  o.disabled_tenants = split(rc.disabled_tenants);
  o.log = [l = &logger_](const std::string& level, const std::string& msg, const std::string& fields) {
    LogLevel lv = level == "error" ? LogLevel::kError : level == "warn" ? LogLevel::kWarn : LogLevel::kInfo;
    l->log(lv, msg, "component=ruler " + fields);
  };
  ruler_ = std::make_unique<ruler::Ruler>(std::move(o), *rule_store_, *rule_engine_, clock);
}

util::Status LogdServer::start_retention(util::Clock& clock) {
  const CompactorConfig& cc = config_.compactor;
  const LimitsConfig& l = config_.limits_config;
  for (const auto& [key, set] : {std::pair<const char*, bool>{"working_directory", !cc.working_directory.empty()},
                                 {"delete_request_store", !cc.delete_request_store.empty()},
                                 {"retention_delete_worker_count", cc.retention_delete_worker_count != 0}}) {
    if (set) {
      logger_.log(LogLevel::kInfo, std::string("compactor.") + key + " has no effect in logd",
                  "reason=\"retention deletes local files in place; deletes by request are logidx delete\"");
    }
  }
  const bool has_rules = l.retention_period > 0 || !l.retention_stream.empty();
  if (!cc.retention_enabled) {
    if (has_rules) {
      logger_.log(LogLevel::kWarn, "limits_config retention is set but compactor.retention_enabled is false: "
                                   "nothing will be deleted (as in Loki)");
    }
    return {};
  }
  auto runner = RetentionRunner::create(config_, logger_, metrics_, clock);
  if (!runner.ok()) return runner.status_error();
  retention_ = std::move(*runner);
  retention_->start();
  logger_.log(LogLevel::kInfo, "retention enabled",
              "retention_period=" + model::format_duration_prometheus(l.retention_period) +
                  " retention_streams=" + std::to_string(l.retention_stream.size()) +
                  " compaction_interval=" + model::format_duration_prometheus(cc.compaction_interval) +
                  " retention_delete_delay=" + model::format_duration_prometheus(cc.retention_delete_delay));
  return {};
}

util::Status LogdServer::shutdown() {
  if (stopped_) return {};
  stopped_ = true;
  if (ruler_) ruler_->stop();
  if (retention_) retention_->stop();
  if (http_) http_->stop();
  util::Status flushed;
  if (ingester_) flushed = ingester_->flush_all();
  return flushed;
}

LogdServer::~LogdServer() {
  if (auto st = shutdown(); !st.ok()) logger_.log(LogLevel::kError, "flush on shutdown failed: " + st.error());
}

}  // namespace logd
