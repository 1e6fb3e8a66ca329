#include "logd/server.h"

#include <filesystem>
#include <tuple>
#include <iostream>

#include "fsutil/atomic_file.h"
#include "deletion/delete_filter_source.h"
#include "deletion/remote_delete_requests.h"
#include "logd/ruler_metrics.h"
#include "logd/runtime_config.h"
#include "maint/retention.h"
#include "golang/quote.h"
#include "model/time.h"
#include "objstore/open_bucket.h"
#include "ruler/bucket_rule_store.h"
#include "store/layout.h"
#include "store/period_store.h"
#include "store/stale_temporaries.h"
#include "store/writer_id.h"
#include "util/clock.h"

namespace logd {
namespace {

// The ingester's counters, read at scrape time.
void render_ingester_metrics(std::string& out, const ingest::Ingester& ingester) {
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
  render_single(out, "logd_ingester_memory_bytes", "gauge",
                "Log data held in memory (what ingester.memory_ceiling bounds).", static_cast<double>(s.memory_bytes));
  render_single(out, "logd_ingester_memory_early_flushed_chunks_total", "counter",
                "Chunks flushed early to stay under ingester.memory_ceiling.",
                static_cast<double>(s.memory_early_flushes));
  render_single(out, "logd_ingester_memory_refused_pushes_total", "counter",
                "Pushes answered 429 at ingester.memory_ceiling.", static_cast<double>(s.memory_refusals));
  if (const pattern::PatternStore* patterns = ingester.patterns()) {
    pattern::PatternStoreStats p = patterns->stats();
    render_single(out, "logd_pattern_streams", "gauge", "Streams with patterns in memory.", static_cast<double>(p.streams));
    render_single(out, "logd_pattern_clusters", "gauge", "Patterns (Drain clusters) in memory.",
                  static_cast<double>(p.clusters));
    render_single(out, "logd_pattern_lines_mined_total", "counter", "Lines clustered into patterns.",
                  static_cast<double>(p.lines_trained));
    render_single(out, "logd_pattern_lines_skipped_total", "counter",
                  "Lines not mined (too long, too few or many tokens, undecodable, throttled).",
                  static_cast<double>(p.lines_skipped));
    render_single(out, "logd_pattern_clusters_evicted_total", "counter", "Patterns evicted past max_clusters.",
                  static_cast<double>(p.clusters_evicted));
  }
}

// The store's counters.
void render_store_metrics(std::string& out, const store::ChunkStore& store) {
  store::StoreCounters c = store.counters();
  render_single(out, "logd_store_chunks_written_total", "counter", "Chunk files written to the store.",
                static_cast<double>(c.chunks_written));
  render_single(out, "logd_store_chunk_bytes_written_total", "counter", "Bytes of chunk files written.",
                static_cast<double>(c.chunk_bytes_written));
  render_single(out, "logd_store_chunk_objects_written_total", "counter",
                "Objects holding chunks written to the store (chunk files and segments).",
                static_cast<double>(c.chunk_objects_written));
  render_single(out, "logd_store_segments_written_total", "counter",
                "Segment objects written to the store (each packs many small chunks).",
                static_cast<double>(c.segments_written));
  render_single(out, "logd_store_index_files_written_total", "counter", "Index files written to the store.",
                static_cast<double>(c.index_files_written));
  render_single(out, "logd_store_corrupt_chunks_skipped_total", "counter",
                "Missing or corrupt chunks skipped by queries.", static_cast<double>(c.corrupt_chunks_skipped));
  render_single(out, "logd_store_corrupt_index_files_total", "counter",
                "Index files that did not validate and were skipped.", static_cast<double>(c.corrupt_index_files));
  render_single(out, "logd_store_index_uploads_pending", "gauge",
                "Index files written locally and not yet uploaded to the object store.",
                static_cast<double>(c.index_uploads_pending));
  CounterFamily hits("logd_store_cache_hits_total", "Reads answered by the local cache of a remote store.", {"kind"});
  CounterFamily misses("logd_store_cache_misses_total", "Reads the local cache of a remote store could not answer.",
                       {"kind"});
  CounterFamily evictions("logd_store_cache_evictions_total", "Files evicted from the local cache (size limit, TTL).",
                          {"kind"});
  for (size_t k = 0; k < 2; ++k) {
    std::string kind = k == 0 ? "chunk" : "index";
    hits.add({kind}, static_cast<double>(c.cache_hits[k]));
    misses.add({kind}, static_cast<double>(c.cache_misses[k]));
    evictions.add({kind}, static_cast<double>(c.cache_evictions[k]));
  }
  hits.render(out);
  misses.render(out);
  evictions.render(out);
  render_single(out, "logd_store_cache_bytes", "gauge", "Bytes held by the local cache.", static_cast<double>(c.cache_bytes));
  render_single(out, "logd_store_cache_max_bytes", "gauge", "The local cache's byte limit.",
                static_cast<double>(c.cache_max_bytes));
  objstore::BucketMetrics b = store.bucket_metrics();
  CounterFamily requests("logd_objstore_requests_total",
                         "Object store requests (S3: per HTTP attempt) by operation and outcome.",
                         {"operation", "outcome"});
  for (const auto& r : b.requests) requests.add({r.operation, r.outcome}, static_cast<double>(r.count));
  requests.render(out);
  render_single(out, "logd_objstore_retries_total", "counter", "Object store requests sent again after a failure.",
                static_cast<double>(b.retries));
  render_single(out, "logd_objstore_bytes_read_total", "counter", "Object bytes downloaded.", static_cast<double>(b.bytes_in));
  render_single(out, "logd_objstore_bytes_written_total", "counter", "Object bytes uploaded.",
                static_cast<double>(b.bytes_out));
}

// A tenant's retention rules as the compactor applies them.
util::Result<maint::RetentionOptions> retention_options(const LimitsConfig& l) {
  maint::RetentionOptions retention;
  retention.retention_period = l.retention_period;
  for (const auto& rs : l.retention_stream) {
    auto matchers = maint::parse_selector(rs.selector);
    if (!matchers.ok()) return util::prefixed("limits_config.retention_stream: " + rs.selector + ": ", matchers.status_error());
    maint::RetentionRule rule;
    rule.selector = rs.selector;
    rule.matchers = std::move(*matchers);
    rule.period = rs.period;
    rule.priority = static_cast<int>(rs.priority);
    retention.rules.push_back(std::move(rule));
  }
  return retention;
}

}  // namespace

util::Result<std::unique_ptr<LogdServer>> LogdServer::start(const Config& config, util::Clock& clock) {
  std::unique_ptr<LogdServer> s(new LogdServer());
  s->config_ = config;
  auto level = parse_log_level(config.server.log_level);
  if (!level.ok()) return util::prefixed("server.log_level: ", level.status_error());
  s->logger_ = Logger(*level);
  auto targets = parse_target(config.target);
  if (!targets.ok()) return targets.status_error();
  const Targets& t = s->targets_ = *targets;
  if (t.all) {
    if (auto st = check_single_process(config); !st.ok()) return st.status_error();
    // Keys of Loki's single-binary examples that only cluster roles use.
    if (config.server.grpc_listen_port != 0) {
      s->logger_.log(LogLevel::kInfo, "config key accepted, no effect in logd",
                     "key=\"server.grpc_listen_port: target all serves no internal API\"");
    }
    // Loki's single-binary examples set the ring's address; one process joins no ring.
    const ClusterConfig& cc = config.cluster;
    const std::pair<const char*, const std::string*> addrs[] = {
        {"common.ring.instance_addr", &cc.common_ring.instance_addr},
        {"ingester.lifecycler.ring.instance_addr", &cc.lifecycler.ring.instance_addr},
        {"distributor.ring.instance_addr", &cc.distributor_ring.instance_addr}};
    for (const auto& [key, addr] : addrs) {
      if (addr->empty()) continue;
      s->logger_.log(LogLevel::kInfo, "config key accepted, no effect in logd",
                     "key=\"" + std::string(key) + ": target all uses no ring\"");
    }
  }
  // The data directory belongs to the process that writes the WAL; queriers and compactors only
  // read and clean the store.
  if (t.ingester) {
    std::error_code ec;
    std::filesystem::create_directories(config.common.path_prefix, ec);
    if (ec) return util::Error{"creating " + config.common.path_prefix + ": " + ec.message()};
    auto lock = fsutil::FileLock::acquire(config.lock_path());
    if (!lock.ok()) return lock.status_error();
    s->lock_ = std::move(*lock);
  }
  if (t.ingester || t.querier || t.query_frontend || t.compactor || t.ruler) {
    // Every role with a store keeps its writer id (and a local cache) under path_prefix.
    if (auto st = fsutil::create_directories(config.common.path_prefix); !st.ok()) {
      return util::Error{"creating " + config.common.path_prefix + ": " + st.error(), st.code()};
    }
    if (auto st = s->open_stores(clock); !st.ok()) return st.status_error();
  }
  if (t.clustered()) {
    auto roles = ClusterRoles::create(config, t, s->logger_, clock);
    if (!roles.ok()) return roles.status_error();
    s->cluster_ = std::move(*roles);
  }
  if (t.ingester) {
    if (auto st = s->open_ingester(clock); !st.ok()) return st.status_error();
  }

  if (auto st = s->open_runtime_config(clock); !st.ok()) return st.status_error();
  if (auto st = s->open_auth(clock); !st.ok()) return st.status_error();
  if (t.distributor) {
    ingest::PushTarget& target = s->cluster_ ? s->cluster_->push_target() : *s->ingester_;
    s->distributor_ = std::make_unique<Distributor>(target, s->limits_, s->metrics_, clock);
  }
  auto make_querier = [&] {
    return s->cluster_ ? std::make_unique<query::Querier>(s->cluster_->ingester_reader(), s->store_.get())
                       : std::make_unique<query::Querier>(s->ingester_.get(), s->store_.get());
  };
  if (t.querier || t.query_frontend) s->querier_ = make_querier();
  // A ruler without the querier role has a querier of its own, as Loki's: it serves no query API.
  if (t.ruler && !s->querier_) s->rule_querier_ = make_querier();
  // Delete requests live with the compactor; roles run apart from it ask it over HTTP.
  const deletion::ActiveDeleteSource* delete_source = nullptr;
  const bool queries = s->querier_ || s->rule_querier_;
  if (t.compactor) {
    auto deletes = deletion::DeleteRequestStore::open(config.common.path_prefix + "/compactor/delete_requests.yaml");
    if (!deletes.ok()) return util::prefixed("reading the delete requests: ", deletes.status_error());
    s->delete_requests_ = std::move(*deletes);
    delete_source = s->delete_requests_.get();
    if (!config.common.compactor_address.empty()) {
      s->logger_.log(LogLevel::kInfo, "config key accepted, no effect in logd",
                     "key=\"common.compactor_address: this process runs the compactor\"");
    }
  } else if (!config.common.compactor_address.empty()) {
    deletion::RemoteDeleteRequestsOptions ro;
    ro.compactor_address = config.common.compactor_address;
    if (queries) s->remote_deletes_ = std::make_unique<deletion::RemoteDeleteRequests>(std::move(ro), clock);
    delete_source = s->remote_deletes_.get();
  } else if (queries) {
    s->logger_.log(LogLevel::kWarn, "delete requests do not hide lines from this role's queries",
                   "reason=\"no common.compactor_address\" target=" + golang::quote(t.names()));
  }
  for (query::Querier* q : {s->querier_.get(), s->rule_querier_.get()}) {
    if (!q || !delete_source) continue;
    q->set_source_wrapper([d = delete_source, limits = s->limits_](
                              const std::string& tenant, std::unique_ptr<logql::LogSource> src) {
      if (limits->get(tenant)->deletion_mode == "disabled") return src;
      return deletion::filter_deleted(std::move(src), *d, tenant);
    });
  }
  ApiOptions ao;
  ao.logger = &s->logger_;
  ao.auth_enabled = config.auth_enabled;
  ao.limits = s->limits_;
  ao.max_concurrent = static_cast<int>(config.querier.max_concurrent);
  ao.tail_max_duration = config.querier.tail_max_duration;
  ao.max_query_bytes = static_cast<size_t>(config.server.http_max_query_bytes);
  ao.tail_max_buffered_bytes = static_cast<size_t>(config.querier.tail_max_buffered_bytes);
  ao.serve_queries = !t.query_frontend;
  ao.patterns_enabled = config.pattern_ingester.enabled;
  if (s->cluster_) ao.ready = [c = s->cluster_.get()] { return c->ready(); };
  ingest::TailSource* tail = s->cluster_ ? (t.querier || t.query_frontend ? &s->cluster_->tail_source() : nullptr)
                                         : s->ingester_.get();
  s->api_ = std::make_unique<Api>(ao, s->querier_.get(), s->distributor_.get(), tail, s->metrics_, clock);
  if (t.ruler) {
    if (auto st = s->start_ruler(clock); !st.ok()) return st.status_error();
  }
  s->metrics_.set_collector([ing = s->ingester_.get(), store = s->store_.get(), c = s->cluster_.get(),
                             r = s->ruler_.get(), rc = s->runtime_config_.get(), gate = s->auth_gate_.get(),
                             creds = s->auth_credentials_.get()](std::string& out) {
    if (rc) rc->render_metrics(out);
    if (gate) gate->render_metrics(out);
    if (creds) creds->render_metrics(out);
    if (ing) render_ingester_metrics(out, *ing);
    if (store) render_store_metrics(out, *store);
    if (c) c->render_metrics(out);
    if (r) render_ruler_metrics(out, r->stats());
  });
  return s.release()->serve(clock);
}

util::Status LogdServer::open_ingester(util::Clock& clock) {
  const Config& config = config_;
  ingest::IngesterOptions io;
  io.wal_dir = config.wal_dir();
  io.wal_enabled = config.ingester.wal.enabled;
  io.checkpoint_duration = config.ingester.wal.checkpoint_duration;
  io.chunk_target_size = static_cast<uint64_t>(config.ingester.chunk_target_size);
  io.chunk_block_size = static_cast<uint64_t>(config.ingester.chunk_block_size);
  io.max_chunk_age = config.ingester.max_chunk_age;
  io.chunk_idle_period = config.ingester.chunk_idle_period;
  io.flush_check_period = config.ingester.flush_check_period;
  io.memory_ceiling = static_cast<uint64_t>(config.ingester.memory_ceiling);
  io.patterns = config.pattern_ingester;
  io.clock = &clock;
  io.on_flush_error = [l = &logger_](const util::Status& st) {
    l->log(LogLevel::kWarn, "flushing chunks to the store failed; they stay in memory and the WAL and are retried",
           "err=" + golang::quote(st.error()));
  };
  auto ing = ingest::Ingester::open(io, *store_);
  if (!ing.ok()) return util::prefixed("opening the ingester: ", ing.status_error());
  ingester_ = std::move(*ing);
  return {};
}

util::Result<std::unique_ptr<LogdServer>> LogdServer::serve(util::Clock& clock) {
  const Config& config = config_;
  std::unique_ptr<LogdServer> s(this);  // start() handed itself over
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
  ho.max_websockets = static_cast<size_t>(config.querier.tail_max_connections);
  ho.max_websockets_key = "querier.tail_max_connections";
  // A gzip body is decoded no further than its route allows: a push by its tenant's limits, any
  // other request as far as a query may be long.
  ho.max_decoded_body_for = [api = s->api_.get()](const http::Request& req) { return api->max_decoded_body(req); };
  ho.on_internal_error = [l = &s->logger_](std::string_view what) {
    l->log(LogLevel::kError, std::string(what), "component=http");
  };
  auto tls = http_tls_options(config.server);
  if (!tls.ok()) return tls.status_error();
  ho.tls = std::move(*tls);
  s->http_ = std::make_unique<http::Server>(ho);
  if (s->auth_gate_) s->http_->set_gate([g = s->auth_gate_.get()](const http::Request& req) { return g->check(req); });
  s->api_->register_routes(*s->http_);
  if (s->ruler_) {
    s->ruler_api_ = std::make_unique<RulerApi>(*s->ruler_, *s->api_);
    s->ruler_api_->register_routes(*s->http_, config.ruler.enable_api);
  }
  s->api_->add_route(*s->http_, "GET", "/runtime_config", "runtime_config", [limits = s->limits_](const http::Request& req) {
    auto mode = req.param("mode");
    if (mode && *mode != "diff") return http::Response::text(400, "unknown value for mode query parameter: " + std::string(*mode) + "\n");
    http::Response r = http::Response::text(200, print_runtime_config(*limits, mode.has_value()));
    r.headers.set("Content-Type", "text/plain; charset=utf-8");
    return r;
  });
  DeleteApiOptions dopt;
  dopt.cancel_period = config.compactor.delete_request_cancel_period;
  if (s->delete_requests_) {
    s->delete_api_ = std::make_unique<DeleteApi>(*s->delete_requests_, *s->api_, dopt, clock);
    s->delete_api_->register_routes(*s->http_);
  } else {
    register_forwarded_delete_routes(*s->http_, config.common.compactor_address,
                                     [r = s->remote_deletes_.get()](const std::string& tenant) {
                                       if (r) r->invalidate(tenant);
                                     });
  }
  if (s->cluster_) {
    http::Server* internal = s->http_.get();
    if (config.server.grpc_listen_port > 0) {
      http::ServerOptions io = ho;
      io.port = static_cast<uint16_t>(config.server.grpc_listen_port);
      io.tls = {};
      // Other roles hold calls open here (select sessions, tails, workers waiting for work).
      io.threads = std::max(8, 2 * ho.threads);
      s->internal_ = std::make_unique<http::Server>(io);
      internal = s->internal_.get();
    }
    if (auto st = s->cluster_->serve(*s->http_, *internal, *s->api_, s->ingester_.get(), s->distributor_.get(),
                                     s->querier_.get(), s->metrics_);
        !st.ok()) {
      return st.status_error();
    }
  }
  if (auto started = s->http_->start(); !started.ok()) {
    return util::prefixed("listening on " + ho.host + ":" + std::to_string(ho.port) + ": ", started.status_error());
  }
  if (s->internal_) {
    if (auto started = s->internal_->start(); !started.ok()) {
      return util::prefixed("listening on " + ho.host + ":" + std::to_string(config.server.grpc_listen_port) + ": ",
                            started.status_error());
    }
  }
  if (s->cluster_) {
    if (auto st = s->cluster_->join(s->internal_port()); !st.ok()) return st.status_error();
  }
  if (s->targets_.compactor) {
    if (auto st = s->start_compactors(clock); !st.ok()) return st.status_error();
  }
  if (!s->stores_.empty()) {
    // Remote stores: index periods listed again when due, index uploads a failure left behind,
    // cache files past their TTL. Cheap for a local store (nothing to do).
    s->upkeep_ = std::jthread([store = s->store_.get(), logger = &s->logger_, &clock](std::stop_token stop) {
      while (clock.sleep_for(10 * model::kNanosPerSecond, stop)) {
        if (auto st = store->maintain(); !st.ok()) {
          logger->log(LogLevel::kWarn, "store upkeep failed (retried)", "err=" + golang::quote(st.error()));
        }
      }
    });
  }
  if (s->ruler_) s->ruler_->start();
  if (s->runtime_config_) s->runtime_config_->start();
  if (s->auth_credentials_) s->auth_credentials_->start();
  return s;
}

util::Status LogdServer::open_auth(util::Clock& clock) {
  const AuthConfig& a = config_.auth;
  if (!a.enabled) return {};
  if (targets_.clustered() && config_.server.grpc_listen_port == 0) {
    // The roles' internal API carries no user credentials: it needs a port of its own, kept off
    // the network users reach.
    return util::invalid_argument("auth.enabled with cluster roles: set server.grpc_listen_port so that the internal "
                                  "API listens apart from the authenticated public port");
  }
  auth::LoginThrottleOptions t;
  t.delay_ns = a.failed_login_delay;
  t.max_delay_ns = a.failed_login_max_delay;
  auth_gate_ = std::make_unique<AuthGate>(t, clock);
  FileReloaderOptions o;
  o.what = "auth credentials";
  o.period = a.reload_period > 0 ? a.reload_period : config_.runtime_config.period;
  o.load = auth_gate_->loader(a.credentials_file);
  o.success_metric = "logd_auth_credentials_last_reload_successful";
  o.failures_metric = "logd_auth_credentials_reload_failures_total";
  auth_credentials_ = std::make_unique<FileReloader>(std::move(o), logger_, clock);
  if (auto st = auth_credentials_->reload(); !st.ok()) return util::prefixed("auth.credentials_file: ", st.status_error());
  return {};
}

util::Status LogdServer::open_runtime_config(util::Clock& clock) {
  limits_ = std::make_shared<TenantLimits>(config_.limits_config);
  const RuntimeConfigConfig& rc = config_.runtime_config;
  if (rc.file.empty()) return {};
  FileReloaderOptions o;
  o.what = "runtime config";
  o.period = rc.period;
  o.load = runtime_config_loader(rc.file, *limits_);
  o.success_metric = "loki_runtime_config_last_reload_successful";
  o.failures_metric = "logd_runtime_config_reload_failures_total";
  o.hash_metric = "loki_runtime_config_hash";
  runtime_config_ = std::make_unique<FileReloader>(std::move(o), logger_, clock);
  // As Loki: a file that is invalid at start stops the start; later, it only keeps the last good.
  if (auto st = runtime_config_->reload(); !st.ok()) return util::prefixed("runtime_config.file: ", st.status_error());
  return {};
}

util::Status LogdServer::open_stores(util::Clock& clock) {
  const StorageConfig& sc = config_.storage;
  for (const auto& key : config_.accepted_no_effect) {
    logger_.log(LogLevel::kInfo, "config key accepted, no effect in logd", "key=" + golang::quote(key));
  }
  for (const auto& key : sc.accepted_no_effect) {
    logger_.log(LogLevel::kInfo, "config key accepted, no effect in logd", "key=" + golang::quote(key));
  }
  // The writer id names every index file this process writes (docs/data-layout.md).
  if (!sc.instance_id.empty()) {
    writer_id_ = store::sanitize_writer_id(sc.instance_id);
  } else {
    auto id = store::load_or_create_writer_id(config_.common.path_prefix + "/writer-id");
    if (!id.ok()) return id.status_error();
    writer_id_ = *id;
  }
  if (auto st = store::check_writer_id(writer_id_); !st.ok()) return util::invalid_argument("writer id: " + st.error());
  auto specs = resolve_stores(sc, config_.common.path_prefix);
  if (!specs.ok()) return specs.status_error();
  std::vector<store::PeriodStoreEntry> entries;
  // Replicas of a stream flush the same chunks at different moments: as objects of their own
  // they land on the same content-derived name (stored once), packed in segments they would
  // not. So with replication every chunk stays an object of its own (docs/scaling.md).
  const ClusterConfig& cc = config_.cluster;
  const int64_t replication = targets_.all ? 1
                              : cc.lifecycler.ring.replication_factor > 0 ? cc.lifecycler.ring.replication_factor
                                                                          : cc.replication_factor;
  const uint64_t segment_chunk_max = replication > 1 ? 0 : static_cast<uint64_t>(sc.segment_chunk_max_size);
  if (replication > 1 && sc.segment_chunk_max_size > 0) {
    logger_.log(LogLevel::kInfo, "chunks are not packed into segments with replication (each stays an object)",
                "replication_factor=" + std::to_string(replication));
  }
  auto warn = [l = &logger_](const std::string& m) { l->log(LogLevel::kWarn, m, "component=store"); };
  for (const auto& spec : *specs) {
    if (spec.location.kind == objstore::StoreLocation::Kind::kFilesystem) {
      const std::string& dir = spec.location.directory;
      if (auto st = fsutil::create_directories(dir); !st.ok()) return util::Error{"opening the store: " + st.error(), st.code()};
      if (size_t n = store::remove_stale_temporaries(dir); n > 0) {
        logger_.log(LogLevel::kInfo, "removed temporary files left by a crashed writer", "files=" + std::to_string(n));
      }
    }
    auto bucket = objstore::open_bucket(spec.location);
    if (!bucket.ok()) return util::Error{"opening the store: " + bucket.error(), bucket.code()};
    std::shared_ptr<objstore::Bucket> b(std::move(*bucket));
    if (auto st = b->check(); !st.ok()) {
      // A store that does not answer yet is waited for (pushes go to the WAL); a bucket that is
      // not there or refuses our credentials is a configuration error.
      if (st.code() != util::ErrorCode::kUnavailable) return util::Error{"object store: " + st.error(), st.code()};
      logger_.log(LogLevel::kWarn, "object store does not answer yet; flushes retry until it does",
                  "store=" + golang::quote(b->name()) + " err=" + golang::quote(st.error()));
    }
    store::StoreOptions so;
    so.bucket = b;
    so.writer_id = writer_id_;
    so.active_index_dir = config_.active_index_dir();
    so.cache_dir = config_.cache_dir();
    so.cache_max_bytes = static_cast<uint64_t>(sc.cache_max_size);
    so.cache_ttl_ns = sc.cache_ttl;
    so.resync_interval_ns = sc.resync_interval;
    so.warn = warn;
    so.clock = &clock;
    so.segment_chunk_max_bytes = segment_chunk_max;
    so.segment_max_bytes = static_cast<uint64_t>(sc.segment_max_size);
    if (spec.location.kind == objstore::StoreLocation::Kind::kFilesystem) {
      (void)store::remove_stale_temporaries(so.active_index_dir);
    }
    auto st = store::open_store(std::move(so));
    if (!st.ok()) return util::Error{"opening the store: " + st.error(), st.code()};
    bool local = spec.location.kind == objstore::StoreLocation::Kind::kFilesystem;
    stores_.push_back(OpenStore{spec.from_day, b, local ? config_.common.path_prefix : ""});
    entries.push_back(store::PeriodStoreEntry{spec.from_day, std::move(*st)});
    logger_.log(LogLevel::kInfo, "store opened",
                "store=" + golang::quote(b->name()) + " from=" + store::period_dir_name(spec.from_day) +
                    " writer_id=" + writer_id_);
  }
  if (entries.size() == 1) {
    store_ = std::move(entries.front().store);
  } else {
    store_ = std::make_unique<store::PeriodStore>(std::move(entries));
  }
  return {};
}

// The ruler over this process's querier; evaluations start with start() once HTTP listens.
util::Status LogdServer::start_ruler(util::Clock& clock) {
  const RulerConfig& rc = config_.ruler;
  if (rc.storage_type == "s3") {
    objstore::StoreLocation where;
    where.kind = objstore::StoreLocation::Kind::kS3;
    where.s3 = rc.storage_s3;
    objstore::apply_environment(where.s3, objstore::process_environment());
    if (auto st = objstore::validate(where.s3); !st.ok()) {
      return util::invalid_argument("ruler.storage.s3 (or common.storage.s3): " + st.error());
    }
    auto bucket = objstore::open_bucket(where, clock);
    if (!bucket.ok()) return util::prefixed("ruler storage: ", bucket.status_error());
    rule_bucket_ = std::move(*bucket);
    if (auto st = rule_bucket_->check(); !st.ok()) {
      // As the chunk store: a bucket that does not answer yet is polled again; a missing bucket or
      // refused credentials are configuration errors.
      if (st.code() != util::ErrorCode::kUnavailable) return util::prefixed("ruler storage: ", st.status_error());
      logger_.log(LogLevel::kWarn, "ruler storage does not answer yet; rules load once it does",
                  "store=" + golang::quote(rule_bucket_->name()) + " err=" + golang::quote(st.error()));
    }
    rule_store_ = std::make_unique<ruler::BucketRuleStore>(*rule_bucket_);
    logger_.log(LogLevel::kInfo, "ruler storage opened", "store=" + golang::quote(rule_bucket_->name()));
  } else {
    rule_store_ = std::make_unique<ruler::LocalRuleStore>(config_.rules_dir());
  }
  // A rule's query runs under its tenant's limits, one worker (groups already run concurrently).
  ruler::TenantQueryLimits limits = [l = limits_](const std::string& tenant) { return query_limits(*l, {tenant}, 1); };
  rule_engine_ = std::make_unique<ruler::ExecutorQueryEngine>(
      [q = querier_ ? querier_.get() : rule_querier_.get()](const std::string& tenant) { return q->source({tenant}); },
      std::move(limits));
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
  return {};
}

util::Status LogdServer::start_compactors(util::Clock& clock) {
  const CompactorConfig& cc = config_.compactor;
  const LimitsConfig& l = config_.limits_config;
  for (const auto& [key, set, why] :
       {std::tuple<const char*, bool, const char*>{"working_directory", !cc.working_directory.empty(),
                                                   "pending deletions are marker objects in the store itself"},
        {"delete_request_store", !cc.delete_request_store.empty(), "deletes by request are logidx delete"},
        {"retention_delete_worker_count", cc.retention_delete_worker_count != 0, "deletes are batched per tenant"}}) {
    if (set) {
      logger_.log(LogLevel::kInfo, std::string("config key accepted, no effect in logd"),
                  std::string("key=compactor.") + key + " reason=" + golang::quote(why));
    }
  }
  const bool has_rules = l.retention_period > 0 || !l.retention_stream.empty();
  if (!cc.retention_enabled && has_rules) {
    logger_.log(LogLevel::kWarn, "limits_config retention is set but compactor.retention_enabled is false: "
                                 "nothing will be deleted (as in Loki)");
  }
  auto retention = retention_options(l);
  if (!retention.ok()) return retention.status_error();
  for (const auto& st : stores_) {
    CompactorOptions co;
    co.target.bucket = st.bucket;
    co.target.writer_id = writer_id_;
    co.target.clock = &clock;
    // Readers of a shared bucket may hold a listing of what is replaced: they get the delay.
    co.target.delete_delay_ns = st.data_dir.empty() ? cc.retention_delete_delay : 0;
    co.data_dir = st.data_dir;
    co.owner = writer_id_;
    co.interval_ns = cc.compaction_interval;
    co.retention_enabled = cc.retention_enabled;
    co.retention = *retention;
    co.tenant_retention = [limits = limits_, fallback = *retention](const std::string& tenant) {
      // Selectors were checked when the limits were read; a tenant without overrides has the defaults.
      auto own = retention_options(*limits->get(tenant));
      return own.ok() ? std::move(*own) : fallback;
    };
    co.retention_delete_delay_ns = cc.retention_delete_delay;
    compactors_.push_back(std::make_unique<Compactor>(std::move(co), logger_, metrics_));
    compactors_.back()->start();
  }
  if (cc.retention_enabled) {
    logger_.log(LogLevel::kInfo, "retention enabled",
                "retention_period=" + model::format_duration_prometheus(l.retention_period) +
                    " retention_streams=" + std::to_string(l.retention_stream.size()) +
                    " compaction_interval=" + model::format_duration_prometheus(cc.compaction_interval) +
                    " retention_delete_delay=" + model::format_duration_prometheus(cc.retention_delete_delay));
  }
  if (cc.retention_enabled) {
    DeleteProcessorOptions dp;
    for (const auto& st : stores_) {
      DeleteProcessorOptions::Store ds;
      ds.target.bucket = st.bucket;
      ds.target.writer_id = writer_id_;
      ds.target.clock = &clock;
      ds.target.delete_delay_ns = st.data_dir.empty() ? cc.retention_delete_delay : 0;
      ds.data_dir = st.data_dir;
      dp.stores.push_back(std::move(ds));
    }
    dp.owner = writer_id_;
    dp.interval_ns = cc.compaction_interval;
    dp.cancel_period_ns = cc.delete_request_cancel_period;
    dp.deletes_chunks = [limits = limits_](const std::string& tenant) {
      return limits->get(tenant)->deletion_mode == "filter-and-delete";
    };
    delete_processor_ = std::make_unique<DeleteProcessor>(std::move(dp), *delete_requests_, logger_, clock);
    delete_processor_->start();
  }
  return {};
}

util::Status LogdServer::shutdown() {
  if (stopped_) return {};
  stopped_ = true;
  if (runtime_config_) runtime_config_->stop();
  if (auth_credentials_) auth_credentials_->stop();
  if (ruler_) ruler_->stop();
  for (auto& c : compactors_) c->stop();
  if (delete_processor_) delete_processor_->stop();
  upkeep_.request_stop();
  if (upkeep_.joinable()) upkeep_.join();
  util::Status flushed;
  if (cluster_) {
    // Off the write path first; queriers keep reading this ingester while it flushes.
    cluster_->leave();
    if (ingester_) flushed = ingester_->flush_all();
    cluster_->stop();
    if (http_) http_->stop();
    if (internal_) internal_->stop();
    return flushed;
  }
  if (http_) http_->stop();
  if (ingester_) flushed = ingester_->flush_all();
  return flushed;
}

LogdServer::~LogdServer() {
  if (auto st = shutdown(); !st.ok()) logger_.log(LogLevel::kError, "flush on shutdown failed: " + st.error());
}

}  // namespace logd
