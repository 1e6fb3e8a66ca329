#include "logd/ruler_config.h"

#include <yaml-cpp/yaml.h>

#include <limits>

#include "config/field_reader.h"
#include "golang/duration.h"
#include "golang/quote.h"
#include "logd/storage_config.h"
#include "relabel/relabel_yaml.h"

namespace logd {
namespace {

using config::FieldReader;
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
const char* kSingle = "logd runs one ruler in its process";

std::string go_duration(int64_t ns) { return golang::format_duration(ns); }

void parse_remote_write_client(const YAML::Node& node, const std::string& path, RulerRemoteWriteClient& c,
                               FieldReader& parent) {
  FieldReader r(node, path);
  r.read_string("url", c.url);
  r.read_string("name", c.name);
  r.read_duration("remote_timeout", c.remote_timeout);
  r.read_string_map("headers", c.headers);
  r.read_string("bearer_token", c.bearer_token);
  {
    FieldReader b(r.child("basic_auth"), r.path_of("basic_auth"));
    b.read_string("username", c.basic_auth_username);
    b.read_string("password", c.basic_auth_password);
    b.reject("password_file", "", false);
    if (auto st = b.finish(); !st.ok()) r.fail(st.error());
  }
  {
    FieldReader t(r.child("tls_config"), r.path_of("tls_config"));
    t.read_string("ca_file", c.tls_ca_file);
    t.read_string("cert_file", c.tls_cert_file);
    t.read_string("key_file", c.tls_key_file);
    t.read_bool("insecure_skip_verify", c.tls_insecure_skip_verify);
    t.reject("server_name", "");
    t.reject("min_version", "");
    if (auto st = t.finish(); !st.ok()) r.fail(st.error());
  }
  {
    FieldReader q(r.child("queue_config"), r.path_of("queue_config"));
    q.read_int("capacity", c.capacity, 1, kMaxInt);
    q.read_int("max_samples_per_send", c.max_samples_per_send, 1, kMaxInt);
    q.read_duration("batch_send_deadline", c.batch_send_deadline);
    q.read_duration("min_backoff", c.min_backoff);
    q.read_duration("max_backoff", c.max_backoff);
    q.read_bool("retry_on_http_429", c.retry_on_http_429);
    q.reject("max_shards", "logd sends with one sender per client and tenant");
    q.reject("min_shards", "logd sends with one sender per client and tenant");
    q.reject("sample_age_limit", "");
    if (auto st = q.finish(); !st.ok()) r.fail(st.error());
  }
  r.reject("write_relabel_configs", "");
  r.reject("metadata_config", "the ruler sends no metadata", true);
  r.reject("authorization", "use bearer_token or basic_auth");
  r.reject("oauth2", "");
  r.reject("sigv4", "");
  r.reject("azuread", "");
  r.reject("proxy_url", "");
  r.reject_unless("send_exemplars", "false", "the ruler records no exemplars", true);
  r.reject_unless("send_native_histograms", "false", "the ruler records no histograms", true);
  r.reject_unless("follow_redirects", "true", "");
  r.reject_unless("enable_http2", "true", "");
  if (auto st = r.finish(); !st.ok()) parent.fail(st.error());
}

void parse_remote_write(const YAML::Node& node, RulerConfig& c, FieldReader& parent) {
  FieldReader r(node, "ruler.remote_write");
  r.read_bool("enabled", c.remote_write_enabled);
  r.read_bool("add_org_id_header", c.remote_write_add_org_id_header);
  r.reject_unless("config_refresh_period", "10s", "logd reads remote_write once at start");
  if (YAML::Node one = r.child("client"); one.IsDefined()) {
    RulerRemoteWriteClient client;
    parse_remote_write_client(one, "ruler.remote_write.client", client, r);
    if (client.name.empty()) client.name = "default";
    c.remote_write_clients.push_back(std::move(client));
  }
  if (YAML::Node clients = r.child("clients"); clients.IsDefined()) {
    if (!clients.IsMap()) {
      r.fail("ruler.remote_write.clients: expected a mapping of client names to remote_write configs");
    } else {
      for (const auto& kv : clients) {
        RulerRemoteWriteClient client;
        std::string key = kv.first.Scalar();
        parse_remote_write_client(kv.second, "ruler.remote_write.clients." + key, client, r);
        if (client.name.empty()) client.name = key;
        c.remote_write_clients.push_back(std::move(client));
      }
    }
  }
  if (auto st = r.finish(); !st.ok()) parent.fail(st.error());
}

}  // namespace

std::vector<std::string> RulerConfig::alertmanager_urls() const {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= alertmanager_url.size()) {
    size_t comma = alertmanager_url.find(',', start);
    std::string part = alertmanager_url.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t a = part.find_first_not_of(" \t"), b = part.find_last_not_of(" \t");
    if (a != std::string::npos) out.push_back(part.substr(a, b - a + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

util::Status parse_ruler_config(const YAML::Node& node, RulerConfig& c, const StorageConfig& storage,
                                std::vector<std::string>& accepted_no_effect) {
  FieldReader r(node, "ruler");
  r.read_string("external_url", c.external_url);
  r.read_labels("external_labels", c.external_labels);
  r.read_duration("evaluation_interval", c.evaluation_interval);
  r.read_duration("poll_interval", c.poll_interval);
  {
    FieldReader s(r.child("storage"), "ruler.storage");
    bool type_given = s.child("type").IsDefined();
    s.read_string("type", c.storage_type);
    FieldReader local(s.child("local"), "ruler.storage.local");
    c.storage_local_written = local.child("directory").IsDefined();
    local.read_string("directory", c.storage_local_directory);
    if (auto st = local.finish(); !st.ok()) s.fail(st.error());
    // As Loki: common.storage fills the ruler's storage unless ruler.storage says otherwise.
    if (storage.common_s3_configured) {
      c.storage_s3_configured = true;
      c.storage_s3 = storage.common_s3;
      if (!type_given) c.storage_type = "s3";
    }
    if (c.storage_local_directory.empty()) c.storage_local_directory = storage.common_rules_directory;
    if (c.storage_type == "s3" && !storage.common_rules_directory.empty() && !c.storage_local_written) {
      accepted_no_effect.push_back(
          "common.storage.filesystem.rules_directory: the ruler keeps its rules in S3 (ruler.storage.type: s3)");
    }
    if (YAML::Node s3 = s.child("s3"); s3.IsDefined()) {
      if (auto st = parse_s3_block(s3, "ruler.storage.s3", c.storage_s3, accepted_no_effect); !st.ok()) {
        s.fail(st.error());
      }
      c.storage_s3_configured = true;
      c.storage_s3_written = true;
    }
    for (const char* key : {"gcs", "azure", "swift", "bos", "cos", "alibabacloud", "configdb"}) {
      s.reject(key, "logd stores rules on the local filesystem or in S3 (ruler.storage.type: local or s3)");
    }
    if (auto st = s.finish(); !st.ok()) r.fail(st.error());
  }
  r.read_string("rule_path", c.rule_path);
  r.read_string("alertmanager_url", c.alertmanager_url);
  r.reject_unless("enable_alertmanager_discovery", "false", "list the Alertmanagers in alertmanager_url");
  r.reject_unless("alertmanager_refresh_interval", "1m", "it only applies to DNS discovery");
  r.read_bool("enable_alertmanager_v2", c.enable_alertmanager_v2);
  if (YAML::Node rc = r.child("alert_relabel_configs"); rc.IsDefined()) {
    auto rules = relabel::parse_relabel_rules(rc, "ruler.alert_relabel_configs");
    if (!rules.ok()) r.fail(rules.error());
    else c.alert_relabel_configs = std::move(*rules);
  }
  r.read_int("notification_queue_capacity", c.notification_queue_capacity, 1, kMaxInt);
  r.read_duration("notification_timeout", c.notification_timeout);
  {
    FieldReader a(r.child("alertmanager_client"), "ruler.alertmanager_client");
    a.read_string("tls_cert_path", c.am_tls_cert_path);
    a.read_string("tls_key_path", c.am_tls_key_path);
    a.read_string("tls_ca_path", c.am_tls_ca_path);
    a.read_bool("tls_insecure_skip_verify", c.am_tls_insecure_skip_verify);
    a.read_string("basic_auth_username", c.am_basic_auth_username);
    a.read_string("basic_auth_password", c.am_basic_auth_password);
    a.read_string("type", c.am_auth_type);
    a.read_string("credentials", c.am_auth_credentials);
    a.reject("credentials_file", "");
    a.reject("tls_server_name", "");
    a.reject("tls_cipher_suites", "");
    a.reject("tls_min_version", "");
    if (auto st = a.finish(); !st.ok()) r.fail(st.error());
  }
  r.read_duration("for_outage_tolerance", c.for_outage_tolerance);
  r.read_duration("for_grace_period", c.for_grace_period);
  r.read_duration("resend_delay", c.resend_delay);
  r.read_bool("enable_api", c.enable_api);
  r.read_string("enabled_tenants", c.enabled_tenants);
  r.read_string("disabled_tenants", c.disabled_tenants);
  r.reject("datasource_uid", "generator URLs point at ruler.external_url");
  r.reject("ruler_client", kSingle, true);
  r.reject_unless("enable_sharding", "false", kSingle, true);
  r.reject_unless("sharding_strategy", "default", kSingle, true);
  r.reject_unless("sharding_algo", "by-group", kSingle, true);
  r.reject("search_pending_for", kSingle, true);
  r.reject("ring", kSingle, true);
  r.reject("flush_period", kSingle, true);
  r.reject_unless("query_stats_enabled", "false", "");
  r.reject_unless("disable_rule_group_label", "false", "");
  r.reject("wal", "recorded samples wait in a bounded in-memory queue per client "
                  "(ruler.remote_write.clients.<name>.queue_config.capacity)");
  r.reject("wal_cleaner", "the ruler keeps no WAL");
  r.reject("query_frontend", "rules are evaluated in process (ruler.evaluation.mode: local)");
  if (YAML::Node rw = r.child("remote_write"); rw.IsDefined()) parse_remote_write(rw, c, r);
  {
    FieldReader e(r.child("evaluation"), "ruler.evaluation");
    e.read_string("mode", c.evaluation_mode);
    e.reject_unless("max_jitter", "0s", "");
    e.reject("query_frontend", "rules are evaluated in process (mode: local)");
    if (auto st = e.finish(); !st.ok()) r.fail(st.error());
  }
  if (auto st = r.finish(); !st.ok()) return st;
  return check_ruler_config(c);
}

util::Status check_ruler_config(const RulerConfig& c) {
  if (c.evaluation_interval <= 0) return util::invalid_argument("ruler.evaluation_interval: must be positive");
  if (c.poll_interval <= 0) return util::invalid_argument("ruler.poll_interval: must be positive");
  if (c.storage_type != "local" && c.storage_type != "s3") {
    return util::invalid_argument("ruler.storage.type: " + golang::quote(c.storage_type) +
                                  " is not supported (\"local\" or \"s3\")");
  }
  if (c.storage_type == "s3" && !c.storage_s3_configured) {
    return util::invalid_argument("ruler.storage.type: s3 needs ruler.storage.s3 (or common.storage.s3)");
  }
  if (c.storage_type == "s3" && c.storage_local_written) {
    return util::invalid_argument("ruler.storage.local.directory: set, but ruler.storage.type is \"s3\"");
  }
  if (c.storage_type == "local" && c.storage_s3_written) {
    return util::invalid_argument("ruler.storage.s3: set, but ruler.storage.type is \"local\" (set type: s3 to use it)");
  }
  if (c.evaluation_mode != "local") {
    return util::invalid_argument("ruler.evaluation.mode: " + golang::quote(c.evaluation_mode) +
                                  " is not supported: logd evaluates rules in process (\"local\")");
  }
  for (const std::string& u : c.alertmanager_urls()) {
    if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
      return util::invalid_argument("ruler.alertmanager_url: " + golang::quote(u) +
                                    " is not an http(s) URL");
    }
  }
  if (c.remote_write_enabled) {
    if (c.remote_write_clients.empty()) {
      return util::invalid_argument("ruler.remote_write: enabled but no clients URL are configured");
    }
    for (const auto& cl : c.remote_write_clients) {
      if (cl.url.empty()) {
        return util::invalid_argument("ruler.remote_write.clients." + cl.name + ".url: must be set when remote_write is enabled");
      }
    }
  }
  return {};
}

void print_ruler_config(const RulerConfig& c, YAML::Node& n) {
  n["external_url"] = c.external_url;
  YAML::Node ext(YAML::NodeType::Map);
  for (const auto& l : c.external_labels) ext[l.name] = l.value;
  n["external_labels"] = ext;
  n["evaluation_interval"] = go_duration(c.evaluation_interval);
  n["poll_interval"] = go_duration(c.poll_interval);
  n["storage"]["type"] = c.storage_type;
  if (c.storage_type == "local") {
    n["storage"]["local"]["directory"] = c.storage_local_directory;
  } else {
    YAML::Node s3;
    print_s3_block(c.storage_s3, s3);
    n["storage"]["s3"] = s3;
  }
  n["rule_path"] = c.rule_path;
  n["alertmanager_url"] = c.alertmanager_url;
  n["enable_alertmanager_v2"] = c.enable_alertmanager_v2;
  if (!c.alert_relabel_configs.empty()) {
    for (const auto& rule : c.alert_relabel_configs) n["alert_relabel_configs"].push_back(relabel::relabel_rule_to_yaml(rule));
  }
  n["notification_queue_capacity"] = c.notification_queue_capacity;
  n["notification_timeout"] = go_duration(c.notification_timeout);
  YAML::Node a;
  a["tls_cert_path"] = c.am_tls_cert_path;
  a["tls_key_path"] = c.am_tls_key_path;
  a["tls_ca_path"] = c.am_tls_ca_path;
  a["tls_insecure_skip_verify"] = c.am_tls_insecure_skip_verify;
  a["basic_auth_username"] = c.am_basic_auth_username;
  a["basic_auth_password"] = c.am_basic_auth_password;
  a["type"] = c.am_auth_type;
  a["credentials"] = c.am_auth_credentials;
  n["alertmanager_client"] = a;
  n["for_outage_tolerance"] = go_duration(c.for_outage_tolerance);
  n["for_grace_period"] = go_duration(c.for_grace_period);
  n["resend_delay"] = go_duration(c.resend_delay);
  n["enable_api"] = c.enable_api;
  n["enabled_tenants"] = c.enabled_tenants;
  n["disabled_tenants"] = c.disabled_tenants;
  YAML::Node rw;
  rw["enabled"] = c.remote_write_enabled;
  rw["add_org_id_header"] = c.remote_write_add_org_id_header;
  for (const auto& cl : c.remote_write_clients) {
    YAML::Node x;
    x["url"] = cl.url;
    x["name"] = cl.name;
    x["remote_timeout"] = go_duration(cl.remote_timeout);
    if (!cl.headers.empty()) {
      for (const auto& [k, v] : cl.headers) x["headers"][k] = v;
    }
    if (!cl.bearer_token.empty()) x["bearer_token"] = cl.bearer_token;
    if (!cl.basic_auth_username.empty()) {
      x["basic_auth"]["username"] = cl.basic_auth_username;
      x["basic_auth"]["password"] = cl.basic_auth_password;
    }
    x["tls_config"]["ca_file"] = cl.tls_ca_file;
    x["tls_config"]["cert_file"] = cl.tls_cert_file;
    x["tls_config"]["key_file"] = cl.tls_key_file;
    x["tls_config"]["insecure_skip_verify"] = cl.tls_insecure_skip_verify;
    x["queue_config"]["capacity"] = cl.capacity;
    x["queue_config"]["max_samples_per_send"] = cl.max_samples_per_send;
    x["queue_config"]["batch_send_deadline"] = go_duration(cl.batch_send_deadline);
    x["queue_config"]["min_backoff"] = go_duration(cl.min_backoff);
    x["queue_config"]["max_backoff"] = go_duration(cl.max_backoff);
    x["queue_config"]["retry_on_http_429"] = cl.retry_on_http_429;
    rw["clients"][cl.name] = x;
  }
  n["remote_write"] = rw;
  n["evaluation"]["mode"] = c.evaluation_mode;
}

}  // namespace logd
