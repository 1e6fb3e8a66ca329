#include <doctest/doctest.h>

#include "logd/config.h"
#include "logd/flags.h"
#include "logd/target.h"

using logd::parse_config;

namespace {

const char* kRing = R"(
common:
  replication_factor: 3
  ring:
    kvstore:
      store: etcd
      prefix: test/
      etcd:
        endpoints: [127.0.0.1:2379]
        dial_timeout: 2s
    heartbeat_period: 1s
    heartbeat_timeout: 4s
)";

std::string with_ring(const std::string& rest) { return std::string(kRing) + rest; }

}  // namespace

TEST_CASE("targets: Loki's names, groups and lists") {
  auto all = logd::parse_target("all");
  REQUIRE(all.ok());
  CHECK(all->all);
  CHECK(all->distributor);
  CHECK(all->ingester);
  CHECK(all->querier);
  CHECK(all->compactor);
  CHECK(all->ruler);
  CHECK_FALSE(all->query_frontend);
  CHECK_FALSE(all->clustered());
  auto write = logd::parse_target("write");
  REQUIRE(write.ok());
  CHECK((write->distributor && write->ingester && !write->querier && write->clustered()));
  auto read = logd::parse_target("read");
  REQUIRE(read.ok());
  CHECK((read->querier && read->query_frontend && !read->ingester));
  auto backend = logd::parse_target("backend");
  REQUIRE(backend.ok());
  CHECK((backend->compactor && backend->ruler && !backend->querier));
  CHECK(backend->names() == "compactor,ruler");
  auto ruler = logd::parse_target("ruler");
  REQUIRE(ruler.ok());
  CHECK((ruler->ruler && !ruler->compactor && ruler->clustered()));
  CHECK_FALSE(read->ruler);
  auto list = logd::parse_target("distributor,querier");
  REQUIRE(list.ok());
  CHECK(list->names() == "distributor,querier");
  CHECK(logd::parse_target("query-frontend")->query_frontend);
  CHECK_FALSE(logd::parse_target("ingester,bogus").ok());
  CHECK_FALSE(logd::parse_target("").ok());
  CHECK_FALSE(logd::parse_target("all,querier").ok());
}

TEST_CASE("cluster config: the ring keys as Loki spells them") {
  auto c = parse_config(with_ring(R"(
target: ingester
server:
  http_listen_port: 3101
  grpc_listen_port: 9101
ingester:
  lifecycler:
    id: ingester-7
    num_tokens: 64
    final_sleep: 2s
    min_ready_duration: 0s
    tokens_file_path: /tmp/tokens.json
querier:
  query_ingesters_within: 2h
limits_config:
  split_queries_by_interval: 30m
  ingestion_rate_strategy: global
frontend:
  max_outstanding_per_tenant: 5
frontend_worker:
  frontend_address: 127.0.0.1:9100
  parallelism: 3
  match_max_concurrent: false
ingester_client:
  remote_timeout: 2s
)"));
  REQUIRE_MESSAGE(c.ok(), c.error());
  const logd::ClusterConfig& k = c->cluster;
  CHECK(k.common_ring.kvstore_set);
  CHECK(k.common_ring.kvstore.store == "etcd");
  CHECK(k.common_ring.kvstore.etcd.endpoints == std::vector<std::string>{"127.0.0.1:2379"});
  CHECK(k.replication_factor == 3);
  CHECK(k.lifecycler.id == "ingester-7");
  CHECK(k.lifecycler.num_tokens == 64);
  CHECK(k.query_ingesters_within == 2 * model::kNanosPerHour);
  CHECK(k.split_queries_by_interval == 30 * model::kNanosPerMinute);
  CHECK(k.global_rate_strategy);
  CHECK(k.max_outstanding_per_tenant == 5);
  CHECK(k.frontend_address == "127.0.0.1:9100");
  CHECK(k.worker_parallelism == 3);
  CHECK_FALSE(k.worker_match_max_concurrent);
  CHECK(k.remote_timeout == 2 * model::kNanosPerSecond);

  auto r = logd::resolve_ring(*c, logd::RingKind::kIngester, 9101, "host");
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r->view.prefix == "test/ingester");
  CHECK(r->view.replication_factor == 3);
  CHECK(r->view.heartbeat_timeout_ns == 4 * model::kNanosPerSecond);
  CHECK(r->member.instance_id == "ingester-7");
  CHECK(r->member.instance_addr == "127.0.0.1:9101");
  // The ingester's heartbeat period falls back to common.ring's when its own is not given.
  CHECK(r->member.heartbeat_period_ns == model::kNanosPerSecond);
  CHECK(r->member.num_tokens == 64);
  CHECK(r->member.final_sleep_ns == 2 * model::kNanosPerSecond);
  CHECK(r->member.tokens_file_path == "/tmp/tokens.json");
  CHECK(r->kv_key_path == "common.ring.kvstore");

  auto d = logd::resolve_ring(*c, logd::RingKind::kDistributor, 9101, "host");
  REQUIRE(d.ok());
  CHECK(d->view.prefix == "test/distributor");
  CHECK(d->view.replication_factor == 1);
  // No id given for the distributor: the host and port, so processes of one host differ.
  CHECK(d->member.instance_id == "host-9101");
}

