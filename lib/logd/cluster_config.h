// The configuration of logd as a cluster member, with Loki's key names and defaults:
//   common.ring, common.replication_factor, common.instance_addr
//   ingester.lifecycler (and its ring), distributor.ring
//   querier.query_ingesters_within, limits_config.split_queries_by_interval, max_query_parallelism,
//   ingestion_rate_strategy
//   frontend, frontend_worker, query_scheduler.max_outstanding_requests_per_tenant,
//   ingester_client.remote_timeout, query_range.max_retries, storage_config.filesystem.directory
// and how the effective ring of each role is resolved from them (Loki's common-config rules).
// Parsing lives in cluster_config.cpp and is called by config.cpp for each of these sections;
// keys Loki has but logd does not implement are errors naming the key. Durations are int64 ns.
//
// Thread-safe: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kv/kv_config.h"
#include "model/time.h"
#include "ring/lifecycler.h"
#include "ring/ring.h"
#include "util/result.h"

namespace config {
class FieldReader;
}
namespace YAML {
class Node;
}

namespace logd {

struct Config;

// Loki's ring block (common.ring, ingester.lifecycler.ring, distributor.ring).
struct RingBlock {
  bool kvstore_set = false;  // a kvstore block was given: this ring is configured
  kv::KvStoreConfig kvstore;
  int64_t heartbeat_period = 15 * model::kNanosPerSecond;
  int64_t heartbeat_timeout = model::kNanosPerMinute;
  std::string instance_id;
  std::string instance_addr;
  int64_t instance_port = 0;
  std::string instance_availability_zone;
  bool zone_awareness_enabled = false;
  int64_t replication_factor = 0;  // ingester.lifecycler.ring only (0: common.replication_factor)
};

// ingester.lifecycler
struct LifecyclerBlock {
  std::string id;       // ID to register in the ring (default: common.ring.instance_id, else <host>-<port>)
  std::string address;  // address to advertise (default: common.ring.instance_addr, ...)
  int64_t port = 0;     // port to advertise (default: common.ring.instance_port, the internal port)
  int64_t num_tokens = 128;
  int64_t heartbeat_period = 5 * model::kNanosPerSecond;
  int64_t final_sleep = 0;
  std::string tokens_file_path;
  bool unregister_on_shutdown = true;
  std::string availability_zone;
  int64_t min_ready_duration = 15 * model::kNanosPerSecond;  // ACTIVE this long before /ready says so
  RingBlock ring;
};

struct ClusterConfig {
  RingBlock common_ring;          // common.ring
  int64_t replication_factor = 3; // common.replication_factor
  std::string common_instance_addr;  // common.instance_addr
  LifecyclerBlock lifecycler;     // ingester.lifecycler
  RingBlock distributor_ring;     // distributor.ring
  bool global_rate_strategy = false;  // limits_config.ingestion_rate_strategy: global
  int64_t query_ingesters_within = 3 * model::kNanosPerHour;     // querier.query_ingesters_within
  int64_t split_queries_by_interval = model::kNanosPerHour;      // limits_config.split_queries_by_interval
  int64_t max_query_parallelism = 32;                            // limits_config.max_query_parallelism
  int64_t max_outstanding_per_tenant = 2048;  // frontend.max_outstanding_per_tenant
  std::string frontend_address;               // frontend_worker.frontend_address (host:port)
  int64_t worker_parallelism = 10;            // frontend_worker.parallelism
  bool worker_match_max_concurrent = true;    // frontend_worker.match_max_concurrent
  int64_t remote_timeout = 5 * model::kNanosPerSecond;  // ingester_client.remote_timeout
  int64_t max_retries = 5;                    // query_range.max_retries
  // storage_config.filesystem.directory: a store directory several processes share (ingesters
  // flush into it, queriers and the compactor read it); "": <path_prefix>/store. Until the object
  // store is logd's store, this is how the roles of one host share their data.

  // Whether keys that fall back to common.ring were given in a role's own block (Loki applies
  // common.ring to every ring whose own value was not set).
  bool common_ring_heartbeat_period_set = false;
  bool lifecycler_heartbeat_period_set = false;
  bool lifecycler_ring_heartbeat_timeout_set = false;
  bool distributor_heartbeat_period_set = false;
  bool distributor_heartbeat_timeout_set = false;
};

// Readers of the cluster keys inside sections config.cpp parses (each claims its keys).
void read_common_cluster_keys(config::FieldReader& common, ClusterConfig& c);
void read_ingester_cluster_keys(config::FieldReader& ingester, ClusterConfig& c);
void read_querier_cluster_keys(config::FieldReader& querier, ClusterConfig& c);
void read_distributor_cluster_keys(config::FieldReader& distributor, ClusterConfig& c);
void read_limits_cluster_keys(config::FieldReader& limits, ClusterConfig& c);
void read_query_range_cluster_keys(config::FieldReader& query_range, ClusterConfig& c);
// The top-level blocks only a cluster has: distributor, frontend, frontend_worker,
// query_scheduler, ingester_client, and storage_config's filesystem directory.
void read_cluster_sections(config::FieldReader& root, ClusterConfig& c, std::vector<std::string>& notes);
// The keys above for -print-config.
void print_cluster_config(const Config& config, YAML::Node& out);

// The ring of a role, resolved: the role's own ring block if it has a kvstore, else common.ring,
// with the instance settings falling back as Loki's do.
struct ResolvedRing {
  kv::KvStoreConfig kvstore;
  std::string kv_key_path;  // "common.ring.kvstore" or the role's own, for messages
  ring::RingConfig view;    // prefix, replication factor, heartbeat timeout, zones
  ring::LifecyclerConfig member;  // id, address, tokens, periods (addr filled by the caller when the port is known)
};
enum class RingKind { kIngester, kDistributor };
// Errors name the keys: no kvstore anywhere, an unusable advertised address.
// `internal_port` is the port the process's internal API listens on (grpc_listen_port or, when
// that is 0, the bound HTTP port); `host` is the machine's name, for the default instance id.
util::Result<ResolvedRing> resolve_ring(const Config& config, RingKind kind, int64_t internal_port,
                                        const std::string& host);

// Whether any ring is configured (common.ring or a role's own kvstore).
bool ring_configured(const ClusterConfig& c);

// Cross-field checks of the cluster keys (positive periods, replication factor, the target's
// needs); called by check_config.
util::Status check_cluster_config(const Config& config);
// What target all refuses (a ring in etcd, an internal port): checked when the process starts,
// since a flag may still change the target of a file that has them.
util::Status check_single_process(const Config& config);

}  // namespace logd
