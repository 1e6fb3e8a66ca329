#include "logd/cluster_roles.h"

#include <unistd.h>

#include <atomic>
#include <thread>

#include "cluster/call_pool.h"
#include "cluster/frontend.h"
#include "cluster/frontend_worker.h"
#include "cluster/ingester_client.h"
#include "cluster/ingester_service.h"
#include "cluster/remote_ingesters.h"
#include "cluster/remote_tail.h"
#include "cluster/ring_push_target.h"
#include "golang/duration.h"
#include "kv/kv_config.h"
#include "logd/frontend_api.h"
#include "logd/work_executor.h"
#include "golang/quote.h"
#include "ring/lifecycler.h"
#include "ring/ring.h"
#include "ring/ring_page.h"

namespace logd {
namespace {

constexpr size_t kCallThreads = 64;  // blocking calls to other roles in flight at once

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "logd";
  return buf;
}

// One ring this process watches, with the warn lines and counters of its store outages.
struct WatchedRing {
  std::string name;  // "ingester", "distributor"
  std::unique_ptr<kv::KvClient> kv;
  std::unique_ptr<ring::Ring> view;
  std::atomic<uint64_t> outages{0};
};

util::Result<std::unique_ptr<WatchedRing>> watch_ring(const ResolvedRing& resolved, const std::string& name,
                                                      const Logger& logger, util::Clock& clock) {
  auto w = std::make_unique<WatchedRing>();
  w->name = name;
  auto kv = kv::make_kv_client(resolved.kvstore, resolved.kv_key_path);
  if (!kv.ok()) return kv.status_error();
  w->kv = std::move(*kv);
  ring::RingHooks hooks;
  WatchedRing* raw = w.get();
  hooks.on_stale = [raw, &logger](const util::Error& e) {
    raw->outages.fetch_add(1);
    logger.log(LogLevel::kWarn, "ring store unreachable: serving the last known ring",
               "ring=" + raw->name + " err=" + golang::quote(e.message));
  };
  hooks.on_fresh = [raw, &logger](int64_t stale_for_ns) {
    logger.log(LogLevel::kInfo, "ring store reachable again",
               "ring=" + raw->name + " stale_for=" + golang::format_duration(stale_for_ns));
  };
  w->view = std::make_unique<ring::Ring>(*w->kv, clock, resolved.view, hooks);
  if (auto st = w->view->start(); !st.ok()) return st.status_error();
  return w;
}

ring::LifecyclerHooks member_hooks(const Logger& logger, std::string what) {
  ring::LifecyclerHooks hooks;
  hooks.on_kv_error = [&logger, what](const util::Error& e, int64_t failures) {
    // The first failure and every tenth after: the store may stay away for a while.
    if (failures == 1 || failures % 10 == 0) {
      logger.log(LogLevel::kWarn, "ring heartbeat failed",
                 "member=" + what + " failures=" + std::to_string(failures) + " err=" + golang::quote(e.message));
    }
  };
  hooks.on_kv_recovered = [&logger, what](int64_t failures) {
    logger.log(LogLevel::kInfo, "ring heartbeats resumed", "member=" + what + " failed=" + std::to_string(failures));
  };
  return hooks;
}

http::Response ring_page_response(const ring::Ring& view, const http::Request& req, const std::string& title) {
  ring::RingPage page = ring::ring_page_of(view, req.param("tokens").value_or("") == "true");
  page.title = title;
  if (req.headers.get_or("Accept", "").find("application/json") != std::string_view::npos) {
    return http::Response::json(200, ring::render_ring_json(page));
  }
  http::Response r{200, {}, ring::render_ring_html(page)};
  r.headers.set("Content-Type", "text/html; charset=utf-8");
  return r;
}

void render_ring_metrics(std::string& out, const WatchedRing& w, bool& headers_done) {
  ring::RingStats s = w.view->stats();
  ring::RingViewStatus st = w.view->status();
  if (!headers_done) {
    out += "# HELP loki_ring_members Number of members in the ring, by state (Unhealthy: heartbeat too old).\n"
           "# TYPE loki_ring_members gauge\n";
    headers_done = true;
  }
  auto line = [&](const char* state, int n) {
    out += "loki_ring_members{name=\"" + w.name + "\",state=\"" + state + "\"} " + std::to_string(n) + "\n";
  };
  line("ACTIVE", s.active);
  line("JOINING", s.joining);
  line("LEAVING", s.leaving);
  line("PENDING", s.pending);
  line("Unhealthy", s.unhealthy);
  (void)st;
}

}  // namespace