TEST_CASE("cluster config: instance ids and addresses of several processes on one host differ") {
  auto c = parse_config(with_ring("target: ingester\n"));
  REQUIRE_MESSAGE(c.ok(), c.error());
  auto a = logd::resolve_ring(*c, logd::RingKind::kIngester, 9101, "node1");
  auto b = logd::resolve_ring(*c, logd::RingKind::kIngester, 9102, "node1");
  REQUIRE((a.ok() && b.ok()));
  CHECK(a->member.instance_id != b->member.instance_id);
  CHECK(a->member.instance_addr == "127.0.0.1:9101");
  CHECK(a->member.heartbeat_period_ns == model::kNanosPerSecond);

  // The lifecycler's own values win over common.ring's; common.ring.instance_addr over the listen address.
  c = parse_config(std::string(kRing) + "  instance_addr: 10.0.0.5\ntarget: ingester\ningester:\n  lifecycler:\n    heartbeat_period: 3s\n");
  REQUIRE_MESSAGE(c.ok(), c.error());
  auto r = logd::resolve_ring(*c, logd::RingKind::kIngester, 9000, "h");
  REQUIRE(r.ok());
  CHECK(r->member.instance_addr == "10.0.0.5:9000");
  CHECK(r->member.heartbeat_period_ns == 3 * model::kNanosPerSecond);
}

TEST_CASE("cluster config: errors name the key") {
  auto error_of = [](const std::string& yaml) {
    auto c = parse_config(yaml);
    return c.ok() ? std::string("(accepted)") : c.error();
  };
  CHECK(error_of("target: distributor\n").find("target distributor needs the ingester ring") == 0);
  CHECK(error_of("target: write\ncommon:\n  ring:\n    kvstore:\n      store: consul\n").find(
            "common.ring.kvstore.store") != std::string::npos);
  CHECK(error_of("target: write\ncommon:\n  ring:\n    kvstore:\n      store: memberlist\n").find(
            "common.ring.kvstore.store") != std::string::npos);
  auto single = parse_config("common:\n  ring:\n    kvstore:\n      store: etcd\n      etcd:\n        endpoints: [a:1]\n");
  REQUIRE(single.ok());  // a -target flag may still make it a cluster role
  CHECK(logd::check_single_process(*single).error().find("common.ring.kvstore: target all is one process") == 0);
  // Loki's single-binary configs name an in-process ring: that is the single process.
  single = parse_config("common:\n  ring:\n    kvstore:\n      store: inmemory\n");
  REQUIRE(single.ok());
  CHECK(logd::check_single_process(*single).ok());
  CHECK(error_of("common:\n  ring:\n    kvstore:\n      consul:\n        host: x\n")
            .find("common.ring.kvstore.consul: not supported") == 0);
  CHECK(error_of(with_ring("target: ingester\ningester:\n  lifecycler:\n    join_after: 10s\n"))
            .find("ingester.lifecycler.join_after: not supported") == 0);
  CHECK(error_of(with_ring("target: querier\nfrontend:\n  tail_proxy_url: http://q:3100\n"))
            .find("frontend.tail_proxy_url: not supported") == 0);
  CHECK(error_of(with_ring("target: querier\nfrontend_worker:\n  bogus: 1\n")) ==
        "frontend_worker: unknown field \"bogus\"");
  CHECK(error_of(with_ring("target: querier\nfrontend:\n  max_outstanding_per_tenant: 5\nquery_scheduler:\n"
                           "  max_outstanding_requests_per_tenant: 6\n"))
            .find("query_scheduler.max_outstanding_requests_per_tenant: differs") == 0);
  CHECK(error_of(with_ring("target: ingester\nserver:\n  http_tls_config:\n    cert_file: a\n    key_file: b\n"))
            .find("server.grpc_listen_port: with server.http_tls_config") == 0);
  // One config file serves every role: the ruler section is read by the processes that run a ruler.
  CHECK(parse_config(std::string(kRing) + "target: read\nruler:\n  enable_api: true\n").ok());
  // A ruler queries the ingesters: it needs the ring.
  CHECK(error_of("target: ruler\n").find("target ruler needs the ingester ring") == 0);
  CHECK(parse_config("ruler:\n  enable_api: true\n").ok());
  auto c = parse_config(std::string(kRing) + "  instance_addr: 0.0.0.0\ntarget: querier\n");
  REQUIRE(c.ok());
  auto r = logd::resolve_ring(*c, logd::RingKind::kIngester, 9000, "h");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("set common.ring.instance_addr") != std::string::npos);
}

