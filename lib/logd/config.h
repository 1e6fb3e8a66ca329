// logd's configuration: Loki's YAML schema (the subset logd implements) as plain structs, with
// Loki's key names and defaults, parsed strictly. Every key is either understood, or an error
// naming its path: unknown keys ("ingester.chunk_taget_size: unknown field") and known Loki keys
// logd does not implement ("schema_config: not supported: ..."). Durations are int64 ns.
//
// Defaults are logd's embedded single-process setup: 127.0.0.1:3100, data under ./data, no
// authentication (tenant "fake"). See docs/logd.md for the list of keys, docs/scaling.md for the
// cluster's.
//
// Thread-safe: parsing is a pure function; a Config is a value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

#include "http/tls_options.h"
#include "logd/cluster_config.h"
#include "logd/ruler_config.h"
#include "logd/storage_config.h"
#include "model/time.h"
#include "otlp/otlp_config.h"
#include "pattern/pattern_store.h"
#include "push/validate.h"
#include "util/result.h"

namespace logd {

struct ServerConfig {
  std::string http_listen_address = "127.0.0.1";  // Loki listens on all interfaces; we embed safely
  int64_t http_listen_port = 3100;
  // The roles' internal API (protobuf over HTTP/1.1, not gRPC) listens here; 0: on the HTTP port.
  int64_t grpc_listen_port = 0;
  int64_t http_server_read_timeout = 30 * model::kNanosPerSecond;
  int64_t http_server_write_timeout = 30 * model::kNanosPerSecond;
  int64_t http_server_idle_timeout = 120 * model::kNanosPerSecond;
  int64_t graceful_shutdown_timeout = 30 * model::kNanosPerSecond;
  // Open HTTP connections (Loki's key, flag -server.http-conn-limit). Loki's 0 means no limit;
  // logd's 0 means "derived from the descriptor limit" (http::effective_max_connections), so
  // that connections can never take the descriptors the WAL and the store need.
  int64_t http_listen_conn_limit = 0;
  int64_t http_server_threads = 2;  // logd's own key: request-handling threads
  // logd's own key: the largest query string plus form body the read endpoints accept (the
  // query text itself is parsed in linear time; this bounds the work and the memory one request
  // can ask for). GET requests are also bounded by the 64 KiB header limit. 0: unlimited.
  int64_t http_max_query_bytes = 64 << 10;
  std::string log_level = "info";   // debug, info, warn, error
  // server.http_tls_config (dskit's names): with cert_file and key_file the port speaks HTTPS only.
  struct HttpTlsConfig {
    std::string cert_file, key_file;
    std::string client_auth_type;  // Go's tls.ClientAuthType name; "" is NoClientCert
    std::string client_ca_file;
  } http_tls_config;
  std::string tls_min_version;  // "" or VersionTLS10 .. VersionTLS13
};

struct CommonConfig {
  std::string path_prefix = "./data";
  // http(s)://host:port of the compactor, for roles that run apart from it: they forward the
  // delete API there and fetch the delete requests that hide lines from their queries.
  std::string compactor_address;
};

struct WalConfig {
  bool enabled = true;
  std::string dir;  // empty: <path_prefix>/wal
  int64_t checkpoint_duration = 5 * model::kNanosPerMinute;
};

struct IngesterConfig {
  int64_t chunk_target_size = 1572864;  // bytes
  int64_t chunk_block_size = 262144;    // bytes
  int64_t max_chunk_age = 2 * model::kNanosPerHour;
  int64_t chunk_idle_period = 30 * model::kNanosPerMinute;
  int64_t flush_check_period = 30 * model::kNanosPerSecond;
  std::string chunk_encoding = "zstd";  // the only encoding logd writes
  // logd's own hard ceiling on log data in memory (Loki has none), bytes; 0: none. Past it the
  // oldest streams are flushed early, then pushes are answered 429 (ingest::IngesterOptions).
  int64_t memory_ceiling = 0;
  // logd's own: how long the flush on SIGTERM may take before logd exits anyway, leaving what was
  // not flushed in the WAL (replayed at the next start); 0: no bound. A store that hangs every
  // request would otherwise hold the exit for per-request timeouts times retries, per chunk batch.
  int64_t shutdown_flush_timeout = model::kNanosPerMinute;
  WalConfig wal;
};

struct LimitsConfig {
  double ingestion_rate_mb = 4;        // MiB/s per tenant
  double ingestion_burst_size_mb = 6;  // MiB
  push::Limits push;                   // line size, label limits, sample age, structured metadata
  int64_t max_streams_per_user = 0;    // 0: no local limit
  int64_t max_global_streams_per_user = 5000;  // one process: the same as a local limit
  int64_t max_entries_limit_per_query = 5000;
  int64_t max_concurrent_tail_requests = 10;  // open tails per tenant; 0 = unlimited
  int64_t max_query_series = 500;
  int64_t query_timeout = model::kNanosPerMinute;
  int64_t max_query_length = 721 * model::kNanosPerHour;  // 30d1h; 0 = unlimited
  // logd's own limits (Loki has none of these; docs/security.md). 0 = unlimited.
  int64_t max_query_result_bytes = 256LL << 20;  // lines, labels and points a query result holds
  int64_t max_template_output_bytes = 1 << 20;   // one line_format / label_format execution
  int64_t max_template_steps = 100'000;          // actions and range iterations of one execution
  // Retention, applied by the compactor when compactor.retention_enabled (as in Loki).
  int64_t retention_period = 0;  // 0: keep forever; else at least 24h
  struct RetentionStream {
    std::string selector;  // a LogQL stream selector
    int64_t priority = 0;
    int64_t period = 0;  // at least 24h
  };
  std::vector<RetentionStream> retention_stream;
  // OTLP ingest: which attributes become labels, structured metadata or nothing. Its
  // default_index_labels come from distributor.otlp_config.
  otlp::OtlpConfig otlp_config;
  // The delete API: "filter-and-delete" (Loki's default: hidden at query time, then removed from
  // the chunks by the compactor), "filter-only" (hidden only), "disabled" (the API answers 403).
  std::string deletion_mode = "filter-and-delete";