class ClusterRoles::Impl {
 public:
  Impl(const Config& config, const Targets& targets, const Logger& logger, util::Clock& clock)
      : config(config), targets(targets), logger(logger), clock(clock) {}

  Config config;
  Targets targets;
  const Logger& logger;
  util::Clock& clock;
  std::string host = host_name();

  std::unique_ptr<WatchedRing> ingesters;     // every cluster role watches the ingester ring
  std::unique_ptr<WatchedRing> distributors;  // the distributor role: for the global rate strategy
  std::unique_ptr<cluster::CallPool> pool;
  std::unique_ptr<cluster::IngesterClients> clients;
  std::unique_ptr<cluster::RingPushTarget> push;
  std::unique_ptr<cluster::RemoteIngesters> reader;
  std::unique_ptr<cluster::RemoteTail> tail;
  std::unique_ptr<cluster::IngesterService> ingester_service;
  std::unique_ptr<kv::KvClient> member_kv, distributor_member_kv;
  std::unique_ptr<ring::Lifecycler> ingester_member, distributor_member;
  std::unique_ptr<cluster::Frontend> frontend;
  std::unique_ptr<FrontendApi> frontend_api;
  std::unique_ptr<cluster::FrontendWorker> worker;
  Distributor* distributor = nullptr;
  Api* api = nullptr;
  query::Querier* querier = nullptr;
  std::atomic<bool> leaving{false};
  std::atomic<int64_t> active_since{0};
  std::jthread rate_follower;

  util::Status join_ingester(int64_t port);
  util::Status join_distributor(int64_t port);
  util::Result<std::unique_ptr<ring::Lifecycler>> register_member(RingKind kind, int64_t port,
                                                                  std::unique_ptr<kv::KvClient>& kv_out,
                                                                  ResolvedRing& resolved_out);
};

