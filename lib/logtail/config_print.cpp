// print_config(): the effective configuration for -print-config-stderr, defaults filled in.
#include <yaml-cpp/yaml.h>

#include "config/yaml_print.h"
#include "logtail/config.h"
#include "relabel/relabel_yaml.h"

namespace logtail {
namespace {

using config::print_duration;
using config::print_labels;
using config::print_secret;
using config::print_string_map;

YAML::Node server(const ServerConfig& s) {
  YAML::Node n;
  n["disable"] = s.disable;
  n["profiling_enabled"] = s.profiling_enabled;
  n["http_listen_address"] = s.http_listen_address;
  n["http_listen_port"] = s.http_listen_port;
  n["http_listen_network"] = s.http_listen_network;
  n["grpc_listen_address"] = s.grpc_listen_address;
  n["grpc_listen_port"] = s.grpc_listen_port;
  n["register_instrumentation"] = s.register_instrumentation;
  n["graceful_shutdown_timeout"] = print_duration(s.graceful_shutdown_timeout);
  n["http_server_read_timeout"] = print_duration(s.http_server_read_timeout);
  n["http_server_write_timeout"] = print_duration(s.http_server_write_timeout);
  n["http_server_idle_timeout"] = print_duration(s.http_server_idle_timeout);
  n["log_level"] = s.log_level;
  n["log_format"] = s.log_format;
  n["http_path_prefix"] = s.http_path_prefix;
  n["health_check_target"] = s.health_check_target;
  n["enable_runtime_reload"] = s.enable_runtime_reload;
  return n;
}

YAML::Node client(const ClientConfig& c) {
  YAML::Node n;
  n["url"] = c.url;
  if (c.format == client::PushFormat::kOtlp) n["format"] = "otlp";  // logtail's own key, shown when set
  n["name"] = c.name;
  n["tenant_id"] = c.tenant_id;
  n["batchwait"] = print_duration(c.batchwait);
  n["batchsize"] = c.batchsize;
  n["headers"] = print_string_map(c.headers);
  n["basic_auth"]["username"] = c.basic_auth.username;
  n["basic_auth"]["password"] = print_secret(c.basic_auth.password);
  n["basic_auth"]["password_file"] = c.basic_auth.password_file;
  n["bearer_token"] = print_secret(c.bearer_token);
  n["bearer_token_file"] = c.bearer_token_file;
  n["proxy_url"] = c.proxy_url;
  n["tls_config"]["ca_file"] = c.tls_config.ca_file;
  n["tls_config"]["cert_file"] = c.tls_config.cert_file;
  n["tls_config"]["key_file"] = c.tls_config.key_file;
  n["tls_config"]["server_name"] = c.tls_config.server_name;
  n["tls_config"]["insecure_skip_verify"] = c.tls_config.insecure_skip_verify;
  n["tls_config"]["min_version"] = c.tls_config.min_version;
  n["backoff_config"]["min_period"] = print_duration(c.backoff_config.min_period);
  n["backoff_config"]["max_period"] = print_duration(c.backoff_config.max_period);
  n["backoff_config"]["max_retries"] = c.backoff_config.max_retries;
  n["drop_rate_limited_batches"] = c.drop_rate_limited_batches;
  n["external_labels"] = print_labels(c.external_labels);
  n["timeout"] = print_duration(c.timeout);
  return n;
}

YAML::Node scrape(const ScrapeConfig& s) {
  YAML::Node n;
  n["job_name"] = s.job_name;
  YAML::Node statics(YAML::NodeType::Sequence);
  for (const auto& sc : s.static_configs) {
    YAML::Node one;
    YAML::Node targets(YAML::NodeType::Sequence);
    for (const auto& t : sc.targets) targets.push_back(t);
    one["targets"] = targets;
    one["labels"] = print_labels(sc.labels);
    statics.push_back(one);
  }
  if (statics.size() > 0) n["static_configs"] = statics;
  YAML::Node files(YAML::NodeType::Sequence);
  for (const auto& f : s.file_sd_configs) {
    YAML::Node one;
    YAML::Node patterns(YAML::NodeType::Sequence);
    for (const auto& p : f.files) patterns.push_back(p);
    one["files"] = patterns;
    one["refresh_interval"] = print_duration(f.refresh_interval);
    files.push_back(one);
  }
  if (files.size() > 0) n["file_sd_configs"] = files;
  YAML::Node kubes(YAML::NodeType::Sequence);
  for (const auto& k : s.kubernetes_sd_configs) {
    YAML::Node kn;
    kn["role"] = std::string(discovery::kubernetes_role_name(k.role));
    if (!k.api_server.empty()) kn["api_server"] = k.api_server;
    if (!k.kubeconfig_file.empty()) kn["kubeconfig_file"] = k.kubeconfig_file;
    YAML::Node names(YAML::NodeType::Sequence);
    for (const auto& name : k.namespaces.names) names.push_back(name);
    kn["namespaces"]["names"] = names;
    kn["namespaces"]["own_namespace"] = k.namespaces.own_namespace;
    YAML::Node sels(YAML::NodeType::Sequence);
    for (const auto& sel : k.selectors) {
      YAML::Node sn;
      sn["role"] = std::string(discovery::kubernetes_role_name(sel.role));
      if (!sel.label.empty()) sn["label"] = sel.label;
      if (!sel.field.empty()) sn["field"] = sel.field;
      sels.push_back(sn);
    }
    if (sels.size() > 0) kn["selectors"] = sels;
    if (!k.bearer_token.empty()) kn["bearer_token"] = print_secret(k.bearer_token);
    if (!k.bearer_token_file.empty()) kn["bearer_token_file"] = k.bearer_token_file;
    if (!k.basic_auth_username.empty()) {
      kn["basic_auth"]["username"] = k.basic_auth_username;
      kn["basic_auth"]["password"] = print_secret(k.basic_auth_password);
    }
    if (!k.ca_file.empty()) kn["tls_config"]["ca_file"] = k.ca_file;
    if (!k.cert_file.empty()) kn["tls_config"]["cert_file"] = k.cert_file;
    if (!k.key_file.empty()) kn["tls_config"]["key_file"] = k.key_file;
    if (k.insecure_skip_verify) kn["tls_config"]["insecure_skip_verify"] = true;
    kubes.push_back(kn);
  }
  if (kubes.size() > 0) n["kubernetes_sd_configs"] = kubes;
  YAML::Node dockers(YAML::NodeType::Sequence);
  for (const auto& d : s.docker_sd_configs) {
    YAML::Node dn;
    dn["host"] = d.host;
    dn["port"] = d.port;
    dn["host_networking_host"] = d.host_networking_host;
    dn["refresh_interval"] = print_duration(d.refresh_interval_ns);
    dn["match_first_network"] = d.match_first_network;
    YAML::Node filters(YAML::NodeType::Sequence);
    for (const auto& [name, values] : d.filters) {
      YAML::Node fn;
      fn["name"] = name;
      YAML::Node vs(YAML::NodeType::Sequence);
      for (const auto& v : values) vs.push_back(v);
      fn["values"] = vs;
      filters.push_back(fn);
    }
    if (filters.size() > 0) dn["filters"] = filters;
    if (!d.bearer_token.empty()) dn["bearer_token"] = print_secret(d.bearer_token);
    if (!d.bearer_token_file.empty()) dn["bearer_token_file"] = d.bearer_token_file;
    if (!d.basic_auth_username.empty()) {
      dn["basic_auth"]["username"] = d.basic_auth_username;
      if (!d.basic_auth_password.empty()) dn["basic_auth"]["password"] = print_secret(d.basic_auth_password);
      if (!d.basic_auth_password_file.empty()) dn["basic_auth"]["password_file"] = d.basic_auth_password_file;
    }
    if (!d.ca_file.empty()) dn["tls_config"]["ca_file"] = d.ca_file;
    if (!d.cert_file.empty()) dn["tls_config"]["cert_file"] = d.cert_file;
    if (!d.key_file.empty()) dn["tls_config"]["key_file"] = d.key_file;
    if (d.insecure_skip_verify) dn["tls_config"]["insecure_skip_verify"] = true;
    dockers.push_back(dn);
  }
  if (dockers.size() > 0) n["docker_sd_configs"] = dockers;
  if (s.syslog) {
    const SyslogSourceConfig& c = *s.syslog;
    YAML::Node sn;
    sn["listen_address"] = c.listen_address;
    sn["listen_protocol"] = c.listen_protocol;
    sn["idle_timeout"] = print_duration(c.idle_timeout);
    sn["label_structured_data"] = c.label_structured_data;
    sn["labels"] = print_labels(c.labels);
    sn["use_incoming_timestamp"] = c.use_incoming_timestamp;
    sn["use_rfc5424_message"] = c.use_rfc5424_message;
    sn["syslog_format"] = c.syslog_format;
    sn["max_message_length"] = c.max_message_length;
    sn["rfc3164_default_to_current_year"] = c.rfc3164_default_to_current_year;
    if (!c.tls_config.cert_file.empty()) sn["tls_config"]["cert_file"] = c.tls_config.cert_file;
    if (!c.tls_config.key_file.empty()) sn["tls_config"]["key_file"] = c.tls_config.key_file;
    if (!c.tls_config.ca_file.empty()) sn["tls_config"]["ca_file"] = c.tls_config.ca_file;
    n["syslog"] = sn;
  }
  if (s.loki_push_api) {
    const PushApiSourceConfig& c = *s.loki_push_api;
    YAML::Node pn;
    pn["server"]["http_listen_address"] = c.http_listen_address;
    pn["server"]["http_listen_port"] = c.http_listen_port;
    pn["server"]["http_server_read_timeout"] = print_duration(c.http_server_read_timeout);
    pn["server"]["http_server_write_timeout"] = print_duration(c.http_server_write_timeout);
    pn["server"]["http_server_idle_timeout"] = print_duration(c.http_server_idle_timeout);
    pn["labels"] = print_labels(c.labels);
    pn["use_incoming_timestamp"] = c.use_incoming_timestamp;
    n["loki_push_api"] = pn;
  }
  if (s.gelf) {
    YAML::Node gn;
    gn["listen_address"] = s.gelf->listen_address;
    gn["labels"] = print_labels(s.gelf->labels);
    gn["use_incoming_timestamp"] = s.gelf->use_incoming_timestamp;
    n["gelf"] = gn;
  }
  if (s.journal) {
    const JournalSourceConfig& c = *s.journal;
    YAML::Node jn;
    jn["max_age"] = print_duration(c.max_age);
    jn["json"] = c.json;
    jn["labels"] = print_labels(c.labels);
    jn["path"] = c.path;
    if (!c.matches.empty()) {
      std::string matches;
      for (const std::string& m : c.matches) matches += (matches.empty() ? "" : " ") + m;
      jn["matches"] = matches;
    }
    n["journal"] = jn;
  }
  YAML::Node rules(YAML::NodeType::Sequence);
  for (const auto& r : s.relabel_configs) rules.push_back(relabel::relabel_rule_to_yaml(r));
  if (rules.size() > 0) n["relabel_configs"] = rules;
  if (!s.pipeline_stages.empty()) n["pipeline_stages"] = YAML::Load(s.pipeline_stages);  // as written
  return n;
}

}  // namespace

std::string print_config(const Config& c) {
  YAML::Node root;
  root["server"] = server(c.server);
  YAML::Node clients(YAML::NodeType::Sequence);
  for (const auto& cl : c.clients) clients.push_back(client(cl));
  root["clients"] = clients;
  root["positions"]["filename"] = c.positions.filename;
  root["positions"]["sync_period"] = print_duration(c.positions.sync_period);
  root["positions"]["ignore_invalid_yaml"] = c.positions.ignore_invalid_yaml;
  YAML::Node scrapes(YAML::NodeType::Sequence);
  for (const auto& s : c.scrape_configs) scrapes.push_back(scrape(s));
  root["scrape_configs"] = scrapes;
  const LimitsConfig& l = c.limits_config;
  root["limits_config"]["readline_rate_enabled"] = l.readline_rate_enabled;
  root["limits_config"]["readline_rate"] = l.readline_rate;
  root["limits_config"]["readline_burst"] = l.readline_burst;
  root["limits_config"]["readline_rate_drop"] = l.readline_rate_drop;
  root["limits_config"]["max_streams"] = l.max_streams;
  root["limits_config"]["max_line_size"] = l.max_line_size;
  root["limits_config"]["max_line_size_truncate"] = l.max_line_size_truncate;
  root["target_config"]["sync_period"] = print_duration(c.target_config.sync_period);
  root["target_config"]["stdin"] = c.target_config.stdin;
  root["global"]["file_watch_config"]["min_poll_frequency"] =
      print_duration(c.file_watch_config.min_poll_frequency);
  root["global"]["file_watch_config"]["max_poll_frequency"] =
      print_duration(c.file_watch_config.max_poll_frequency);
  return config::emit_document(root);
}

}  // namespace logtail