  // The effective per-tenant stream limit (the smaller non-zero of the two), 0 = unlimited.
  uint64_t max_streams() const;
  double ingestion_rate_bytes() const { return ingestion_rate_mb * 1024 * 1024; }
  double ingestion_burst_bytes() const { return ingestion_burst_size_mb * 1024 * 1024; }
};

struct QuerierConfig {
  int64_t max_concurrent = 4;  // metric-query workers; logd splits a query over at most this many
  int64_t tail_max_duration = model::kNanosPerHour;
  // logd's own key: lines and labels one tail buffers for a slow client before it drops entries
  // (reported as dropped_entries, as Loki does). 0: only the 10,000-entry bound.
  int64_t tail_max_buffered_bytes = 4 << 20;
  // logd's own key: open tails across all tenants. Each holds a thread while it is open, and
  // max_concurrent_tail_requests bounds only one tenant's. 0: only the connection cap.
  int64_t tail_max_connections = 256;
};

// Loki's compactor block, for retention: logd deletes expired chunks in place (no separate
// working copy, no delete-request API).
struct CompactorConfig {
  bool retention_enabled = false;
  int64_t compaction_interval = 10 * model::kNanosPerMinute;
  int64_t retention_delete_delay = 2 * model::kNanosPerHour;  // a chunk goes this long after it expired
  // Accepted so that Loki configs load; logd logs at start that they have no effect.
  std::string working_directory;             // logd deletes in place
  std::string delete_request_store;          // delete requests live in <path_prefix>/compactor
  int64_t retention_delete_worker_count = 0;  // deletes are local unlinks
  // Delete requests may be cancelled this long after they were made; the compactor carries them
  // out afterwards (filter-and-delete).
  int64_t delete_request_cancel_period = 24 * model::kNanosPerHour;
};

// Loki's distributor block: only its otlp_config (the push path itself has no settings here).
struct DistributorConfig {
  std::vector<std::string> otlp_default_resource_attributes_as_index_labels = otlp::default_index_label_attributes();
};

// Loki's runtime_config block: a file of per-tenant limits (overrides.<tenant>) read again every
// `period` (runtime_config.h). Empty file: every tenant has limits_config.
struct RuntimeConfigConfig {
  std::string file;
  int64_t period = 10 * model::kNanosPerSecond;
};

// logd's own built-in authentication (Loki has none; docs/security.md): credentials mapped to
// tenants and roles, read from `credentials_file` and read again every `reload_period` (0: the
// runtime_config period). Requires auth_enabled (tenants come from X-Scope-OrgID).
struct AuthConfig {
  bool enabled = false;
  std::string credentials_file;
  int64_t reload_period = 0;
  // A source (client IP) that failed a login waits failed_login_delay before its next attempt
  // is examined, doubling with each further failure up to failed_login_max_delay.
  int64_t failed_login_delay = model::kNanosPerSecond;
  int64_t failed_login_max_delay = 30 * model::kNanosPerSecond;
};

struct Config {
  std::string target = "all";  // Loki's -target (logd/target.h): the single process, or cluster roles
  bool auth_enabled = false;
  ServerConfig server;
  CommonConfig common;
  IngesterConfig ingester;
  DistributorConfig distributor;
  LimitsConfig limits_config;
  QuerierConfig querier;
  CompactorConfig compactor;
  ClusterConfig cluster;  // rings, replication, query-frontend and workers (cluster_config.h)
  StorageConfig storage;  // schema_config, storage_config, common.storage
  RulerConfig ruler;
  RuntimeConfigConfig runtime_config;
  AuthConfig auth;
  // Loki's pattern_ingester block: log patterns mined by the ingester for /loki/api/v1/patterns
  // (pattern/pattern_store.h). Off by default, as in Loki.
  pattern::PatternConfig pattern_ingester;
  bool ruler_section_set = false;  // the ruler runs with -target=all only
  // Loki keys read but without effect in logd ("path: why"), logged once at start (the storage
  // blocks' own are in storage.accepted_no_effect).
  std::vector<std::string> accepted_no_effect;

