// The promtail.yaml reader (see config.h).
#include "logtail/config.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "config/field_reader.h"
#include "config/yaml_document.h"
#include "discovery/file_sd.h"
#include "golang/quote.h"
#include "logtail/config_yaml.h"
#include "relabel/relabel_yaml.h"

namespace logtail {

using config::FieldReader;
namespace {

constexpr int64_t kMaxPort = 65535;

// Scrape sources Promtail has that logtail does not implement yet: named so the error says so
// instead of "unknown field".
const char* const kUnsupportedSources[] = {
    "windows_events", "gcplog", "azure_event_hub", "kafka",
    "cloudflare", "heroku_drain",
    "consul_sd_configs", "consulagent_sd_configs", "dns_sd_configs", "ec2_sd_configs",
    "azure_sd_configs", "gce_sd_configs", "openstack_sd_configs", "digitalocean_sd_configs",
    "dockerswarm_sd_configs", "eureka_sd_configs", "hetzner_sd_configs", "http_sd_configs",
    "kuma_sd_configs", "lightsail_sd_configs", "linode_sd_configs", "marathon_sd_configs",
    "nerve_sd_configs", "nomad_sd_configs", "puppetdb_sd_configs", "scaleway_sd_configs",
    "serverset_sd_configs", "triton_sd_configs", "uyuni_sd_configs", "vultr_sd_configs",
    "ovhcloud_sd_configs", "ionos_sd_configs",
};

std::string indexed(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

util::Status parse_server(const YAML::Node& node, ServerConfig& s) {
  FieldReader r(node, "server");
  r.read_bool("disable", s.disable);
  r.read_bool("profiling_enabled", s.profiling_enabled);
  r.read_string("http_listen_address", s.http_listen_address);
  r.read_int("http_listen_port", s.http_listen_port, 0, kMaxPort);
  r.read_string("http_listen_network", s.http_listen_network);
  r.read_string("grpc_listen_address", s.grpc_listen_address);
  r.read_int("grpc_listen_port", s.grpc_listen_port, 0, kMaxPort);
  if (s.grpc_listen_port != 0) {
    r.fail("server.grpc_listen_port: gRPC not supported: logtail serves HTTP only (set it to 0)");
  }
  r.read_bool("register_instrumentation", s.register_instrumentation);
  r.read_duration("graceful_shutdown_timeout", s.graceful_shutdown_timeout);
  r.read_duration("http_server_read_timeout", s.http_server_read_timeout);
  r.read_duration("http_server_write_timeout", s.http_server_write_timeout);
  r.read_duration("http_server_idle_timeout", s.http_server_idle_timeout);
  r.read_string("log_level", s.log_level);
  if (!std::set<std::string>{"debug", "info", "warn", "error"}.count(s.log_level)) {
    r.fail("server.log_level: unrecognized log level \"" + s.log_level +
           "\" (debug, info, warn, error)");
  }
  r.read_string("log_format", s.log_format);
  if (s.log_format != "logfmt" && s.log_format != "json") {
    r.fail("server.log_format: unrecognized log format \"" + s.log_format + "\" (logfmt, json)");
  }
  r.read_string("http_path_prefix", s.http_path_prefix);
  r.read_bool("health_check_target", s.health_check_target);
  r.read_bool("enable_runtime_reload", s.enable_runtime_reload);
  for (const char* key : {"grpc_server_max_recv_msg_size", "grpc_server_max_send_msg_size",
                          "grpc_server_max_concurrent_streams", "grpc_listen_network",
                          "grpc_server_max_connection_idle", "grpc_server_max_connection_age",
                          "grpc_server_max_connection_age_grace", "grpc_server_keepalive_time",
                          "grpc_server_keepalive_timeout", "grpc_tls_config"}) {
    r.reject(key, "logtail has no gRPC server", /*ever=*/true);
  }
  for (const char* key : {"http_tls_config", "http_server_write_timeout_per_byte",
                          "log_source_ips_enabled", "log_source_ips_header",
                          "log_source_ips_regex", "log_request_headers", "log_request_at_info_level_enabled",
                          "http_listen_conn_limit", "grpc_listen_conn_limit"}) {
    r.reject(key, "");
  }
  return r.finish();
}

util::Status parse_positions(const YAML::Node& node, PositionsConfig& p) {
  FieldReader r(node, "positions");
  r.read_string("filename", p.filename);
  r.read_duration("sync_period", p.sync_period);
  r.read_bool("ignore_invalid_yaml", p.ignore_invalid_yaml);
  if (p.filename.empty()) r.fail("positions.filename: must not be empty");
  return r.finish();
}

util::Status parse_client(const YAML::Node& node, const std::string& path, ClientConfig& c) {
  FieldReader r(node, path);
  r.read_string("url", c.url);
  if (c.url.empty()) r.fail(path + ".url: must be set (the Loki push URL)");
  // logtail's own key (beyond Promtail): what the body is.
  std::string format = "loki";
  r.read_string("format", format);
  if (format == "otlp") {
    c.format = client::PushFormat::kOtlp;
  } else if (format != "loki") {
    r.fail(path + ".format: " + golang::quote(format) + " is not supported (loki or otlp)");
  }
  r.read_string("name", c.name);
  r.read_string("tenant_id", c.tenant_id);
  r.read_duration("batchwait", c.batchwait);
  r.read_bytes("batchsize", c.batchsize);
  r.read_string_map("headers", c.headers);
  {
    FieldReader b(r.child("basic_auth"), path + ".basic_auth");
    b.read_string("username", c.basic_auth.username);
    b.read_string("password", c.basic_auth.password);
    b.read_string("password_file", c.basic_auth.password_file);
    if (!c.basic_auth.password.empty() && !c.basic_auth.password_file.empty()) {
      b.fail(path + ".basic_auth: at most one of password and password_file must be configured");
    }
    if (auto st = b.finish(); !st.ok()) r.fail(st.error());
  }
  r.read_string("bearer_token", c.bearer_token);
  r.read_string("bearer_token_file", c.bearer_token_file);
  if (!c.bearer_token.empty() && !c.bearer_token_file.empty()) {
    r.fail(path + ": at most one of bearer_token & bearer_token_file must be configured");
  }
  if ((!c.bearer_token.empty() || !c.bearer_token_file.empty()) &&
      (!c.basic_auth.username.empty() || !c.basic_auth.password.empty() ||
       !c.basic_auth.password_file.empty())) {
    r.fail(path + ": at most one of basic_auth and bearer_token(_file) must be configured");
  }
  r.read_string("proxy_url", c.proxy_url);
  {
    FieldReader t(r.child("tls_config"), path + ".tls_config");
    t.read_string("ca_file", c.tls_config.ca_file);
    t.read_string("cert_file", c.tls_config.cert_file);
    t.read_string("key_file", c.tls_config.key_file);
    t.read_string("server_name", c.tls_config.server_name);
    t.read_bool("insecure_skip_verify", c.tls_config.insecure_skip_verify);
    t.read_string("min_version", c.tls_config.min_version);
    for (const char* key : {"ca", "cert", "key", "key_file_password", "max_version"}) t.reject(key, "");
    if (c.tls_config.cert_file.empty() != c.tls_config.key_file.empty()) {
      t.fail(path + ".tls_config: cert_file and key_file must be configured together");
    }
    if (auto st = t.finish(); !st.ok()) r.fail(st.error());
  }
  {
    FieldReader b(r.child("backoff_config"), path + ".backoff_config");
    b.read_duration("min_period", c.backoff_config.min_period);
    b.read_duration("max_period", c.backoff_config.max_period);
    b.read_int("max_retries", c.backoff_config.max_retries, 0, INT32_MAX);
    if (auto st = b.finish(); !st.ok()) r.fail(st.error());
  }
  r.read_bool("drop_rate_limited_batches", c.drop_rate_limited_batches);
  r.read_labels("external_labels", c.external_labels);
  r.read_duration("timeout", c.timeout);
  for (const char* key : {"oauth2", "authorization", "enable_http2", "proxy_connect_header",
                          "no_proxy", "proxy_from_environment", "stream_lag_labels"}) {
    r.reject(key, "");
  }
  r.reject_unless("follow_redirects", "true", "logtail always follows redirects");
  return r.finish();
}

util::Status parse_static_config(const YAML::Node& node, const std::string& path, StaticConfig& s) {
  FieldReader r(node, path);
  r.read_string_list("targets", s.targets);
  r.read_labels("labels", s.labels);
  return r.finish();
}

util::Status parse_file_sd(const YAML::Node& node, const std::string& path, FileSdConfig& f) {
  FieldReader r(node, path);
  r.read_string_list("files", f.files);
  r.read_duration("refresh_interval", f.refresh_interval);
  if (f.files.empty()) r.fail(path + ".files: at least one file pattern is required");
  for (const std::string& pattern : f.files) {
    if (auto st = discovery::validate_file_sd_pattern(pattern); !st.ok()) r.fail(path + ".files: " + st.error());
  }
  return r.finish();
}

util::Status parse_scrape_config(const YAML::Node& node, const std::string& path, ScrapeConfig& s) {
  FieldReader r(node, path);
  r.read_string("job_name", s.job_name);
  if (s.job_name.empty()) r.fail(path + ".job_name: must be set");
  r.read_list("static_configs", s.static_configs, parse_static_config);
  r.read_list("file_sd_configs", s.file_sd_configs, parse_file_sd);
  r.read_list("kubernetes_sd_configs", s.kubernetes_sd_configs, parse_kubernetes_sd);
  r.read_list("docker_sd_configs", s.docker_sd_configs, parse_docker_sd);
  if (YAML::Node n = r.child("syslog"); n.IsDefined()) {
    s.syslog.emplace();
    if (auto st = parse_syslog_source(n, r.path_of("syslog"), *s.syslog); !st.ok()) r.fail(st.error());
  }
  if (YAML::Node n = r.child("journal"); n.IsDefined()) {
    s.journal.emplace();
    if (auto st = parse_journal_source(n, r.path_of("journal"), *s.journal); !st.ok()) r.fail(st.error());
  }
  if (YAML::Node n = r.child("gelf"); n.IsDefined()) {
    s.gelf.emplace();
    if (auto st = parse_gelf_source(n, r.path_of("gelf"), *s.gelf); !st.ok()) r.fail(st.error());
  }
  if (YAML::Node n = r.child("loki_push_api"); n.IsDefined()) {
    s.loki_push_api.emplace();
    if (auto st = parse_push_api_source(n, r.path_of("loki_push_api"), *s.loki_push_api); !st.ok()) r.fail(st.error());
  }
  if (YAML::Node rc = r.child("relabel_configs"); rc.IsDefined()) {
    auto rules = relabel::parse_relabel_rules(rc, r.path_of("relabel_configs"));
    if (rules.ok()) {
      s.relabel_configs = std::move(*rules);
    } else {
      r.fail(rules.error());
    }
  }
  if (YAML::Node ps = r.child("pipeline_stages"); ps.IsDefined()) {
    if (!ps.IsSequence()) {
      r.fail(r.path_of("pipeline_stages") + ": expected a list of stages");
    } else if (ps.size() > 0) {
      YAML::Emitter text;
      text << ps;
      s.pipeline_stages = text.c_str();
    }
  }
  for (const char* key : kUnsupportedSources) {
    r.reject(key,
             "logtail supports static_configs, file_sd_configs, kubernetes_sd_configs, docker_sd_configs, "
             "syslog, journal, gelf, loki_push_api and stdin");
  }
  r.reject("encoding", "files are read as UTF-8");
  if (YAML::Node d = r.child("decompression"); d.IsDefined()) {
    FieldReader dr(d, r.path_of("decompression"));
    bool enabled = false;
    int64_t delay = 0;
    std::string format;
    dr.read_bool("enabled", enabled);
    dr.read_duration("initial_delay", delay);
    dr.read_string("format", format);
    if (enabled) dr.fail(r.path_of("decompression") + ".enabled: not supported yet");
    if (auto st = dr.finish(); !st.ok()) r.fail(st.error());
  }
  for (const char* key : {"limits_config", "scrape_interval", "scrape_timeout", "metrics_path",
                          "scheme", "params", "honor_labels", "metric_relabel_configs"}) {
    r.reject(key, "not a Promtail scrape_config key", /*ever=*/true);
  }
  return r.finish();
}

util::Status parse_limits(const YAML::Node& node, LimitsConfig& l) {
  FieldReader r(node, "limits_config");
  r.read_bool("readline_rate_enabled", l.readline_rate_enabled);
  r.read_double("readline_rate", l.readline_rate);
  r.read_int("readline_burst", l.readline_burst, 0, INT32_MAX);
  r.read_bool("readline_rate_drop", l.readline_rate_drop);
  r.read_int("max_streams", l.max_streams, 0, INT32_MAX);
  r.read_bytes("max_line_size", l.max_line_size);
  r.read_bool("max_line_size_truncate", l.max_line_size_truncate);
  if (l.readline_rate_enabled && l.readline_rate <= 0) {
    r.fail("limits_config.readline_rate: must be positive when readline_rate_enabled is set");
  }
  if (l.readline_rate_enabled && l.readline_burst <= 0) {
    r.fail("limits_config.readline_burst: must be positive when readline_rate_enabled is set");
  }
  return r.finish();
}

util::Status parse_target_config(const YAML::Node& node, TargetConfig& t) {
  FieldReader r(node, "target_config");
  r.read_duration("sync_period", t.sync_period);
  r.read_bool("stdin", t.stdin);
  if (t.sync_period == 0) r.fail("target_config.sync_period: must be positive");
  return r.finish();
}

util::Status parse_global(const YAML::Node& node, FileWatchConfig& w) {
  FieldReader r(node, "global");
  FieldReader fw(r.child("file_watch_config"), "global.file_watch_config");
  fw.read_duration("min_poll_frequency", w.min_poll_frequency);
  fw.read_duration("max_poll_frequency", w.max_poll_frequency);
  if (w.max_poll_frequency < w.min_poll_frequency) {
    fw.fail("global.file_watch_config: max_poll_frequency must not be less than min_poll_frequency");
  }
  if (auto st = fw.finish(); !st.ok()) r.fail(st.error());
  return r.finish();
}

}  // namespace

util::Result<Config> parse_config(std::string_view yaml, const ParseOptions& options) {
  auto root = config::parse_document(yaml, {.expand_env = options.expand_env, .env_lookup = options.env_lookup});
  if (!root.ok()) return root.status_error();
  Config c;
  FieldReader r(*root, "");
  auto section = [&](util::Status st) {
    if (!st.ok()) r.fail(st.error());
  };
  section(parse_server(r.child("server"), c.server));
  section(parse_positions(r.child("positions"), c.positions));
  r.read_list("clients", c.clients, parse_client);
  r.read_list("scrape_configs", c.scrape_configs, parse_scrape_config);
  section(parse_limits(r.child("limits_config"), c.limits_config));
  section(parse_target_config(r.child("target_config"), c.target_config));
  section(parse_global(r.child("global"), c.file_watch_config));
  r.reject_unless("options", "", "");
  if (YAML::Node t = r.child("tracing"); t.IsDefined()) {
    FieldReader tr(t, "tracing");
    bool enabled = false;
    tr.read_bool("enabled", enabled);
    if (enabled) tr.fail("tracing.enabled: not supported yet");
    section(tr.finish());
  }
  r.reject("client", "use the `clients` list", /*ever=*/true);
  // Prometheus and Promtail refuse two scrape configs with the same job name.
  std::set<std::string> jobs;
  for (size_t i = 0; i < c.scrape_configs.size(); ++i) {
    if (!jobs.insert(c.scrape_configs[i].job_name).second) {
      r.fail(indexed("scrape_configs", i) + ".job_name: found multiple scrape configs with job name \"" +
             c.scrape_configs[i].job_name + "\"");
    }
  }
  if (auto st = r.finish(); !st.ok()) return st.status_error();
  return c;
}

util::Result<Config> load_config_file(const std::string& path, const ParseOptions& options) {
  auto text = config::read_config_file(path);
  if (!text.ok()) return text.status_error();
  auto config = parse_config(*text, options);
  if (!config.ok()) return util::prefixed(path + ": ", config.status_error());
  return config;
}

}  // namespace logtail
