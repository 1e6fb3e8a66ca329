#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "pattern/drain.h"

namespace {

using pattern::Cluster;
using pattern::Drain;
using pattern::DrainConfig;
using pattern::LineFormat;

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kNow = 1'700'000'000 * kSec;

std::set<std::string> patterns(const Drain& d) {
  std::set<std::string> out;
  d.for_each_cluster([&](const Cluster& c) { out.insert(d.pattern_of(c)); });
  return out;
}

}  // namespace

TEST_CASE("drain clusters equal lines into one pattern with their count") {
  Drain d(DrainConfig{}, LineFormat::kPlain);
  for (int i = 0; i < 5; ++i) REQUIRE(d.train("connection accepted from the load balancer", kNow + i * kSec, kNow));
  CHECK(d.cluster_count() == 1);
  CHECK(patterns(d) == std::set<std::string>{"connection accepted from the load balancer"});
  d.for_each_cluster([](const Cluster& c) { CHECK(c.samples.total() == 5); });
}

TEST_CASE("drain turns the tokens that vary into <_>") {
  Drain d(DrainConfig{}, LineFormat::kPlain);
  d.train("user 17 logged in from 10.0.0.1 after 35ms", kNow, kNow);
  d.train("user 23 logged in from 10.0.0.7 after 120ms", kNow, kNow);
  d.train("user 4 logged in from 192.168.1.1 after 8ms", kNow, kNow);
  CHECK(patterns(d) == std::set<std::string>{"user <_> logged in from <_> after <_>"});
}

TEST_CASE("drain keeps words without digits in the tree until a node is full") {
  // Leading words are tree keys (Drain assumes they are constant): different words, different
  // clusters; past max_children words at one node, the rest share the <_> branch.
  DrainConfig cfg;
  cfg.max_children = 3;
  Drain d(cfg, LineFormat::kPlain);
  for (std::string name : {"alice", "bob", "carol", "dave", "erin"}) {
    d.train("user " + name + " logged in again today", kNow, kNow);
  }
  CHECK(patterns(d) == std::set<std::string>{"user alice logged in again today", "user bob logged in again today",
                                             "user <_> logged in again today"});
}

TEST_CASE("drain keeps lines of different shapes apart") {
  Drain d(DrainConfig{}, LineFormat::kPlain);
  for (int i = 0; i < 3; ++i) {
    d.train("GET /api/users/" + std::to_string(i) + " returned 200 in " + std::to_string(i * 7) + "ms", kNow, kNow);
    d.train("cache miss for key session-" + std::to_string(i), kNow, kNow);
    d.train("disk usage at " + std::to_string(50 + i) + " percent on volume data", kNow, kNow);
  }
  CHECK(patterns(d) == std::set<std::string>{"GET <_> returned 200 in <_>", "cache miss for key <_>",
                                             "disk usage at <_> percent on volume data"});
}

TEST_CASE("drain skips lines with too few or too many tokens and lines past the length limit") {
  DrainConfig cfg;
  cfg.max_line_length = 100;
  Drain d(cfg, LineFormat::kPlain);
  CHECK_FALSE(d.train("too short", kNow, kNow));
  std::string many;
  for (int i = 0; i < 90; ++i) many += "w ";
  CHECK_FALSE(d.train(many, kNow, kNow));  // 90 tokens > 80 (and > 100 bytes is also refused)
  CHECK_FALSE(d.train(std::string(101, 'x') + " a b c", kNow, kNow));
  CHECK(d.cluster_count() == 0);
  CHECK(d.stats().lines_skipped == 3);
}

TEST_CASE("drain holds at most max_clusters clusters, evicting the least recently matched") {
  DrainConfig cfg;
  cfg.max_clusters = 3;
  cfg.max_eviction_ratio = 1.0;  // never throttle in this test
  Drain d(cfg, LineFormat::kPlain);
  const std::vector<std::string> shapes = {"alpha event happened now", "beta thing went wrong here",
                                           "gamma value was computed fine today", "delta job finished ok"};
  d.train(shapes[0], kNow, kNow);
  d.train(shapes[1], kNow, kNow);
  d.train(shapes[2], kNow, kNow);
  d.train(shapes[0], kNow, kNow);  // alpha is now the most recent; beta the least
  d.train(shapes[3], kNow, kNow);
  CHECK(d.cluster_count() == 3);
  CHECK(patterns(d) == std::set<std::string>{shapes[0], shapes[2], shapes[3]});
  CHECK(d.stats().clusters_evicted == 1);
}

TEST_CASE("drain stops training for a while when evictions pass the ratio") {
  DrainConfig cfg;
  cfg.max_clusters = 1;
  cfg.max_eviction_ratio = 0.25;
  Drain d(cfg, LineFormat::kPlain);
  // Every line its own shape: each new one evicts the last.
  int trained = 0;
  for (int i = 0; i < 10; ++i) {
    std::string line = std::string(1, static_cast<char>('a' + i)) + "x event " + std::string(i + 1, 'q') + " tail end";
    if (d.train(line, kNow, kNow)) ++trained;
  }
  CHECK(trained < 10);
  CHECK_FALSE(d.train("back to normal lines here", kNow + 60 * kSec, kNow + 60 * kSec));
  // Ten minutes later the throttle resets.
  CHECK(d.train("back to normal lines here", kNow + 601 * kSec, kNow + 601 * kSec));
}

TEST_CASE("drain prune drops old samples, then clusters without any") {
  Drain d(DrainConfig{}, LineFormat::kPlain);
  d.train("old pattern line number one", kNow, kNow);
  d.train("new shape of a line that stays here", kNow + 3600 * kSec, kNow);
  CHECK(d.cluster_count() == 2);
  const int64_t cutoff_ms = (kNow + 1800 * kSec) / 1'000'000;
  CHECK(d.prune(cutoff_ms) == 1);
  CHECK(patterns(d) == std::set<std::string>{"new shape of a line that stays here"});
  // The pruned shape starts a new cluster when it comes back.
  REQUIRE(d.train("old pattern line number one", kNow + 3601 * kSec, kNow));
  CHECK(d.cluster_count() == 2);
}

TEST_CASE("drain on logfmt lines keeps keys and varies values") {
  Drain d(DrainConfig{}, LineFormat::kLogfmt);
  d.train("ts=2024-03-30T23:03:40 caller=grpc_logging.go:66 level=info method=/cortex.Ingester/Push duration=200ms msg=gRPC",
          kNow, kNow);
  d.train("ts=2024-03-30T23:03:41 caller=grpc_logging.go:66 level=info method=/cortex.Ingester/Push duration=500ms msg=gRPC",
          kNow, kNow);
  CHECK(patterns(d) ==
        std::set<std::string>{"ts=<_> caller=grpc_logging.go:66 level=info method=/cortex.Ingester/Push duration=<_> msg=gRPC"});
}