  std::string wal_dir() const;    // ingester.wal.dir or <path_prefix>/wal
  std::string store_dir() const;  // storage_config.filesystem.directory or <path_prefix>/store
  std::string active_index_dir() const;  // tsdb_shipper.active_index_directory or <path_prefix>/tsdb-shipper-active
  std::string cache_dir() const;         // tsdb_shipper.cache_location or <path_prefix>/tsdb-shipper-cache
  std::string lock_path() const;  // <path_prefix>/logd.lock
  std::string rules_dir() const;  // ruler.storage.local.directory or <path_prefix>/rules
  std::string rule_path() const;  // ruler.rule_path or <path_prefix>/rules-temp
};

// Parses YAML text (an empty document gives the defaults). Errors name the key path.
util::Result<Config> parse_config(std::string_view yaml);
// Reads and parses a file (-config.file); errors are prefixed with the file name. With
// `expand_env`, ${VAR} references are replaced first (-config.expand-env, as Loki does).
util::Result<Config> load_config_file(const std::string& path, bool expand_env = false);

// Cross-field checks that must also hold after flags override the file (port range, target,
// log level, positive sizes).
util::Status check_config(const Config& config);

// server.http_tls_config and server.tls_min_version as the HTTP server takes them (checked).
util::Result<http::TlsOptions> http_tls_options(const ServerConfig& server);

// The effective configuration as YAML (for -print-config), every default spelled out, so that
// parse_config(print_config(c)) == c.
std::string print_config(const Config& config);

}  // namespace logd
