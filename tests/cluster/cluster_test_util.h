// A cluster in one process for the lib/cluster tests: ingesters (real ingest::Ingester over a temp
// WAL, its IngesterService on a loopback http::Server) registered in a ring on an in-memory KV
// store and a FakeClock, a ring view, and the clients a distributor or querier uses.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "../ingest/ingest_test_util.h"
#include "../ring/wait.h"
#include "cluster/call_pool.h"
#include "cluster/ingester_client.h"
#include "cluster/ingester_service.h"
#include "http/server.h"
#include "kv/memory_kv.h"
#include "ring/lifecycler.h"
#include "ring/ring.h"

namespace cluster_test {

constexpr int64_t kSecond = 1'000'000'000;
inline const std::string kPrefix = "collectors/ingester";

struct TestIngester {
  ingest_test::TempDir dir;
  ingest_test::FakeStore store;
  std::unique_ptr<ingest::Ingester> ingester;
  std::unique_ptr<cluster::IngesterService> service;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<ring::Lifecycler> member;
  std::string addr;

  void stop_serving() {
    if (server) server->stop();
  }
};

struct TestCluster {
  util::FakeClock clock;
  kv::MemoryKv kv{clock};
  std::vector<std::unique_ptr<TestIngester>> ingesters;
  std::unique_ptr<ring::Ring> view;
  cluster::CallPool pool{16};
  cluster::IngesterClients clients{cluster::IngesterClientOptions{.timeout_ms = 5000, .connect_timeout_ms = 1000}};

  // `patterns`: the ingesters mine log patterns (pattern_ingester.enabled).
  explicit TestCluster(int n, int rf = 3, bool patterns = false) {
    for (int i = 0; i < n; ++i) {
      auto t = std::make_unique<TestIngester>();
      ingest::IngesterOptions io = ingest_test::test_options(t->dir.path, clock);
      io.patterns.enabled = patterns;
      auto ing = ingest::Ingester::open(io, t->store);
      REQUIRE(ing.ok());
      t->ingester = std::move(*ing);
      cluster::IngesterServiceOptions so;
      so.clock = &clock;
      so.tail_poll_wait_ms = 0;
      t->service = std::make_unique<cluster::IngesterService>(*t->ingester, so);
      http::ServerOptions ho;
      ho.port = 0;
      ho.threads = 4;
      t->server = std::make_unique<http::Server>(ho);
      t->service->register_routes(*t->server);
      REQUIRE(t->server->start().ok());
      t->addr = "127.0.0.1:" + std::to_string(t->server->port());
      ring::LifecyclerConfig lc;
      lc.prefix = kPrefix;
      lc.instance_id = "ingester-" + std::to_string(i + 1);
      lc.instance_addr = t->addr;
      lc.num_tokens = 16;
      lc.heartbeat_period_ns = 2 * kSecond;
      lc.heartbeat_timeout_ns = 10 * kSecond;
      lc.random_seed = static_cast<uint64_t>(i + 1);
      t->member = std::make_unique<ring::Lifecycler>(kv, clock, lc);
      REQUIRE(t->member->set_ready().ok());
      ingesters.push_back(std::move(t));
    }
    ring::RingConfig rc;
    rc.prefix = kPrefix;
    rc.replication_factor = rf;
    rc.heartbeat_timeout_ns = 10 * kSecond;
    view = std::make_unique<ring::Ring>(kv, clock, rc);
    REQUIRE(view->start().ok());
    sync();
  }
  ~TestCluster() {
    view->stop();
    for (auto& t : ingesters) {
      t->member->halt();
      t->stop_serving();
    }
  }
  void sync() { REQUIRE(view->wait_synced(kv.revision(), std::chrono::seconds(10))); }
  // Heartbeats every member but those listed (by index), then waits for the view.
  void heartbeat_except(std::vector<size_t> skip = {}) {
    for (size_t i = 0; i < ingesters.size(); ++i) {
      if (std::find(skip.begin(), skip.end(), i) == skip.end()) REQUIRE(ingesters[i]->member->tick().ok());
    }
    sync();
  }
};

inline size_t count_entries(ingest::Ingester& ing, const std::string& tenant) {
  return ingest_test::select(ing, tenant, {{"app", logql::ast::MatchOp::Re, ".+"}}).size();
}

}  // namespace cluster_test