TEST_CASE("cluster flags: -target and -ingester.lifecycler.* override the file") {
  auto cl = logd::parse_command_line({"-target=ingester", "-ingester.lifecycler.ID=ing-9", "-ingester.num-tokens=16",
                                      "-ingester.final-sleep=1s", "-ring.heartbeat-timeout=7s",
                                      "-distributor.replication-factor=2", "-server.grpc-listen-port=9200",
                                      "-querier.frontend-address=127.0.0.1:9300"});
  REQUIRE_FALSE(cl.ok());  // no ring configured
  CHECK(cl.error().find("needs the ingester ring") != std::string::npos);
  std::string path = "/tmp/logd_cluster_flags_" + std::to_string(::getpid()) + ".yaml";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(kRing, f);
    std::fclose(f);
  }
  cl = logd::parse_command_line({"-config.file=" + path, "-target=ingester", "-ingester.lifecycler.ID=ing-9",
                                 "-ingester.num-tokens=16", "-ingester.final-sleep=1s", "-ring.heartbeat-timeout=7s",
                                 "-distributor.replication-factor=2", "-server.grpc-listen-port=9200"});
  std::remove(path.c_str());
  REQUIRE_MESSAGE(cl.ok(), cl.error());
  auto r = logd::resolve_ring(cl->config, logd::RingKind::kIngester, 9200, "h");
  REQUIRE(r.ok());
  CHECK(r->member.instance_id == "ing-9");
  CHECK(r->member.num_tokens == 16);
  CHECK(r->member.final_sleep_ns == model::kNanosPerSecond);
  CHECK(r->view.heartbeat_timeout_ns == 7 * model::kNanosPerSecond);
  CHECK(r->view.replication_factor == 2);
  CHECK(r->member.instance_addr == "127.0.0.1:9200");
}

TEST_CASE("cluster config: print_config round-trips the cluster keys") {
  auto c = parse_config(with_ring("target: write\ningester:\n  lifecycler:\n    id: a\n"));
  REQUIRE_MESSAGE(c.ok(), c.error());
  std::string yaml = logd::print_config(*c);
  CHECK(yaml.find("store: etcd") != std::string::npos);
  CHECK(yaml.find("id: a") != std::string::npos);
  auto again = parse_config(yaml);
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(logd::print_config(*again) == yaml);
  auto r1 = logd::resolve_ring(*c, logd::RingKind::kIngester, 1, "h");
  auto r2 = logd::resolve_ring(*again, logd::RingKind::kIngester, 1, "h");
  REQUIRE((r1.ok() && r2.ok()));
  CHECK(r1->member.heartbeat_period_ns == r2->member.heartbeat_period_ns);
  CHECK(r1->view.heartbeat_timeout_ns == r2->view.heartbeat_timeout_ns);
}

TEST_CASE("cluster config: common.compactor_address, as Loki spells it, in the file and as a flag") {
  // kRing opens `common:` already: a second block is refused, as Go's YAML decoder refuses it.
  auto twice = parse_config(with_ring("common:\n  compactor_address: http://127.0.0.1:3100\n"));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().find("mapping key \"common\" already defined at line 2") != std::string::npos);
  std::string yaml = kRing;
  yaml.insert(yaml.find("  replication_factor"), "  compactor_address: http://127.0.0.1:3100\n");
  auto c = parse_config(yaml + "target: querier\n");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->common.compactor_address == "http://127.0.0.1:3100");
  std::string printed = logd::print_config(*c);
  CHECK(printed.find("compactor_address: http://127.0.0.1:3100") != std::string::npos);

  auto bad = parse_config("common:\n  compactor_address: 127.0.0.1:3100\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("common.compactor_address: must be an http:// or https:// URL") != std::string::npos);

  auto cl = logd::parse_command_line({"-common.compactor-address=https://compactor:3100"});
  REQUIRE_MESSAGE(cl.ok(), cl.error());
  CHECK(cl->config.common.compactor_address == "https://compactor:3100");
}
