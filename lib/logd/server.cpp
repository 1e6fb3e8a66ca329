#include "logd/server.h"

#include <filesystem>
#include <iostream>

#include "model/time.h"
#include "store/stale_temporaries.h"

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

util::Result<std::unique_ptr<LogdServer>> LogdServer::start(const Config& config) {
  std::unique_ptr<LogdServer> s(new LogdServer());
  s->config_ = config;
  auto level = parse_log_level(config.server.log_level);
  if (!level.ok()) return util::Error{"server.log_level: " + level.error()};
  s->logger_ = Logger(*level);
  std::error_code ec;
  std::filesystem::create_directories(config.common.path_prefix, ec);
  if (ec) return util::Error{"creating " + config.common.path_prefix + ": " + ec.message()};
  auto lock = fsutil::FileLock::acquire(config.lock_path());
  if (!lock.ok()) return util::Error{lock.error()};
  s->lock_ = std::move(*lock);

  store::LocalStoreOptions so;
  so.dir = config.store_dir();
  so.warn = [l = &s->logger_](const std::string& m) { l->log(LogLevel::kWarn, m, "component=store"); };
  if (size_t n = store::remove_stale_temporaries(so.dir); n > 0) {
    s->logger_.log(LogLevel::kInfo, "removed temporary files left by a crashed writer",
                   "files=" + std::to_string(n));
  }
  auto st = store::open_local_store(so);
  if (!st.ok()) return util::Error{"opening the store: " + st.error()};
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
  auto ing = ingest::Ingester::open(io, *s->store_);
  if (!ing.ok()) return util::Error{"opening the ingester: " + ing.error()};
  s->ingester_ = std::move(*ing);

  s->distributor_ = std::make_unique<Distributor>(*s->ingester_, config.limits_config, s->metrics_);
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
  ao.query_limits.max_query_result_bytes = static_cast<uint64_t>(l.max_query_result_bytes);
  ao.query_limits.templates.max_output_bytes =
      l.max_template_output_bytes > 0 ? static_cast<size_t>(l.max_template_output_bytes) : SIZE_MAX;
  ao.query_limits.templates.max_steps = static_cast<uint64_t>(l.max_template_steps);
  ao.tail_max_duration = config.querier.tail_max_duration;
  ao.max_query_bytes = static_cast<size_t>(config.server.http_max_query_bytes);
  ao.max_concurrent_tail_requests = l.max_concurrent_tail_requests;
  ao.tail_max_buffered_bytes = static_cast<size_t>(config.querier.tail_max_buffered_bytes);
  s->api_ = std::make_unique<Api>(ao, *s->querier_, *s->distributor_, s->ingester_.get(), s->metrics_);
  s->metrics_.set_collector([ing = s->ingester_.get(), store = s->store_.get()](std::string& out) {
    render_backend_metrics(out, *ing, *store);
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
  ho.max_connections = static_cast<size_t>(config.server.http_listen_conn_limit);
  ho.max_decoded_body_bytes = max_decoded_push_bytes(config.limits_config);
  ho.on_internal_error = [l = &s->logger_](std::string_view what) {
    l->log(LogLevel::kError, std::string(what), "component=http");
  };
  auto tls = http_tls_options(config.server);
  if (!tls.ok()) return util::Error{tls.error()};
  ho.tls = std::move(*tls);
  s->http_ = std::make_unique<http::Server>(ho);
  s->api_->register_routes(*s->http_);
  if (auto started = s->http_->start(); !started.ok()) {
    return util::Error{"listening on " + ho.host + ":" + std::to_string(ho.port) + ": " + started.error()};
  }
  if (auto st = s->start_retention(); !st.ok()) return util::Error{st.error()};
  return s;
}

util::Status LogdServer::start_retention() {
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
  auto runner = RetentionRunner::create(config_, logger_, metrics_);
  if (!runner.ok()) return util::Error{runner.error()};
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