ClusterRoles::ClusterRoles(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ClusterRoles::~ClusterRoles() { stop(); }

util::Result<std::unique_ptr<ClusterRoles>> ClusterRoles::create(const Config& config, const Targets& targets,
                                                                const Logger& logger, util::Clock& clock) {
  auto impl = std::make_unique<Impl>(config, targets, logger, clock);
  // The ring settings do not depend on the port: resolve with a placeholder to watch the ring.
  auto ring = resolve_ring(config, RingKind::kIngester, 0, impl->host);
  if (!ring.ok()) return ring.status_error();
  auto watched = watch_ring(*ring, "ingester", logger, clock);
  if (!watched.ok()) return util::prefixed("watching the ingester ring: ", watched.status_error());
  impl->ingesters = std::move(*watched);
  if (targets.distributor) {
    auto dring = resolve_ring(config, RingKind::kDistributor, 0, impl->host);
    if (!dring.ok()) return dring.status_error();
    auto dw = watch_ring(*dring, "distributor", logger, clock);
    if (!dw.ok()) return util::prefixed("watching the distributor ring: ", dw.status_error());
    impl->distributors = std::move(*dw);
  }
  impl->pool = std::make_unique<cluster::CallPool>(kCallThreads);
  cluster::IngesterClientOptions co;
  co.timeout_ms = config.cluster.remote_timeout / 1'000'000;
  impl->clients = std::make_unique<cluster::IngesterClients>(co);
  ring::Ring& view = *impl->ingesters->view;
  if (targets.distributor) impl->push = std::make_unique<cluster::RingPushTarget>(view, *impl->clients, *impl->pool);
  if (targets.querier || targets.query_frontend || targets.ruler) {
    cluster::RemoteIngestersOptions ro;
    ro.query_ingesters_within_ns = config.cluster.query_ingesters_within;
    impl->reader = std::make_unique<cluster::RemoteIngesters>(view, *impl->clients, *impl->pool, ro);
    impl->tail = std::make_unique<cluster::RemoteTail>(view, *impl->clients);
  }
  return std::unique_ptr<ClusterRoles>(new ClusterRoles(std::move(impl)));
}

ingest::PushTarget& ClusterRoles::push_target() { return *impl_->push; }
query::IngesterReader& ClusterRoles::ingester_reader() { return *impl_->reader; }
ingest::TailSource& ClusterRoles::tail_source() { return *impl_->tail; }

util::Status ClusterRoles::serve(http::Server& public_server, http::Server& internal, Api& api,
                                 ingest::Ingester* ingester, Distributor* distributor, query::Querier* querier,
                                 Metrics& metrics) {
  (void)metrics;
  Impl& m = *impl_;
  m.distributor = distributor;
  m.api = &api;
  m.querier = querier;
  if (m.targets.query_frontend) {
    cluster::FrontendOptions fo;
    fo.max_outstanding_per_tenant = static_cast<size_t>(m.config.cluster.max_outstanding_per_tenant);
    fo.max_retries = static_cast<int>(m.config.cluster.max_retries);
    fo.max_parallelism = static_cast<size_t>(m.config.cluster.max_query_parallelism);
    // A piece may run for query_timeout on its querier; past that and a margin it is given again.
    fo.piece_timeout_ns = m.config.limits_config.query_timeout + 5 * model::kNanosPerSecond;
    fo.clock = &m.clock;
    m.frontend = std::make_unique<cluster::Frontend>(fo);
    m.frontend->register_routes(internal);
    FrontendApiOptions ao;
    ao.split_queries_by_interval = m.config.cluster.split_queries_by_interval;
    m.frontend_api = std::make_unique<FrontendApi>(ao, *m.frontend, api, m.clock);
    m.frontend_api->register_routes(public_server);
  }
  if (ingester) {
    cluster::IngesterServiceOptions so;
    so.clock = &m.clock;
    so.writable = [&m]() -> util::Status {
      if (m.leaving.load()) return util::unavailable("ingester is shutting down");
      return {};
    };
    m.ingester_service = std::make_unique<cluster::IngesterService>(*ingester, so);
    m.ingester_service->register_routes(internal);
  }
  ring::Ring* ingesters = m.ingesters->view.get();
  api.add_route(public_server, "GET", "/ring", "ring",
                [ingesters](const http::Request& req) { return ring_page_response(*ingesters, req, "Ingester Ring"); });
  if (m.distributors) {
    ring::Ring* distributors = m.distributors->view.get();
    api.add_route(public_server, "GET", "/distributor/ring", "distributor_ring", [distributors](const http::Request& req) {
      return ring_page_response(*distributors, req, "Distributor Ring");
    });
  }
  return {};
}

util::Status ClusterRoles::ready() const {
  const Impl& m = *impl_;
  if (!m.ingesters->view->status().synced) return util::unavailable("not ready: the ingester ring has not been read yet");
  if (m.frontend) {
    if (auto st = m.frontend->ready(); !st.ok()) return st;
  }
  if (m.ingester_member) {
    if (m.leaving.load()) return util::unavailable("Ingester not ready: the ingester is shutting down");
    if (m.ingester_member->state() != ring::InstanceState::kActive || !m.ingester_member->registered()) {
      return util::unavailable("Ingester not ready: not ACTIVE in the ring yet");
    }
    int64_t since = m.active_since.load();
    int64_t wait = m.config.cluster.lifecycler.min_ready_duration;
    if (since == 0 || m.clock.now_ns() - since < wait) {
      return util::unavailable("Ingester not ready: waiting for " + golang::format_duration(wait) +
                               " after being ACTIVE");
    }
  }
  return {};
}

util::Result<std::unique_ptr<ring::Lifecycler>> ClusterRoles::Impl::register_member(
    RingKind kind, int64_t port, std::unique_ptr<kv::KvClient>& kv_out, ResolvedRing& resolved_out) {
  auto resolved = resolve_ring(config, kind, port, host);
  if (!resolved.ok()) return resolved.status_error();
  if (auto st = ring::Lifecycler::validate(resolved->member); !st.ok()) return st.status_error();
  auto kv = kv::make_kv_client(resolved->kvstore, resolved->kv_key_path);
  if (!kv.ok()) return kv.status_error();
  kv_out = std::move(*kv);
  auto member = std::make_unique<ring::Lifecycler>(*kv_out, clock, resolved->member,
                                                   member_hooks(logger, resolved->member.instance_id));
  // Called once the member can serve (an ingester after its WAL replay): it registers ACTIVE.
  util::Status st = member->set_ready();
  if (!st.ok() && st.code() != util::ErrorCode::kUnavailable) {
    return util::prefixed("registering " + resolved->member.instance_id + " in the ring: ", st.status_error());
  }
  if (!st.ok()) {
    logger.log(LogLevel::kWarn, "ring store unreachable: registering when it answers",
               "member=" + resolved->member.instance_id + " err=" + golang::quote(st.error()));
  }
  if (auto s = member->start(); !s.ok()) return s.status_error();
  resolved_out = std::move(*resolved);
  return member;
}

util::Status ClusterRoles::Impl::join_ingester(int64_t port) {
  ResolvedRing resolved;
  auto member = register_member(RingKind::kIngester, port, member_kv, resolved);
  if (!member.ok()) return member.status_error();
  ingester_member = std::move(*member);
  active_since = clock.now_ns();
  logger.log(LogLevel::kInfo, "ingester joined the ring",
             "id=" + golang::quote(resolved.member.instance_id) + " addr=" + resolved.member.instance_addr +
                 " ring=" + golang::quote(resolved.view.prefix) +
                 " replication_factor=" + std::to_string(resolved.view.replication_factor));
  return {};
}

util::Status ClusterRoles::Impl::join_distributor(int64_t port) {
  ResolvedRing resolved;
  auto member = register_member(RingKind::kDistributor, port, distributor_member_kv, resolved);
  if (!member.ok()) return member.status_error();
  distributor_member = std::move(*member);
  if (distributor) distributor->set_stream_limit_shared(true);
  if (config.cluster.global_rate_strategy && distributor) {
    // Loki's global strategy: each of n healthy distributors admits 1/n of the tenant's rate.
    const int64_t period = std::max<int64_t>(resolved.member.heartbeat_period_ns, 1'000'000'000) / 2;
    rate_follower = std::jthread([this, period](std::stop_token stop) {
      do {
        size_t n = distributors->view->get_all_healthy(ring::kWrite).instances.size();
        distributor->set_ingestion_rate_share(1.0 / static_cast<double>(std::max<size_t>(n, 1)));
      } while (clock.sleep_for(period, stop));
    });
  }
  return {};
}

util::Status ClusterRoles::join(int64_t internal_port) {
  Impl& m = *impl_;
  if (m.targets.querier && m.querier && m.api && (!m.config.cluster.frontend_address.empty() || m.frontend)) {
    cluster::FrontendWorkerOptions wo;
    wo.frontend_address = m.config.cluster.frontend_address;
    if (wo.frontend_address.empty()) {  // the frontend of this process
      std::string host = m.config.server.http_listen_address;
      if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
      wo.frontend_address = host + ":" + std::to_string(internal_port);
    }
    wo.parallelism = static_cast<int>(m.config.cluster.worker_match_max_concurrent ? m.config.querier.max_concurrent
                                                                                   : m.config.cluster.worker_parallelism);
    wo.worker_id = m.host + "-" + std::to_string(internal_port);
    m.worker = std::make_unique<cluster::FrontendWorker>(wo, make_work_executor(*m.api, *m.querier));
    m.worker->start();
    m.logger.log(LogLevel::kInfo, "querier takes work from the query-frontend",
                 "frontend=" + wo.frontend_address + " parallelism=" + std::to_string(wo.parallelism));
  }
  if (m.targets.ingester) {
    if (auto st = m.join_ingester(internal_port); !st.ok()) return st;
  }
  if (m.targets.distributor) {
    if (auto st = m.join_distributor(internal_port); !st.ok()) return st;
  }
  return {};
}

void ClusterRoles::leave() {
  Impl& m = *impl_;
  if (m.ingester_member && !m.leaving.exchange(true)) {
    if (auto st = m.ingester_member->begin_leaving(); !st.ok()) {
      m.logger.log(LogLevel::kWarn, "could not mark the ingester LEAVING", "err=" + golang::quote(st.error()));
    }
  }
}

void ClusterRoles::stop() {
  Impl& m = *impl_;
  // Background work only: what HTTP handlers use stays until the servers are gone (~ClusterRoles).
  if (m.worker) m.worker->stop();
  if (m.rate_follower.joinable()) {
    m.rate_follower.request_stop();
    m.rate_follower.join();
  }
  if (m.ingester_member) {
    m.leaving = true;
    if (auto st = m.ingester_member->stop(); !st.ok()) {
      m.logger.log(LogLevel::kWarn, "leaving the ingester ring failed (the lease expires instead)",
                   "err=" + golang::quote(st.error()));
    }
  }
  if (m.distributor_member) (void)m.distributor_member->stop();
  if (m.ingesters) m.ingesters->view->stop();
  if (m.distributors) m.distributors->view->stop();
}

void ClusterRoles::render_metrics(std::string& out) const {
  const Impl& m = *impl_;
  bool ring_headers = false;
  render_ring_metrics(out, *m.ingesters, ring_headers);
  if (m.distributors) render_ring_metrics(out, *m.distributors, ring_headers);
  out += "# HELP logd_ring_store_stale Whether the ring is served from the last copy read while its store is away.\n"
         "# TYPE logd_ring_store_stale gauge\n";
  out += "logd_ring_store_stale{name=\"ingester\"} " + std::to_string(m.ingesters->view->status().stale ? 1 : 0) + "\n";
  if (m.distributors) {
    out += "logd_ring_store_stale{name=\"distributor\"} " +
           std::to_string(m.distributors->view->status().stale ? 1 : 0) + "\n";
  }
  out += "# HELP logd_ring_store_outages_total Times the ring's store stopped answering.\n"
         "# TYPE logd_ring_store_outages_total counter\n";
  out += "logd_ring_store_outages_total{name=\"ingester\"} " + std::to_string(m.ingesters->outages.load()) + "\n";
  if (m.ingester_member) {
    ring::LifecyclerStats s = m.ingester_member->stats();
    render_single(out, "logd_ring_heartbeats_total", "counter", "Successful ring heartbeats of this ingester.",
                  static_cast<double>(s.heartbeats));
    render_single(out, "logd_ring_heartbeat_failures_total", "counter",
                  "Ring store calls of this ingester's lifecycler that failed.", static_cast<double>(s.kv_failures));
  }
  if (m.push) {
    cluster::RingPushStats s = m.push->stats();
    render_single(out, "loki_distributor_ingester_appends_total", "counter", "Pushes sent to ingesters.",
                  static_cast<double>(s.ingester_calls));
    render_single(out, "loki_distributor_ingester_append_failures_total", "counter",
                  "Pushes to ingesters that failed.", static_cast<double>(s.ingester_failures));
    render_single(out, "logd_distributor_quorum_failures_total", "counter",
                  "Pushes answered with an error because a stream did not reach a quorum of ingesters.",
                  static_cast<double>(s.quorum_failures));
  }
  if (m.reader) {
    cluster::RemoteIngestersStats s = m.reader->remote_stats();
    render_single(out, "logd_querier_ingester_selects_total", "counter", "Select sessions opened on ingesters.",
                  static_cast<double>(s.selects));
    render_single(out, "logd_querier_ingester_failures_total", "counter", "Calls to ingesters that failed.",
                  static_cast<double>(s.ingester_failures));
  }
  if (m.frontend) {
    cluster::FrontendStats s = m.frontend->stats();
    out += "# HELP loki_query_frontend_queue_length Query pieces waiting for a querier, per tenant.\n"
           "# TYPE loki_query_frontend_queue_length gauge\n";
    for (const auto& [tenant, n] : s.queued) {
      out += "loki_query_frontend_queue_length{user=\"" + tenant + "\"} " + std::to_string(n) + "\n";
    }
    render_single(out, "loki_query_frontend_connected_clients", "gauge", "Querier workers polling this frontend.",
                  static_cast<double>(s.workers));
    render_single(out, "logd_query_frontend_in_flight", "gauge", "Query pieces running on queriers.",
                  static_cast<double>(s.in_flight));
    render_single(out, "logd_query_frontend_requests_total", "counter", "Requests the frontend scheduled.",
                  static_cast<double>(s.requests));
    render_single(out, "logd_query_frontend_rejected_total", "counter",
                  "Requests refused for max_outstanding_per_tenant (429).", static_cast<double>(s.rejected));
    render_single(out, "logd_query_frontend_pieces_total", "counter", "Query pieces queued.",
                  static_cast<double>(s.pieces));
    render_single(out, "logd_query_frontend_retries_total", "counter", "Query pieces queued again after a failure.",
                  static_cast<double>(s.retries));
  }
  if (m.worker) {
    cluster::FrontendWorkerStats s = m.worker->stats();
    render_single(out, "logd_querier_worker_items_total", "counter", "Work items taken from the query-frontend.",
                  static_cast<double>(s.items));
    render_single(out, "logd_querier_worker_poll_failures_total", "counter",
                  "Polls of the query-frontend that failed.", static_cast<double>(s.poll_failures));
  }
  if (m.ingester_service) {
    cluster::IngesterServiceStats s = m.ingester_service->service_stats();
    render_single(out, "logd_ingester_internal_pushes_total", "counter", "Pushes received from distributors.",
                  static_cast<double>(s.pushes));
    render_single(out, "logd_ingester_open_select_sessions", "gauge", "Select sessions queriers hold open.",
                  static_cast<double>(s.open_sessions));
    render_single(out, "logd_ingester_open_tails", "gauge", "Tail sessions queriers hold open.",
                  static_cast<double>(s.open_tails));
  }
}

}  // namespace logd
