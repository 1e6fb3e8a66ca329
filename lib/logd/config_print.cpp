// print_config(): the effective configuration for -print-config, defaults filled in.
#include <yaml-cpp/yaml.h>

#include "config/yaml_print.h"
#include "logd/config.h"
#include "logd/limits_yaml.h"
#include "logd/otlp_config_yaml.h"
#include "logd/target.h"

namespace logd {
// Durations print in Go's time.Duration form, as Loki prints them ("1m0s", "168h0m0s").
using config::print_duration;

namespace {

// schema_config and storage_config as logd resolved them (defaults filled in, secrets masked as
// Loki prints them).
void print_storage(const Config& c, YAML::Node& n) {
  const StorageConfig& sc = c.storage;
  std::vector<SchemaPeriod> periods = sc.schema;
  if (periods.empty()) periods.push_back(SchemaPeriod{});
  for (const SchemaPeriod& p : periods) {
    YAML::Node e;
    e["from"] = p.from;
    e["store"] = p.store;
    e["object_store"] = p.object_store;
    e["schema"] = p.schema;
    e["index"]["prefix"] = p.index_prefix;
    e["index"]["period"] = print_duration(p.index_period);
    n["schema_config"]["configs"].push_back(e);
  }
  YAML::Node st;
  st["filesystem"]["directory"] = c.store_dir();
  if (sc.s3_configured) {
    YAML::Node a;
    print_s3_block(sc.s3, a);
    st["aws"] = a;
  }
  st["tsdb_shipper"]["active_index_directory"] = c.active_index_dir();
  st["tsdb_shipper"]["cache_location"] = c.cache_dir();
  st["tsdb_shipper"]["cache_ttl"] = print_duration(sc.cache_ttl);
  st["tsdb_shipper"]["resync_interval"] = print_duration(sc.resync_interval);
  st["tsdb_shipper"]["cache_max_size"] = sc.cache_max_size;
  st["segment_chunk_max_size"] = sc.segment_chunk_max_size;
  st["segment_max_size"] = sc.segment_max_size;
  n["storage_config"] = st;
}

}  // namespace

std::string print_config(const Config& c) {
  YAML::Node n;
  n["target"] = c.target;
  n["auth_enabled"] = c.auth_enabled;
  YAML::Node s;
  s["http_listen_address"] = c.server.http_listen_address;
  s["http_listen_port"] = c.server.http_listen_port;
  s["grpc_listen_port"] = c.server.grpc_listen_port;
  s["http_listen_conn_limit"] = c.server.http_listen_conn_limit;
  s["http_server_read_timeout"] = print_duration(c.server.http_server_read_timeout);
  s["http_server_write_timeout"] = print_duration(c.server.http_server_write_timeout);
  s["http_server_idle_timeout"] = print_duration(c.server.http_server_idle_timeout);
  s["graceful_shutdown_timeout"] = print_duration(c.server.graceful_shutdown_timeout);
  s["http_server_threads"] = c.server.http_server_threads;
  s["http_max_query_bytes"] = c.server.http_max_query_bytes;
  s["log_level"] = c.server.log_level;
  s["http_tls_config"]["cert_file"] = c.server.http_tls_config.cert_file;
  s["http_tls_config"]["key_file"] = c.server.http_tls_config.key_file;
  s["http_tls_config"]["client_auth_type"] = c.server.http_tls_config.client_auth_type;
  s["http_tls_config"]["client_ca_file"] = c.server.http_tls_config.client_ca_file;
  s["tls_min_version"] = c.server.tls_min_version;
  n["server"] = s;
  n["common"]["path_prefix"] = c.common.path_prefix;
  if (!c.common.compactor_address.empty()) n["common"]["compactor_address"] = c.common.compactor_address;
  YAML::Node in;
  in["chunk_target_size"] = c.ingester.chunk_target_size;
  in["chunk_block_size"] = c.ingester.chunk_block_size;
  in["max_chunk_age"] = print_duration(c.ingester.max_chunk_age);
  in["chunk_idle_period"] = print_duration(c.ingester.chunk_idle_period);
  in["flush_check_period"] = print_duration(c.ingester.flush_check_period);
  in["chunk_encoding"] = c.ingester.chunk_encoding;
  in["memory_ceiling"] = c.ingester.memory_ceiling;
  in["shutdown_flush_timeout"] = print_duration(c.ingester.shutdown_flush_timeout);
  in["wal"]["enabled"] = c.ingester.wal.enabled;
  in["wal"]["dir"] = c.ingester.wal.dir;
  in["wal"]["checkpoint_duration"] = print_duration(c.ingester.wal.checkpoint_duration);
  n["ingester"] = in;
  n["limits_config"] = print_limits(c.limits_config);
  n["distributor"]["otlp_config"]["default_resource_attributes_as_index_labels"] =
      c.distributor.otlp_default_resource_attributes_as_index_labels;
  const CompactorConfig& cc = c.compactor;
  n["compactor"]["retention_enabled"] = cc.retention_enabled;
  n["compactor"]["compaction_interval"] = print_duration(cc.compaction_interval);
  n["compactor"]["retention_delete_delay"] = print_duration(cc.retention_delete_delay);
  n["compactor"]["delete_request_cancel_period"] = print_duration(cc.delete_request_cancel_period);
  if (!cc.working_directory.empty()) n["compactor"]["working_directory"] = cc.working_directory;
  if (!cc.delete_request_store.empty()) n["compactor"]["delete_request_store"] = cc.delete_request_store;
  if (cc.retention_delete_worker_count != 0) {
    n["compactor"]["retention_delete_worker_count"] = cc.retention_delete_worker_count;
  }
  n["querier"]["max_concurrent"] = c.querier.max_concurrent;
  n["querier"]["tail_max_duration"] = print_duration(c.querier.tail_max_duration);
  n["querier"]["tail_max_buffered_bytes"] = c.querier.tail_max_buffered_bytes;
  n["querier"]["tail_max_connections"] = c.querier.tail_max_connections;
  n["runtime_config"]["file"] = c.runtime_config.file;
  n["runtime_config"]["period"] = print_duration(c.runtime_config.period);
  if (c.auth.enabled || !c.auth.credentials_file.empty()) {
    n["auth"]["enabled"] = c.auth.enabled;
    n["auth"]["credentials_file"] = c.auth.credentials_file;
    n["auth"]["reload_period"] = print_duration(c.auth.reload_period);
    n["auth"]["failed_login_delay"] = print_duration(c.auth.failed_login_delay);
    n["auth"]["failed_login_max_delay"] = print_duration(c.auth.failed_login_max_delay);
  }
  const pattern::PatternConfig& pi = c.pattern_ingester;
  n["pattern_ingester"]["enabled"] = pi.enabled;
  n["pattern_ingester"]["max_clusters"] = pi.max_clusters;
  n["pattern_ingester"]["max_eviction_ratio"] = pi.max_eviction_ratio;
  n["pattern_ingester"]["max_allowed_line_length"] = pi.max_allowed_line_length;
  n["pattern_ingester"]["retain_for"] = print_duration(pi.retain_for);
  n["pattern_ingester"]["pattern_sample_interval"] = print_duration(pi.pattern_sample_interval);
  n["pattern_ingester"]["flush_check_period"] = print_duration(pi.flush_check_period);
  print_storage(c, n);
  print_cluster_config(c, n);
  auto targets = parse_target(c.target);
  if (c.ruler_section_set || !targets.ok() || targets->ruler) {  // the section is shown where it is used
    YAML::Node ruler;
    print_ruler_config(c.ruler, ruler);
    n["ruler"] = ruler;
  }
  return config::emit_document(n);
}

}  // namespace logd
