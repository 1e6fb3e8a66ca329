#include "logd/config.h"

#include <yaml-cpp/yaml.h>

#include <limits>

#include "config/field_reader.h"
#include "config/yaml_document.h"
#include "golang/quote.h"
#include "logd/logger.h"
#include "logd/limits_yaml.h"
#include "logd/otlp_config_yaml.h"

namespace logd {
namespace {

using config::FieldReader;
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// Claims `key`; when set (and not `harmless`), records it as accepted without effect.
void note_no_effect(FieldReader& r, const std::string& key, const std::string& why, std::vector<std::string>& notes,
                    const std::string& harmless = "") {
  YAML::Node n = r.child(key);
  if (!n.IsDefined()) return;
  if (!harmless.empty() && n.IsScalar() && n.Scalar() == harmless) return;
  notes.push_back(r.path_of(key) + ": " + why);
}

util::Status parse_server(const YAML::Node& node, ServerConfig& s, std::vector<std::string>& notes) {
  FieldReader r(node, "server");
  r.read_string("http_listen_address", s.http_listen_address);
  r.read_int("http_listen_port", s.http_listen_port, 0, 65535);
  r.read_int("http_listen_conn_limit", s.http_listen_conn_limit, 0, 1 << 24);
  r.read_int("grpc_listen_port", s.grpc_listen_port, 0, 65535);
  if (s.grpc_listen_port != 0) notes.push_back("server.grpc_listen_port: logd has no gRPC server; it listens on HTTP only");
  r.read_duration("http_server_read_timeout", s.http_server_read_timeout);
  r.read_duration("http_server_write_timeout", s.http_server_write_timeout);
  r.read_duration("http_server_idle_timeout", s.http_server_idle_timeout);
  r.read_duration("graceful_shutdown_timeout", s.graceful_shutdown_timeout);
  r.read_int("http_server_threads", s.http_server_threads, 1, 256);
  r.read_bytes("http_max_query_bytes", s.http_max_query_bytes);
  r.read_string("log_level", s.log_level);
  std::string format = "logfmt";
  r.read_string("log_format", format);
  if (format != "logfmt") r.fail("server.log_format: not supported: logd logs in logfmt only");
  r.reject_unless("grpc_listen_address", "", "the internal API listens on http_listen_address", true);
  r.reject_unless("http_listen_network", "tcp", "logd listens on TCP only", true);
  r.reject_unless("http_path_prefix", "", "", false);
  {
    FieldReader tls(r.child("http_tls_config"), r.path_of("http_tls_config"));
    tls.read_string("cert_file", s.http_tls_config.cert_file);
    tls.read_string("key_file", s.http_tls_config.key_file);
    tls.read_string("client_auth_type", s.http_tls_config.client_auth_type);
    tls.read_string("client_ca_file", s.http_tls_config.client_ca_file);
    if (auto st = tls.finish(); !st.ok()) r.fail(st.error());
  }
  r.read_string("tls_min_version", s.tls_min_version);
  r.reject("tls_cipher_suites", "logd uses OpenSSL's default cipher suites", true);
  r.reject("grpc_tls_config", "logd's roles talk HTTP with protobuf bodies on grpc_listen_port", true);
  r.reject("grpc_server_max_recv_msg_size", "logd's roles talk HTTP with protobuf bodies on grpc_listen_port", true);
  r.reject("grpc_server_max_send_msg_size", "logd's roles talk HTTP with protobuf bodies on grpc_listen_port", true);
  note_no_effect(r, "grpc_server_max_concurrent_streams", "logd's roles talk HTTP with protobuf bodies", notes);
  r.reject_unless("register_instrumentation", "true", "/metrics is always served");
  return r.finish();
}

util::Status parse_common(const YAML::Node& node, CommonConfig& c, ClusterConfig& cluster, StorageConfig& storage) {
  FieldReader r(node, "common");
  r.read_string("path_prefix", c.path_prefix);
  read_common_cluster_keys(r, cluster);
  if (r.child("storage").IsDefined()) {
    if (auto st = parse_common_storage(r.child("storage"), storage); !st.ok()) r.fail(st.error());
  }
  r.read_string("compactor_address", c.compactor_address);
  if (!c.compactor_address.empty() && c.compactor_address.rfind("http://", 0) != 0 &&
      c.compactor_address.rfind("https://", 0) != 0) {
    r.fail("common.compactor_address: must be an http:// or https:// URL, got " + c.compactor_address);
  }
  return r.finish();
}

util::Status parse_wal(const YAML::Node& node, WalConfig& w) {
  FieldReader r(node, "ingester.wal");
  r.read_bool("enabled", w.enabled);
  r.read_string("dir", w.dir);
  r.read_duration("checkpoint_duration", w.checkpoint_duration);
  // Accepted for compatibility with Loki configs; logd replays without a memory ceiling.
  r.reject("replay_memory_ceiling", "");
  r.reject_unless("flush_on_shutdown", "true", "logd always flushes on shutdown");
  return r.finish();
}

util::Status parse_ingester(const YAML::Node& node, IngesterConfig& in, ClusterConfig& cluster) {
  FieldReader r(node, "ingester");
  r.read_bytes("chunk_target_size", in.chunk_target_size);
  r.read_bytes("chunk_block_size", in.chunk_block_size);
  r.read_duration("max_chunk_age", in.max_chunk_age);
  r.read_duration("chunk_idle_period", in.chunk_idle_period);
  r.read_duration("flush_check_period", in.flush_check_period);
  r.read_string("chunk_encoding", in.chunk_encoding);
  r.read_bytes("memory_ceiling", in.memory_ceiling);
  r.read_duration("shutdown_flush_timeout", in.shutdown_flush_timeout);
  if (in.shutdown_flush_timeout < 0) r.fail("ingester.shutdown_flush_timeout: must not be negative (0: no bound)");
  if (in.chunk_encoding != "zstd") {
    r.fail("ingester.chunk_encoding: not supported: " + golang::quote(in.chunk_encoding) +
           " (logd writes zstd chunks only)");
  }
  if (auto st = parse_wal(r.child("wal"), in.wal); !st.ok()) r.fail(st.error());
  read_ingester_cluster_keys(r, cluster);
  r.reject("chunk_retain_period", "");
  r.reject("max_transfer_retries", "", true);
  r.reject("concurrent_flushes", "");
  return r.finish();
}

util::Status parse_compactor(const YAML::Node& node, CompactorConfig& c) {
  FieldReader r(node, "compactor");
  r.read_bool("retention_enabled", c.retention_enabled);
  r.read_duration("compaction_interval", c.compaction_interval);
  r.read_duration("retention_delete_delay", c.retention_delete_delay);
  r.read_duration("delete_request_cancel_period", c.delete_request_cancel_period);
  r.read_string("working_directory", c.working_directory);
  r.read_string("delete_request_store", c.delete_request_store);
  r.read_int("retention_delete_worker_count", c.retention_delete_worker_count, 0, kMaxInt);
  r.reject_unless("shared_store", "", "the compactor works on the stores schema_config names", true);
  r.reject_unless("compactor_ring", "", "logd elects no compactor: run exactly one (-target=compactor or backend) per store", true);
  return r.finish();
}

util::Status parse_querier(const YAML::Node& node, QuerierConfig& q, ClusterConfig& cluster) {
  FieldReader r(node, "querier");
  r.read_int("max_concurrent", q.max_concurrent, 1, 1024);
  r.read_duration("tail_max_duration", q.tail_max_duration);
  r.read_bytes("tail_max_buffered_bytes", q.tail_max_buffered_bytes);
  r.read_int("tail_max_connections", q.tail_max_connections, 0, 1'000'000);
  read_querier_cluster_keys(r, cluster);
  r.reject("engine", "");
  return r.finish();
}

// distributor: Loki's OTLP index-label defaults and, for the cluster roles, its ring.
util::Status parse_distributor(const YAML::Node& node, DistributorConfig& d, ClusterConfig& cluster) {
  FieldReader r(node, "distributor");
  read_distributor_otlp_keys(r, d.otlp_default_resource_attributes_as_index_labels);
  read_distributor_cluster_keys(r, cluster);
  r.reject("rate_store", "", true);
  r.reject("write_failures_logging", "");
  return r.finish();
}

util::Status parse_query_range(const YAML::Node& node, ClusterConfig& cluster, std::vector<std::string>& notes) {
  FieldReader r(node, "query_range");
  // A results cache only saves work: answers are the same without one.
  note_no_effect(r, "cache_results", "logd has no results cache", notes, "false");
  note_no_effect(r, "results_cache", "logd has no results cache", notes);
  r.reject_unless("parallelise_shardable_queries", "true", "");
  note_no_effect(r, "align_queries_with_step", "logd evaluates at the start, end and step as given", notes, "false");
  r.reject_unless("max_retries", "5", "");
  read_query_range_cluster_keys(r, cluster);
  return r.finish();
}

// pattern_ingester: the keys logd honours. Loki runs patterns in a separate component with its
// own ring and a tee from the distributors; logd mines them inside the ingester, so the keys of
// that plumbing are errors, except metric_aggregation (Loki's own single-binary example sets it;
// it pushes per-level volume metrics back to Loki, which logd does not do).
util::Status parse_pattern_ingester(const YAML::Node& node, pattern::PatternConfig& p, std::vector<std::string>& notes) {
  FieldReader r(node, "pattern_ingester");
  r.read_bool("enabled", p.enabled);
  r.read_int("max_clusters", p.max_clusters, 1, 1'000'000);
  r.read_double("max_eviction_ratio", p.max_eviction_ratio);
  r.read_int("max_allowed_line_length", p.max_allowed_line_length, 1, 1 << 30);
  r.read_duration("retain_for", p.retain_for);
  r.read_duration("pattern_sample_interval", p.pattern_sample_interval);
  r.read_duration("flush_check_period", p.flush_check_period);
  note_no_effect(r, "metric_aggregation", "logd does not push aggregated metrics back", notes);
  const std::string plumbing = "logd mines patterns inside its ingesters: there is no pattern-ingester ring or tee";
  for (const char* key : {"lifecycler", "client_config", "tee_config", "concurrent_flushes", "connection_timeout"}) {
    r.reject(key, plumbing, true);
  }
  r.reject_unless("max_chunk_age", "1h", "logd prunes each sample interval on its own, not by chunk", true);
  r.reject("pattern_persistence", "logd does not write patterns back to the store");
  if (p.max_eviction_ratio <= 0 || p.max_eviction_ratio > 1) {
    r.fail("pattern_ingester.max_eviction_ratio: must be in (0, 1]");
  }
  if (p.pattern_sample_interval < 1'000'000) r.fail("pattern_ingester.pattern_sample_interval: must be at least 1ms");
  if (p.retain_for < p.pattern_sample_interval) {
    r.fail("pattern_ingester.retain_for: must be at least pattern_sample_interval");
  }
  if (p.flush_check_period <= 0) r.fail("pattern_ingester.flush_check_period: must be positive");
  return r.finish();
}

util::Status parse_runtime_config_block(const YAML::Node& node, RuntimeConfigConfig& rc) {
  FieldReader r(node, "runtime_config");
  r.read_string("file", rc.file);
  r.read_duration("period", rc.period);
  if (rc.file.find(',') != std::string::npos) {
    r.fail("runtime_config.file: logd reads one runtime config file, not a comma-separated list");
  }
  if (rc.period <= 0) r.fail("runtime_config.period: must be positive");
  return r.finish();
}

util::Status parse_auth(const YAML::Node& node, AuthConfig& a) {
  FieldReader r(node, "auth");
  r.read_bool("enabled", a.enabled);
  r.read_string("credentials_file", a.credentials_file);
  r.read_duration("reload_period", a.reload_period);
  r.read_duration("failed_login_delay", a.failed_login_delay);
  r.read_duration("failed_login_max_delay", a.failed_login_max_delay);
  if (a.reload_period < 0) r.fail("auth.reload_period: must not be negative");
  if (a.failed_login_delay < 0 || a.failed_login_max_delay < a.failed_login_delay) {
    r.fail("auth: failed_login_delay must not be negative nor above failed_login_max_delay");
  }
  return r.finish();
}

}  // namespace

uint64_t LimitsConfig::max_streams() const {
  uint64_t local = static_cast<uint64_t>(max_streams_per_user);
  uint64_t global = static_cast<uint64_t>(max_global_streams_per_user);
  if (local == 0) return global;
  if (global == 0) return local;
  return std::min(local, global);
}

std::string Config::wal_dir() const { return ingester.wal.dir.empty() ? common.path_prefix + "/wal" : ingester.wal.dir; }
std::string Config::store_dir() const {
  return storage.filesystem_directory.empty() ? common.path_prefix + "/store" : storage.filesystem_directory;
}
std::string Config::active_index_dir() const {
  return storage.active_index_directory.empty() ? common.path_prefix + "/tsdb-shipper-active"
                                                : storage.active_index_directory;
}
std::string Config::cache_dir() const {
  return storage.cache_location.empty() ? common.path_prefix + "/tsdb-shipper-cache" : storage.cache_location;
}
std::string Config::lock_path() const { return common.path_prefix + "/logd.lock"; }
std::string Config::rules_dir() const {
  return ruler.storage_local_directory.empty() ? common.path_prefix + "/rules" : ruler.storage_local_directory;
}
std::string Config::rule_path() const {
  return ruler.rule_path.empty() ? common.path_prefix + "/rules-temp" : ruler.rule_path;
}

util::Result<Config> parse_config(std::string_view yaml) {
  auto root = config::parse_document(yaml);
  if (!root.ok()) return root.status_error();
  Config c;
  FieldReader r(*root, "");
  auto section = [&](util::Status st) {
    if (!st.ok()) r.fail(st.error());
  };
  r.read_string("target", c.target);
  r.read_bool("auth_enabled", c.auth_enabled);
  section(parse_server(r.child("server"), c.server, c.accepted_no_effect));
  section(parse_common(r.child("common"), c.common, c.cluster, c.storage));
  if (r.child("schema_config").IsDefined()) section(parse_schema_config(r.child("schema_config"), c.storage));
  if (r.child("storage_config").IsDefined()) section(parse_storage_config(r.child("storage_config"), c.storage));
  section(parse_ingester(r.child("ingester"), c.ingester, c.cluster));
  section(parse_distributor(r.child("distributor"), c.distributor, c.cluster));
  section(parse_limits(r.child("limits_config"), "limits_config", c.limits_config, &c.cluster, &c.accepted_no_effect));
  c.limits_config.otlp_config.default_index_labels = c.distributor.otlp_default_resource_attributes_as_index_labels;
  section(parse_querier(r.child("querier"), c.querier, c.cluster));
  section(parse_compactor(r.child("compactor"), c.compactor));
  section(parse_query_range(r.child("query_range"), c.cluster, c.accepted_no_effect));
  // Blocks of Loki's single-binary example for components logd does not have.
  section(parse_pattern_ingester(r.child("pattern_ingester"), c.pattern_ingester, c.accepted_no_effect));
  section(parse_ruler_config(r.child("ruler"), c.ruler, c.storage, c.accepted_no_effect));
  section(parse_runtime_config_block(r.child("runtime_config"), c.runtime_config));
  section(parse_auth(r.child("auth"), c.auth));
  c.ruler_section_set = root->IsMap() && (*root)["ruler"].IsDefined();
  read_cluster_sections(r, c.cluster, c.accepted_no_effect);
  // Loki 3 reads a hidden `ruler_storage` block only with its Thanos object-store clients
  // (storage_config.use_thanos_objstore); Loki's documented ruler storage is ruler.storage.
  r.reject("ruler_storage", "configure the ruler's storage in ruler.storage (type: local or s3, s3: {...})", true);
  const char* kSingleProcess = "logd has no such component";
  for (const char* key : {"memberlist", "index_gateway",
                          "bloom_build", "bloom_gateway", "chunk_store_config",
                          "table_manager", "tracing", "analytics", "operational_config",
                          "overrides_exporter", "kafka_config"}) {
    r.reject(key, kSingleProcess, true);
  }
  if (auto st = r.finish(); !st.ok()) return st.status_error();
  if (auto st = check_config(c); !st.ok()) return st.status_error();
  return c;
}

util::Result<Config> load_config_file(const std::string& path, bool expand_env) {
  auto text = config::read_config_file(path);
  if (!text.ok()) return text.status_error();
  std::string yaml = std::move(*text);
  if (expand_env) {
    auto expanded = config::expand_env(yaml);
    if (!expanded.ok()) return util::prefixed(path + ": ", expanded.status_error());
    yaml = std::move(*expanded);
  }
  auto parsed = parse_config(yaml);
  if (!parsed.ok()) return util::prefixed(path + ": ", parsed.status_error());
  return parsed;
}

util::Status check_config(const Config& c) {
  if (c.server.http_listen_port < 0 || c.server.http_listen_port > 65535) {
    return util::Error{"server.http_listen_port: " + std::to_string(c.server.http_listen_port) +
                       " is out of range [0, 65535]"};
  }
  if (c.server.grpc_listen_port < 0 || c.server.grpc_listen_port > 65535) {
    return util::Error{"server.grpc_listen_port: " + std::to_string(c.server.grpc_listen_port) +
                       " is out of range [0, 65535]"};
  }
  if (auto st = check_cluster_config(c); !st.ok()) return st;
  if (auto level = parse_log_level(c.server.log_level); !level.ok()) {
    return util::prefixed("server.log_level: ", level.status_error());
  }
  if (auto tls = http_tls_options(c.server); !tls.ok()) return tls.status_error();
  if (c.common.path_prefix.empty()) return util::Error{"common.path_prefix: must not be empty"};
  if (auto st = check_limits(c.limits_config, "limits_config"); !st.ok()) return st;
  if (c.compactor.compaction_interval <= 0) return util::Error{"compactor.compaction_interval: must be positive"};
  if (c.compactor.retention_delete_delay < 0) return util::Error{"compactor.retention_delete_delay: must not be negative"};
  if (c.ingester.chunk_target_size <= 0 || c.ingester.chunk_block_size <= 0) {
    return util::Error{"ingester: chunk_target_size and chunk_block_size must be positive"};
  }
  if (c.ingester.flush_check_period <= 0) return util::Error{"ingester.flush_check_period: must be positive"};
  if (auto st = check_ruler_config(c.ruler); !st.ok()) return st;
  if (c.auth.enabled) {
    if (!c.auth_enabled) {
      return util::Error{"auth.enabled: requires auth_enabled: true (credentials grant X-Scope-OrgID tenants)"};
    }
    if (c.auth.credentials_file.empty()) return util::Error{"auth.credentials_file: required when auth.enabled"};
  }
  return {};
}

util::Result<http::TlsOptions> http_tls_options(const ServerConfig& server) {
  const auto& c = server.http_tls_config;
  http::TlsOptions tls;
  tls.cert_file = c.cert_file;
  tls.key_file = c.key_file;
  tls.client_ca_file = c.client_ca_file;
  auto auth = http::parse_client_auth(c.client_auth_type);
  if (!auth.ok()) return util::prefixed("server.http_tls_config.client_auth_type: ", auth.status_error());
  tls.client_auth = *auth;
  auto version = http::parse_tls_min_version(server.tls_min_version);
  if (!version.ok()) return util::prefixed("server.tls_min_version: ", version.status_error());
  tls.min_version = *version;
  if (auto st = http::validate(tls, "server.http_tls_config"); !st.ok()) return st.status_error();
  return tls;
}

}  // namespace logd
