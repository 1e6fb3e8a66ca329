#include "logd/limits_yaml.h"

#include <limits>

#include "config/field_reader.h"
#include "config/yaml_print.h"
#include "logd/otlp_config_yaml.h"
#include "maint/retention.h"

namespace logd {
namespace {

using config::FieldReader;
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// The push validation limits (push::Limits), Loki's names.
void read_push_limits(FieldReader& r, push::Limits& p) {
  int64_t max_line_size = static_cast<int64_t>(p.max_line_size);
  r.read_bytes("max_line_size", max_line_size);
  p.max_line_size = static_cast<uint64_t>(max_line_size);
  r.read_bool("max_line_size_truncate", p.max_line_size_truncate);
  auto read_small = [&](const char* key, int& out, int64_t max) {
    int64_t v = out;
    r.read_int(key, v, 0, max);
    out = static_cast<int>(v);
  };
  read_small("max_label_names_per_series", p.max_label_names_per_series, 1 << 20);
  read_small("max_label_name_length", p.max_label_name_length, 1 << 30);
  read_small("max_label_value_length", p.max_label_value_length, 1 << 30);
  r.read_bool("reject_old_samples", p.reject_old_samples);
  r.read_duration("reject_old_samples_max_age", p.reject_old_samples_max_age);
  r.read_duration("creation_grace_period", p.creation_grace_period);
  r.read_bool("allow_structured_metadata", p.allow_structured_metadata);
  int64_t sm = static_cast<int64_t>(p.max_structured_metadata_size);
  r.read_bytes("max_structured_metadata_size", sm);
  p.max_structured_metadata_size = static_cast<uint64_t>(sm);
  read_small("max_structured_metadata_entries_count", p.max_structured_metadata_entries_count, 1 << 20);
}

void read_retention_streams(FieldReader& r, LimitsConfig& l) {
  YAML::Node rs = r.child("retention_stream");
  if (!rs.IsDefined()) return;
  if (!rs.IsSequence()) {
    r.fail(r.path_of("retention_stream") + ": expected a list");
    return;
  }
  // A tenant's list replaces the default list, as Loki's overrides do.
  l.retention_stream.clear();
  for (size_t i = 0; i < rs.size(); ++i) {
    FieldReader e(rs[i], r.path_of("retention_stream") + "[" + std::to_string(i) + "]");
    LimitsConfig::RetentionStream stream;
    e.read_string("selector", stream.selector);
    e.read_int("priority", stream.priority, INT32_MIN, INT32_MAX);
    e.read_duration("period", stream.period);
    if (auto st = e.finish(); !st.ok()) {
      r.fail(st.error());
      return;
    }
    l.retention_stream.push_back(std::move(stream));
  }
}

// Claims `key`; when set (and not `harmless`), records it as accepted without effect.
void note_no_effect(FieldReader& r, const std::string& key, const std::string& why, std::vector<std::string>* notes,
                    const std::string& harmless) {
  YAML::Node n = r.child(key);
  if (!n.IsDefined()) return;
  if (n.IsScalar() && n.Scalar() == harmless) return;
  if (notes) {
    notes->push_back(r.path_of(key) + ": " + why);
  } else {
    r.fail(r.path_of(key) + ": not supported: " + why);
  }
}

}  // namespace

util::Status parse_limits(const YAML::Node& node, const std::string& path, LimitsConfig& l, ClusterConfig* cluster,
                          std::vector<std::string>* notes) {
  FieldReader r(node, path);
  r.read_double("ingestion_rate_mb", l.ingestion_rate_mb);
  r.read_double("ingestion_burst_size_mb", l.ingestion_burst_size_mb);
  if (l.ingestion_rate_mb < 0 || l.ingestion_burst_size_mb < 0) {
    r.fail(path + ": ingestion_rate_mb and ingestion_burst_size_mb must not be negative");
  }
  if (cluster) {
    read_limits_cluster_keys(r, *cluster);
  } else {
    const char* kWhy = "logd applies it to every tenant alike: set it in limits_config";
    for (const char* key : {"ingestion_rate_strategy", "split_queries_by_interval", "max_query_parallelism"}) {
      r.reject(key, kWhy, true);
    }
  }
  read_push_limits(r, l.push);
  r.read_int("max_streams_per_user", l.max_streams_per_user, 0, kMaxInt);
  r.read_int("max_global_streams_per_user", l.max_global_streams_per_user, 0, kMaxInt);
  r.read_int("max_entries_limit_per_query", l.max_entries_limit_per_query, 0, UINT32_MAX);
  r.read_int("max_concurrent_tail_requests", l.max_concurrent_tail_requests, 0, kMaxInt);
  r.read_int("max_query_series", l.max_query_series, 0, kMaxInt);
  r.read_duration("query_timeout", l.query_timeout);
  r.read_duration("max_query_length", l.max_query_length);
  r.read_bytes("max_query_result_bytes", l.max_query_result_bytes);
  r.read_bytes("max_template_output_bytes", l.max_template_output_bytes);
  r.read_int("max_template_steps", l.max_template_steps, 1, kMaxInt);
  r.read_duration("retention_period", l.retention_period);
  read_retention_streams(r, l);
  r.read_string("deletion_mode", l.deletion_mode);
  if (l.deletion_mode != "filter-and-delete" && l.deletion_mode != "filter-only" && l.deletion_mode != "disabled") {
    r.fail(r.path_of("deletion_mode") + ": must be one of filter-and-delete, filter-only, disabled: \"" +
           l.deletion_mode + "\"");
  }
  if (YAML::Node o = r.child("otlp_config"); o.IsDefined()) {
    // A tenant's otlp_config replaces the default one; the index-label defaults stay.
    otlp::OtlpConfig parsed;
    parsed.default_index_labels = l.otlp_config.default_index_labels;
    if (auto st = parse_otlp_config(o, r.path_of("otlp_config"), parsed); !st.ok()) {
      r.fail(st.error());
    } else {
      l.otlp_config = std::move(parsed);
    }
  }
  r.reject("per_stream_rate_limit", "");
  r.reject("per_stream_rate_limit_burst", "");
  r.reject("per_tenant_override_config", "set runtime_config.file");
  r.reject("per_tenant_override_period", "set runtime_config.period");
  r.reject("ruler_remote_write_url", "set ruler.remote_write.clients instead");
  r.reject("shard_streams", "");
  r.reject("volume_enabled", "");
  note_no_effect(r, "max_cache_freshness_per_query", "logd has no results cache", notes, "0");
  note_no_effect(r, "metric_aggregation_enabled", "logd has no pattern ingester", notes, "false");
  return r.finish();
}

util::Status check_limits(const LimitsConfig& l, const std::string& path) {
  // Loki's minimum: shorter periods would delete chunks an ingester may still be completing.
  constexpr int64_t kMinRetention = 24 * model::kNanosPerHour;
  if (l.retention_period < 0 || (l.retention_period > 0 && l.retention_period < kMinRetention)) {
    return util::Error{path + ".retention_period: must be 0 (keep forever) or at least 24h"};
  }
  for (size_t i = 0; i < l.retention_stream.size(); ++i) {
    const auto& rs = l.retention_stream[i];
    std::string where = path + ".retention_stream[" + std::to_string(i) + "]";
    if (rs.period < kMinRetention) return util::Error{where + ".period: must be at least 24h"};
    if (auto m = maint::parse_selector(rs.selector); !m.ok()) return util::prefixed(where + ".selector: ", m.status_error());
  }
  return {};
}

YAML::Node print_limits(const LimitsConfig& l) {
  using config::print_duration;
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
  lc["max_concurrent_tail_requests"] = l.max_concurrent_tail_requests;
  lc["max_query_series"] = l.max_query_series;
  lc["query_timeout"] = print_duration(l.query_timeout);
  lc["max_query_length"] = print_duration(l.max_query_length);
  lc["max_query_result_bytes"] = l.max_query_result_bytes;
  lc["max_template_output_bytes"] = l.max_template_output_bytes;
  lc["max_template_steps"] = l.max_template_steps;
  lc["retention_period"] = print_duration(l.retention_period);
  lc["deletion_mode"] = l.deletion_mode;
  for (const auto& rs : l.retention_stream) {
    YAML::Node r;
    r["selector"] = rs.selector;
    r["priority"] = rs.priority;
    r["period"] = print_duration(rs.period);
    lc["retention_stream"].push_back(r);
  }
  lc["otlp_config"] = print_otlp_config(l.otlp_config);
  return lc;
}

}  // namespace logd
