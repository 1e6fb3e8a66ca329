#include "logd/cluster_config.h"

#include <yaml-cpp/yaml.h>

#include "logd/config.h"
#include "logd/target.h"
#include "config/field_reader.h"
#include "config/yaml_print.h"

namespace logd {
namespace {

using config::FieldReader;
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

bool present(const YAML::Node& node, const char* key) {
  if (!node.IsMap()) return false;
  YAML::Node v = node[key];
  return v.IsDefined() && !v.IsNull();
}

void read_etcd(const YAML::Node& node, const std::string& path, kv::EtcdConfig& e, FieldReader& parent) {
  FieldReader r(node, path);
  r.read_string_list("endpoints", e.endpoints);
  r.read_duration("dial_timeout", e.dial_timeout_ns);
  int64_t retries = e.max_retries;
  r.read_int("max_retries", retries, 0, 1000);
  e.max_retries = static_cast<int>(retries);
  r.read_string("username", e.username);
  r.read_string("password", e.password);
  r.read_bool("tls_enabled", e.tls_enabled);
  r.read_string("tls_cert_path", e.tls_cert_path);
  r.read_string("tls_key_path", e.tls_key_path);
  r.read_string("tls_ca_path", e.tls_ca_path);
  r.read_string("tls_server_name", e.tls_server_name);
  r.read_bool("tls_insecure_skip_verify", e.tls_insecure_skip_verify);
  r.reject("tls_cipher_suites", "logd uses OpenSSL's default cipher suites", true);
  r.reject("tls_min_version", "logd uses libcurl's default minimum", true);
  if (auto st = r.finish(); !st.ok()) parent.fail(st.error());
}

void read_kvstore(const YAML::Node& node, const std::string& path, kv::KvStoreConfig& kvs, FieldReader& parent) {
  FieldReader r(node, path);
  r.read_string("store", kvs.store);
  r.read_string("prefix", kvs.prefix);
  read_etcd(r.child("etcd"), r.path_of("etcd"), kvs.etcd, r);
  const char* why = "logd keeps its rings in etcd only (store: etcd)";
  for (const char* other : {"consul", "multi", "memberlist", "inmemory"}) r.reject(other, why, true);
  if (auto st = r.finish(); !st.ok()) parent.fail(st.error());
}

enum class RingSection { kCommon, kLifecycler, kDistributor };

void read_ring(const YAML::Node& node, const std::string& path, RingSection section, RingBlock& ring,
               FieldReader& parent) {
  FieldReader r(node, path);
  if (YAML::Node kvs = r.child("kvstore"); kvs.IsDefined() && !kvs.IsNull()) {
    ring.kvstore_set = true;
    read_kvstore(kvs, r.path_of("kvstore"), ring.kvstore, r);
  }
  r.read_duration("heartbeat_timeout", ring.heartbeat_timeout);
  r.read_bool("zone_awareness_enabled", ring.zone_awareness_enabled);
  if (section == RingSection::kLifecycler) {
    r.read_int("replication_factor", ring.replication_factor, 1, 1000);
    r.reject("excluded_zones", "", false);
  } else {
    r.read_duration("heartbeat_period", ring.heartbeat_period);
    r.read_string("instance_id", ring.instance_id);
    r.read_string("instance_addr", ring.instance_addr);
    r.read_int("instance_port", ring.instance_port, 0, 65535);
    r.reject("instance_interface_names", "set instance_addr", true);
    r.reject_unless("instance_enable_ipv6", "false", "", false);
    if (section == RingSection::kCommon) r.read_string("instance_availability_zone", ring.instance_availability_zone);
  }
  if (auto st = r.finish(); !st.ok()) parent.fail(st.error());
}

std::string duration(int64_t ns) { return config::print_duration(ns); }

void print_ring(const RingBlock& ring, RingSection section, YAML::Node& out) {
  if (ring.kvstore_set) {
    YAML::Node kvs;
    kvs["store"] = ring.kvstore.store;
    kvs["prefix"] = ring.kvstore.prefix;
    const kv::EtcdConfig& e = ring.kvstore.etcd;
    for (const auto& ep : e.endpoints) kvs["etcd"]["endpoints"].push_back(ep);
    kvs["etcd"]["dial_timeout"] = duration(e.dial_timeout_ns);
    kvs["etcd"]["max_retries"] = e.max_retries;
    kvs["etcd"]["username"] = e.username;
    kvs["etcd"]["password"] = e.password.empty() ? "" : "<secret>";
    kvs["etcd"]["tls_enabled"] = e.tls_enabled;
    if (!e.tls_cert_path.empty()) kvs["etcd"]["tls_cert_path"] = e.tls_cert_path;
    if (!e.tls_key_path.empty()) kvs["etcd"]["tls_key_path"] = e.tls_key_path;
    if (!e.tls_ca_path.empty()) kvs["etcd"]["tls_ca_path"] = e.tls_ca_path;
    if (!e.tls_server_name.empty()) kvs["etcd"]["tls_server_name"] = e.tls_server_name;
    kvs["etcd"]["tls_insecure_skip_verify"] = e.tls_insecure_skip_verify;
    out["kvstore"] = kvs;
  }
  out["heartbeat_timeout"] = duration(ring.heartbeat_timeout);
  out["zone_awareness_enabled"] = ring.zone_awareness_enabled;
  if (section == RingSection::kLifecycler) {
    if (ring.replication_factor > 0) out["replication_factor"] = ring.replication_factor;
    return;
  }
  out["heartbeat_period"] = duration(ring.heartbeat_period);
  out["instance_id"] = ring.instance_id;
  out["instance_addr"] = ring.instance_addr;
  out["instance_port"] = ring.instance_port;
  if (section == RingSection::kCommon) out["instance_availability_zone"] = ring.instance_availability_zone;
}

}  // namespace

void read_common_cluster_keys(FieldReader& r, ClusterConfig& c) {
  YAML::Node ring = r.child("ring");
  c.common_ring_heartbeat_period_set = present(ring, "heartbeat_period");
  read_ring(ring, r.path_of("ring"), RingSection::kCommon, c.common_ring, r);
  r.read_int("replication_factor", c.replication_factor, 1, 1000);
  r.read_string("instance_addr", c.common_instance_addr);
  r.reject("instance_interface_names", "set common.instance_addr", true);
}

void read_ingester_cluster_keys(FieldReader& in, ClusterConfig& c) {
  YAML::Node node = in.child("lifecycler");
  FieldReader r(node, in.path_of("lifecycler"));
  LifecyclerBlock& l = c.lifecycler;
  r.read_string("id", l.id);
  r.read_string("address", l.address);
  r.read_int("port", l.port, 0, 65535);
  r.read_int("num_tokens", l.num_tokens, 1, 1 << 20);
  c.lifecycler_heartbeat_period_set = present(node, "heartbeat_period");
  r.read_duration("heartbeat_period", l.heartbeat_period);
  r.read_duration("final_sleep", l.final_sleep);
  r.read_string("tokens_file_path", l.tokens_file_path);
  r.read_bool("unregister_on_shutdown", l.unregister_on_shutdown);
  r.read_string("availability_zone", l.availability_zone);
  r.read_duration("min_ready_duration", l.min_ready_duration);
  YAML::Node ring = r.child("ring");
  c.lifecycler_ring_heartbeat_timeout_set = present(ring, "heartbeat_timeout");
  read_ring(ring, r.path_of("ring"), RingSection::kLifecycler, l.ring, r);
  // Loki's defaults are what logd does; other values are not implemented.
  int64_t join_after = 0, observe_period = 0;
  r.read_duration("join_after", join_after);
  if (join_after != 0) r.fail(r.path_of("join_after") + ": not supported: an ingester joins once its WAL is replayed (use 0s)");
  r.read_duration("observe_period", observe_period);
  if (observe_period != 0) r.fail(r.path_of("observe_period") + ": not supported: logd does not observe token conflicts (use 0s)");
  r.reject("interface_names", "set address", true);
  r.reject_unless("enable_inet6", "false", "", false);
  r.reject_unless("readiness_check_ring_health", "true", "", false);
  if (auto st = r.finish(); !st.ok()) in.fail(st.error());
}

void read_querier_cluster_keys(FieldReader& r, ClusterConfig& c) {
  r.read_duration("query_ingesters_within", c.query_ingesters_within);
}

void read_limits_cluster_keys(FieldReader& r, ClusterConfig& c) {
  std::string strategy = "local";
  r.read_string("ingestion_rate_strategy", strategy);
  if (strategy != "local" && strategy != "global") {
    r.fail("limits_config.ingestion_rate_strategy: must be \"local\" or \"global\"");
  }
  c.global_rate_strategy = strategy == "global";
  r.read_duration("split_queries_by_interval", c.split_queries_by_interval);
  r.read_int("max_query_parallelism", c.max_query_parallelism, 1, 1 << 20);
}

void read_query_range_cluster_keys(FieldReader& r, ClusterConfig& c) {
  r.read_int("max_retries", c.max_retries, 0, 1000);
  r.reject("split_queries_by_interval", "use limits_config.split_queries_by_interval", true);
}

void read_distributor_cluster_keys(FieldReader& r, ClusterConfig& c) {
  YAML::Node ring = r.child("ring");
  c.distributor_heartbeat_period_set = present(ring, "heartbeat_period");
  c.distributor_heartbeat_timeout_set = present(ring, "heartbeat_timeout");
  read_ring(ring, "distributor.ring", RingSection::kDistributor, c.distributor_ring, r);
}

void read_cluster_sections(FieldReader& root, ClusterConfig& c, std::vector<std::string>& notes) {
  bool outstanding_set = false;
  {
    YAML::Node node = root.child("frontend");
    FieldReader r(node, "frontend");
    outstanding_set = present(node, "max_outstanding_per_tenant");
    r.read_int("max_outstanding_per_tenant", c.max_outstanding_per_tenant, 1, kMaxInt);
    // Loki's example sets the encoding between frontend and queriers; logd's pair has its own.
    if (node.IsMap() && node["encoding"].IsDefined()) {
      std::string encoding;
      r.read_string("encoding", encoding);
      notes.push_back("frontend.encoding: logd's query-frontend and queriers exchange their own protobuf messages");
    }
    r.reject("tail_proxy_url", "logd's query-frontend serves tails itself from the ingesters", true);
    r.reject("scheduler_address", "logd's query-frontend queues requests itself", true);
    r.reject("downstream_url", "queriers take work from the frontend (frontend_worker.frontend_address)", true);
    r.reject_unless("compress_responses", "false", "");
    r.reject_unless("log_queries_longer_than", "0s", "");
    r.reject("grpc_client_config", "logd's roles talk HTTP with protobuf bodies", true);
    if (auto st = r.finish(); !st.ok()) root.fail(st.error());
  }
  {
    FieldReader r(root.child("query_scheduler"), "query_scheduler");
    int64_t outstanding = c.max_outstanding_per_tenant;
    if (present(root.child("query_scheduler"), "max_outstanding_requests_per_tenant")) {
      r.read_int("max_outstanding_requests_per_tenant", outstanding, 1, kMaxInt);
      if (outstanding_set && outstanding != c.max_outstanding_per_tenant) {
        r.fail("query_scheduler.max_outstanding_requests_per_tenant: differs from frontend.max_outstanding_per_tenant "
               "(logd's query-frontend has the scheduler's queue built in: set one)");
      }
      c.max_outstanding_per_tenant = outstanding;
    }
    if (auto st = r.finish(); !st.ok()) root.fail(st.error());
  }
  {
    FieldReader r(root.child("frontend_worker"), "frontend_worker");
    r.read_string("frontend_address", c.frontend_address);
    r.read_int("parallelism", c.worker_parallelism, 1, 1024);
    r.read_bool("match_max_concurrent", c.worker_match_max_concurrent);
    r.reject("scheduler_address", "queriers take work from the frontend itself", true);
    r.reject("grpc_client_config", "logd's roles talk HTTP with protobuf bodies", true);
    r.reject_unless("dns_lookup_duration", "10s", "", false);
    if (auto st = r.finish(); !st.ok()) root.fail(st.error());
  }
  {
    FieldReader r(root.child("ingester_client"), "ingester_client");
    r.read_duration("remote_timeout", c.remote_timeout);
    r.reject("pool_config", "", false);
    r.reject("grpc_client_config", "logd's roles talk HTTP with protobuf bodies", true);
    if (auto st = r.finish(); !st.ok()) root.fail(st.error());
  }
}

void print_cluster_config(const Config& config, YAML::Node& n) {
  const ClusterConfig& c = config.cluster;
  YAML::Node ring;
  print_ring(c.common_ring, RingSection::kCommon, ring);
  n["common"]["ring"] = ring;
  n["common"]["replication_factor"] = c.replication_factor;
  n["common"]["instance_addr"] = c.common_instance_addr;
  YAML::Node l;
  l["id"] = c.lifecycler.id;
  l["address"] = c.lifecycler.address;
  l["port"] = c.lifecycler.port;
  l["num_tokens"] = c.lifecycler.num_tokens;
  // Effective values, so that the printed file means what the running one did.
  l["heartbeat_period"] = duration(c.lifecycler_heartbeat_period_set || !c.common_ring_heartbeat_period_set
                                       ? c.lifecycler.heartbeat_period
                                       : c.common_ring.heartbeat_period);
  l["final_sleep"] = duration(c.lifecycler.final_sleep);
  l["tokens_file_path"] = c.lifecycler.tokens_file_path;
  l["unregister_on_shutdown"] = c.lifecycler.unregister_on_shutdown;
  l["availability_zone"] = c.lifecycler.availability_zone;
  l["min_ready_duration"] = duration(c.lifecycler.min_ready_duration);
  YAML::Node lring;
  RingBlock effective = c.lifecycler.ring;
  if (!c.lifecycler_ring_heartbeat_timeout_set && !effective.kvstore_set) {
    effective.heartbeat_timeout = c.common_ring.heartbeat_timeout;
  }
  print_ring(effective, RingSection::kLifecycler, lring);
  l["ring"] = lring;
  n["ingester"]["lifecycler"] = l;
  YAML::Node dring;
  effective = c.distributor_ring;
  if (!effective.kvstore_set) {
    if (!c.distributor_heartbeat_timeout_set) effective.heartbeat_timeout = c.common_ring.heartbeat_timeout;
    if (!c.distributor_heartbeat_period_set) effective.heartbeat_period = c.common_ring.heartbeat_period;
  }
  print_ring(effective, RingSection::kDistributor, dring);
  n["distributor"]["ring"] = dring;
  n["querier"]["query_ingesters_within"] = duration(c.query_ingesters_within);
  n["limits_config"]["ingestion_rate_strategy"] = c.global_rate_strategy ? "global" : "local";
  n["limits_config"]["split_queries_by_interval"] = duration(c.split_queries_by_interval);
  n["limits_config"]["max_query_parallelism"] = c.max_query_parallelism;
  n["frontend"]["max_outstanding_per_tenant"] = c.max_outstanding_per_tenant;
  n["frontend_worker"]["frontend_address"] = c.frontend_address;
  n["frontend_worker"]["parallelism"] = c.worker_parallelism;
  n["frontend_worker"]["match_max_concurrent"] = c.worker_match_max_concurrent;
  n["ingester_client"]["remote_timeout"] = duration(c.remote_timeout);
  n["query_range"]["max_retries"] = c.max_retries;
}

bool ring_configured(const ClusterConfig& c) {
  return c.common_ring.kvstore_set || c.lifecycler.ring.kvstore_set || c.distributor_ring.kvstore_set;
}

util::Result<ResolvedRing> resolve_ring(const Config& config, RingKind kind, int64_t internal_port,
                                        const std::string& host) {
  const ClusterConfig& c = config.cluster;
  const bool ingester = kind == RingKind::kIngester;
  const RingBlock& own = ingester ? c.lifecycler.ring : c.distributor_ring;
  const RingBlock& common = c.common_ring;
  const std::string own_path = ingester ? "ingester.lifecycler.ring" : "distributor.ring";
  ResolvedRing r;
  if (own.kvstore_set) {
    r.kvstore = own.kvstore;
    r.kv_key_path = own_path + ".kvstore";
  } else if (common.kvstore_set) {
    r.kvstore = common.kvstore;
    r.kv_key_path = "common.ring.kvstore";
  } else {
    return util::invalid_argument(std::string(ingester ? "the ingester ring" : "the distributor ring") +
                                  " is not configured: set common.ring.kvstore (store: etcd, etcd.endpoints)");
  }
  if (auto st = kv::validate_kv_config(r.kvstore, r.kv_key_path); !st.ok()) return st.status_error();

  ring::RingConfig& v = r.view;
  v.prefix = r.kvstore.prefix + (ingester ? "ingester" : "distributor");
  v.replication_factor = ingester ? static_cast<int>(own.replication_factor > 0 ? own.replication_factor
                                                                                : c.replication_factor)
                                  : 1;
  const bool own_timeout = ingester ? c.lifecycler_ring_heartbeat_timeout_set : c.distributor_heartbeat_timeout_set;
  v.heartbeat_timeout_ns = own_timeout || own.kvstore_set ? own.heartbeat_timeout : common.heartbeat_timeout;
  v.zone_awareness_enabled = own.kvstore_set ? own.zone_awareness_enabled : common.zone_awareness_enabled;

  ring::LifecyclerConfig& m = r.member;
  m.prefix = v.prefix;
  auto first = [](std::initializer_list<const std::string*> values) {
    for (const auto* s : values)
      if (!s->empty()) return *s;
    return std::string();
  };
  const std::string none;
  m.instance_id = first({ingester ? &c.lifecycler.id : &none, &own.instance_id, &common.instance_id});
  std::string addr = first({ingester ? &c.lifecycler.address : &none, &own.instance_addr, &common.instance_addr,
                            &c.common_instance_addr, &config.server.http_listen_address});
  if (addr.empty() || addr == "0.0.0.0" || addr == "::" || addr == "[::]") {
    return util::invalid_argument("the address to advertise in the ring is " +
                                  std::string(addr.empty() ? "empty" : addr) +
                                  ": set common.ring.instance_addr (or ingester.lifecycler.address)");
  }
  int64_t port = ingester && c.lifecycler.port ? c.lifecycler.port
                 : own.instance_port          ? own.instance_port
                 : common.instance_port       ? common.instance_port
                                              : internal_port;
  if (addr.find(':') != std::string::npos && addr.front() != '[') addr = "[" + addr + "]";
  m.instance_addr = addr + ":" + std::to_string(port);
  if (m.instance_id.empty()) m.instance_id = host + "-" + std::to_string(port);
  m.zone = first({ingester ? &c.lifecycler.availability_zone : &none, &common.instance_availability_zone});
  m.num_tokens = ingester ? static_cast<int>(c.lifecycler.num_tokens) : 1;
  if (ingester) {
    m.heartbeat_period_ns = c.lifecycler_heartbeat_period_set || !c.common_ring_heartbeat_period_set
                                ? c.lifecycler.heartbeat_period
                                : common.heartbeat_period;
  } else {
    m.heartbeat_period_ns = c.distributor_heartbeat_period_set || own.kvstore_set ? own.heartbeat_period
                                                                                  : common.heartbeat_period;
  }
  m.heartbeat_timeout_ns = v.heartbeat_timeout_ns;
  m.final_sleep_ns = ingester ? c.lifecycler.final_sleep : 0;
  m.tokens_file_path = ingester ? c.lifecycler.tokens_file_path : "";
  m.unregister_on_shutdown = ingester ? c.lifecycler.unregister_on_shutdown : true;
  if (auto st = ring::Ring::validate(v); !st.ok()) return st.status_error();
  return r;
}

util::Status check_single_process(const Config& config) {
  const ClusterConfig& c = config.cluster;
  const RingBlock* rings[] = {&c.common_ring, &c.lifecycler.ring, &c.distributor_ring};
  const char* paths[] = {"common.ring.kvstore", "ingester.lifecycler.ring.kvstore", "distributor.ring.kvstore"};
  // Loki's single-binary configs name an in-process ring; that is what `all` is.
  for (size_t i = 0; i < 3; ++i) {
    if (rings[i]->kvstore_set && rings[i]->kvstore.store != "inmemory") {
      return util::invalid_argument(std::string(paths[i]) +
                                    ": target all is one process over its own data and uses no ring (remove the "
                                    "kvstore or set store: inmemory); a cluster runs the roles as separate targets "
                                    "(write, read, backend, or distributor, ingester, querier, query-frontend, "
                                    "compactor)");
    }
  }
  return {};
}

util::Status check_cluster_config(const Config& config) {
  const ClusterConfig& c = config.cluster;
  auto targets = parse_target(config.target);
  if (!targets.ok()) return targets.status_error();
  const RingBlock* rings[] = {&c.common_ring, &c.lifecycler.ring, &c.distributor_ring};
  const char* paths[] = {"common.ring.kvstore", "ingester.lifecycler.ring.kvstore", "distributor.ring.kvstore"};
  if (targets->all) return {};  // check_single_process() runs at start, after every flag
  for (size_t i = 0; i < 3; ++i) {
    if (rings[i]->kvstore_set) {
      if (auto st = kv::validate_kv_config(rings[i]->kvstore, paths[i]); !st.ok()) return st;
    }
  }
  if (targets->distributor || targets->ingester || targets->querier || targets->query_frontend || targets->ruler) {
    if (!c.common_ring.kvstore_set && !c.lifecycler.ring.kvstore_set) {
      return util::invalid_argument("target " + config.target +
                                    " needs the ingester ring: set common.ring.kvstore (store: etcd, etcd.endpoints)");
    }
  }
  if (!config.server.http_tls_config.cert_file.empty() && config.server.grpc_listen_port == 0) {
    return util::invalid_argument(
        "server.grpc_listen_port: with server.http_tls_config the roles' internal API needs a port of its own (it "
        "speaks plain HTTP)");
  }
  if (c.query_ingesters_within < 0) return util::invalid_argument("querier.query_ingesters_within: must not be negative");
  if (c.split_queries_by_interval < 0) {
    return util::invalid_argument("limits_config.split_queries_by_interval: must not be negative");
  }
  if (c.remote_timeout <= 0) return util::invalid_argument("ingester_client.remote_timeout: must be positive");
  if (c.lifecycler.final_sleep < 0) return util::invalid_argument("ingester.lifecycler.final_sleep: must not be negative");
  if (c.lifecycler.min_ready_duration < 0) {
    return util::invalid_argument("ingester.lifecycler.min_ready_duration: must not be negative");
  }
  return {};
}

}  // namespace logd
