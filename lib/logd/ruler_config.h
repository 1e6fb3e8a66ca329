// The `ruler:` block of logd's configuration, with Loki's key names and defaults (Loki 3.x
// ruler_config, plus remote_write and evaluation). Every key is either implemented or an error
// naming it; see docs/ruler.md for the list.
//
// Thread-safe: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/labels.h"
#include "model/time.h"
#include "objstore/s3_config.h"
#include "relabel/relabel_rule.h"
#include "util/result.h"

namespace YAML {
class Node;
}

namespace logd {

struct RulerRemoteWriteClient {
  std::string name;  // the clients.<name> key (or `name:` inside it)
  std::string url;
  int64_t remote_timeout = 30 * model::kNanosPerSecond;
  std::map<std::string, std::string> headers;
  std::string basic_auth_username, basic_auth_password;
  std::string bearer_token;
  std::string tls_ca_file, tls_cert_file, tls_key_file;
  bool tls_insecure_skip_verify = false;
  int64_t capacity = 10000;
  int64_t max_samples_per_send = 2000;
  int64_t batch_send_deadline = 5 * model::kNanosPerSecond;
  int64_t min_backoff = 30 * model::kNanosPerMilli;
  int64_t max_backoff = 5 * model::kNanosPerSecond;
  bool retry_on_http_429 = true;
};

struct RulerConfig {
  std::string external_url;
  model::LabelSet external_labels;
  int64_t evaluation_interval = model::kNanosPerMinute;
  int64_t poll_interval = model::kNanosPerMinute;
  // "local" or "s3". Unset in ruler.storage, it is "s3" when common.storage.s3 is set (as Loki
  // applies its common storage to the ruler), else "local".
  std::string storage_type = "local";
  std::string storage_local_directory;  // "": common.storage.filesystem.rules_directory, else <path_prefix>/rules
  // ruler.storage.s3 read over common.storage.s3 (Loki's AWS block); configured when either is set.
  bool storage_s3_configured = false;
  bool storage_s3_written = false;  // ruler.storage.s3 itself is in the file
  bool storage_local_written = false;  // ruler.storage.local.directory itself is in the file
  objstore::S3Config storage_s3;
  std::string rule_path;                // "": <path_prefix>/rules-temp (alert state)
  std::string alertmanager_url;         // comma-separated
  bool enable_alertmanager_v2 = true;
  std::vector<relabel::RelabelRule> alert_relabel_configs;
  int64_t notification_queue_capacity = 10000;
  int64_t notification_timeout = 10 * model::kNanosPerSecond;
  // alertmanager_client
  std::string am_tls_cert_path, am_tls_key_path, am_tls_ca_path;
  bool am_tls_insecure_skip_verify = false;
  std::string am_basic_auth_username, am_basic_auth_password;
  std::string am_auth_type = "Bearer", am_auth_credentials;
  int64_t for_outage_tolerance = model::kNanosPerHour;
  int64_t for_grace_period = 10 * model::kNanosPerMinute;
  int64_t resend_delay = model::kNanosPerMinute;
  bool enable_api = true;
  std::string enabled_tenants, disabled_tenants;  // comma-separated
  // remote_write
  bool remote_write_enabled = false;
  bool remote_write_add_org_id_header = true;
  std::vector<RulerRemoteWriteClient> remote_write_clients;  // in name order
  std::string evaluation_mode = "local";

  std::vector<std::string> alertmanager_urls() const;
};

struct StorageConfig;

// Parses the `ruler:` mapping (null: defaults). Errors name the key path ("ruler.storage.type: ...").
// `storage` (common.storage, already read) supplies the ruler storage's defaults, as in Loki;
// keys read without effect are appended to `accepted_no_effect`.
util::Status parse_ruler_config(const YAML::Node& node, RulerConfig& out, const StorageConfig& storage,
                                std::vector<std::string>& accepted_no_effect);
// Cross-field checks (also after flags): positive intervals, a URL for every remote-write client
// when enabled, valid Alertmanager URLs.
util::Status check_ruler_config(const RulerConfig& c);
// The block as -print-config writes it (parse_ruler_config reads it back unchanged).
void print_ruler_config(const RulerConfig& c, YAML::Node& out);

}  // namespace logd
