// print_config(): the effective configuration for -print-config, defaults filled in.
#include <yaml-cpp/yaml.h>

#include "config/yaml_print.h"
#include "logd/config.h"

namespace logd {
// Durations print in Go's time.Duration form, as Loki prints them ("1m0s", "168h0m0s").
using config::print_duration;

std::string print_config(const Config& c) {
  YAML::Node n;
  n["target"] = c.target;
  n["auth_enabled"] = c.auth_enabled;
  YAML::Node s;
  s["http_listen_address"] = c.server.http_listen_address;
  s["http_listen_port"] = c.server.http_listen_port;
  s["grpc_listen_port"] = c.server.grpc_listen_port;
  s["http_server_read_timeout"] = print_duration(c.server.http_server_read_timeout);
  s["http_server_write_timeout"] = print_duration(c.server.http_server_write_timeout);
  s["http_server_idle_timeout"] = print_duration(c.server.http_server_idle_timeout);
  s["graceful_shutdown_timeout"] = print_duration(c.server.graceful_shutdown_timeout);
  s["http_server_threads"] = c.server.http_server_threads;
  s["log_level"] = c.server.log_level;
  s["http_tls_config"]["cert_file"] = c.server.http_tls_config.cert_file;
  s["http_tls_config"]["key_file"] = c.server.http_tls_config.key_file;
  s["http_tls_config"]["client_auth_type"] = c.server.http_tls_config.client_auth_type;
  s["http_tls_config"]["client_ca_file"] = c.server.http_tls_config.client_ca_file;
  s["tls_min_version"] = c.server.tls_min_version;
  n["server"] = s;
  n["common"]["path_prefix"] = c.common.path_prefix;
  YAML::Node in;
  in["chunk_target_size"] = c.ingester.chunk_target_size;
  in["chunk_block_size"] = c.ingester.chunk_block_size;
  in["max_chunk_age"] = print_duration(c.ingester.max_chunk_age);
  in["chunk_idle_period"] = print_duration(c.ingester.chunk_idle_period);
  in["flush_check_period"] = print_duration(c.ingester.flush_check_period);
  in["chunk_encoding"] = c.ingester.chunk_encoding;
  in["wal"]["enabled"] = c.ingester.wal.enabled;
  in["wal"]["dir"] = c.ingester.wal.dir;
  in["wal"]["checkpoint_duration"] = print_duration(c.ingester.wal.checkpoint_duration);
  n["ingester"] = in;
  const LimitsConfig& l = c.limits_config;
  YAML::Node lc;
  lc["ingestion_rate_mb"] = l.ingestion_rate_mb;
  lc["ingestion_burst_size_mb"] = l.ingestion_burst_size_mb;
  lc["max_line_size"] = l.push.max_line_size;
  lc["max_line_size_truncate"] = l.push.max_line_size_truncate;
  lc["max_label_names_per_series"] = l.push.max_label_names_per_series;
  lc["max_label_name_length"] = l.push.max_label_name_length;
  lc["max_label_value_length"] = l.push.max_label_value_length;
  lc["reject_old_samples"] = l.push.reject_old_samples;
  lc["reject_old_samples_max_age"] = print_duration(l.push.reject_old_samples_max_age);
  lc["creation_grace_period"] = print_duration(l.push.creation_grace_period);
  lc["allow_structured_metadata"] = l.push.allow_structured_metadata;
  lc["max_structured_metadata_size"] = l.push.max_structured_metadata_size;
  lc["max_structured_metadata_entries_count"] = l.push.max_structured_metadata_entries_count;
  lc["max_streams_per_user"] = l.max_streams_per_user;
  lc["max_global_streams_per_user"] = l.max_global_streams_per_user;
  lc["max_entries_limit_per_query"] = l.max_entries_limit_per_query;
  lc["max_query_series"] = l.max_query_series;
  lc["query_timeout"] = print_duration(l.query_timeout);
  lc["max_query_length"] = print_duration(l.max_query_length);
  lc["retention_period"] = print_duration(l.retention_period);
  for (const auto& rs : l.retention_stream) {
    YAML::Node r;
    r["selector"] = rs.selector;
    r["priority"] = rs.priority;
    r["period"] = print_duration(rs.period);
    lc["retention_stream"].push_back(r);
  }
  n["limits_config"] = lc;
  const CompactorConfig& cc = c.compactor;
  n["compactor"]["retention_enabled"] = cc.retention_enabled;
  n["compactor"]["compaction_interval"] = print_duration(cc.compaction_interval);
  n["compactor"]["retention_delete_delay"] = print_duration(cc.retention_delete_delay);
  if (!cc.working_directory.empty()) n["compactor"]["working_directory"] = cc.working_directory;
  if (!cc.delete_request_store.empty()) n["compactor"]["delete_request_store"] = cc.delete_request_store;
  if (cc.retention_delete_worker_count != 0) {
    n["compactor"]["retention_delete_worker_count"] = cc.retention_delete_worker_count;
  }
  n["querier"]["max_concurrent"] = c.querier.max_concurrent;
  n["querier"]["tail_max_duration"] = print_duration(c.querier.tail_max_duration);
  YAML::Node ruler;
  print_ruler_config(c.ruler, ruler);
  n["ruler"] = ruler;
  return config::emit_document(n);
}

}  // namespace logd
