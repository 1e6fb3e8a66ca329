// syslog, journal, gelf and loki_push_api sections of a scrape config (see config_yaml.h).
#include "logtail/config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <cctype>

#include "config/field_reader.h"

namespace logtail {

using config::FieldReader;

util::Status parse_syslog_source(const YAML::Node& node, const std::string& path, SyslogSourceConfig& s) {
  FieldReader r(node, path);
  r.read_string("listen_address", s.listen_address);
  if (s.listen_address.empty()) r.fail(r.path_of("listen_address") + ": must be set");
  r.read_string("listen_protocol", s.listen_protocol);
  if (s.listen_protocol.empty()) s.listen_protocol = "tcp";
  if (s.listen_protocol != "tcp" && s.listen_protocol != "udp") {
    r.fail(r.path_of("listen_protocol") + ": unsupported protocol \"" + s.listen_protocol +
           "\" (tcp, udp)");
  }
  r.read_duration("idle_timeout", s.idle_timeout);
  if (s.idle_timeout == 0) s.idle_timeout = 120 * model::kNanosPerSecond;  // Promtail: 0 = default
  r.read_bool("label_structured_data", s.label_structured_data);
  r.read_labels("labels", s.labels);
  r.read_bool("use_incoming_timestamp", s.use_incoming_timestamp);
  r.read_bool("use_rfc5424_message", s.use_rfc5424_message);
  r.read_string("syslog_format", s.syslog_format);
  if (s.syslog_format.empty()) s.syslog_format = "rfc5424";
  if (s.syslog_format == "raw") {
    r.fail(r.path_of("syslog_format") + ": \"raw\" not supported yet (rfc5424, rfc3164)");
  } else if (s.syslog_format != "rfc5424" && s.syslog_format != "rfc3164") {
    r.fail(r.path_of("syslog_format") + ": unknown syslog format \"" + s.syslog_format + "\"");
  }
  r.read_int("max_message_length", s.max_message_length, 0, 1 << 30);
  if (s.max_message_length == 0) s.max_message_length = 8192;  // Promtail: 0 = default
  r.read_bool("rfc3164_default_to_current_year", s.rfc3164_default_to_current_year);
  if (YAML::Node tls = r.child("tls_config"); tls.IsDefined()) {
    FieldReader tr(tls, r.path_of("tls_config"));
    tr.read_string("cert_file", s.tls_config.cert_file);
    tr.read_string("key_file", s.tls_config.key_file);
    tr.read_string("ca_file", s.tls_config.ca_file);
    const std::string why = "the syslog listener uses only cert_file, key_file and ca_file (Promtail ignores the rest)";
    for (const char* key : {"ca", "cert", "key", "ca_ref", "cert_ref", "key_ref", "server_name", "min_version",
                            "max_version"}) {
      tr.reject(key, why, /*ever=*/true);
    }
    tr.reject_unless("insecure_skip_verify", "false", why, /*ever=*/true);  // false changes nothing
    if (s.tls_config.enabled() && (s.tls_config.cert_file.empty() || s.tls_config.key_file.empty())) {
      tr.fail(r.path_of("tls_config") + ": certificate and key files are required (cert_file, key_file)");
    }
    if (s.tls_config.enabled() && s.listen_protocol == "udp") {
      tr.fail(r.path_of("tls_config") + ": TLS needs listen_protocol tcp");
    }
    if (auto st = tr.finish(); !st.ok()) r.fail(st.error());
  }
  r.reject("raw_format_options", "syslog_format raw");
  return r.finish();
}

util::Status parse_gelf_source(const YAML::Node& node, const std::string& path, GelfSourceConfig& g) {
  FieldReader r(node, path);
  r.read_string("listen_address", g.listen_address);
  if (g.listen_address.empty()) g.listen_address = "0.0.0.0:12201";  // Promtail's default for an empty one
  r.read_labels("labels", g.labels);
  r.read_bool("use_incoming_timestamp", g.use_incoming_timestamp);
  return r.finish();
}

util::Status parse_journal_source(const YAML::Node& node, const std::string& path, JournalSourceConfig& j) {
  FieldReader r(node, path);
  r.read_duration("max_age", j.max_age);
  if (j.max_age <= 0) j.max_age = 7 * model::kNanosPerHour;  // Promtail: unset = 7h
  r.read_bool("json", j.json);
  r.read_labels("labels", j.labels);
  r.read_string("path", j.path);
  std::string matches;
  r.read_string("matches", matches);
  if (auto m = parse_journal_matches(matches); m.ok()) {
    j.matches = std::move(*m);
  } else {
    r.fail(r.path_of("matches") + ": " + m.error());
  }
  return r.finish();
}

util::Result<std::vector<std::string>> parse_journal_matches(const std::string& text) {
  std::vector<std::string> terms;
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    std::string term = text.substr(i, end - i);
    i = end;
    if (term == "+") {
      return util::Error{"\"+\" (OR of match groups) is not supported, as in Promtail: every term must hold"};
    }
    // sd_journal_add_match's rule for the field: A-Z, 0-9 and "_", not starting with "__".
    size_t eq = term.find('=');
    std::string field = term.substr(0, eq);
    // Promtail splits each term on '=' and wants exactly two parts: a value with '=' is refused.
    bool valid = eq != std::string::npos && term.find('=', eq + 1) == std::string::npos && !field.empty() &&
                 !field.starts_with("__");
    for (char c : field) valid = valid && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
    if (!valid) {
      return util::Error{"\"" + term + "\" is not a journal match (FIELD=value, FIELD of A-Z, 0-9 and _, one =)"};
    }
    terms.push_back(std::move(term));
  }
  return terms;
}

util::Status parse_push_api_source(const YAML::Node& node, const std::string& path, PushApiSourceConfig& p) {
  FieldReader r(node, path);
  if (YAML::Node server = r.child("server"); server.IsDefined()) {
    FieldReader sr(server, r.path_of("server"));
    sr.read_string("http_listen_address", p.http_listen_address);
    sr.read_int("http_listen_port", p.http_listen_port, 0, 65535);
    int64_t grpc_port = 0;
    sr.read_int("grpc_listen_port", grpc_port, 0, 65535);
    if (grpc_port != 0) {
      sr.fail(sr.path_of("grpc_listen_port") + ": not supported: logtail receives pushes over HTTP only (set it to 0)");
    }
    std::string ignored;
    sr.read_string("grpc_listen_address", ignored);
    sr.read_duration("http_server_read_timeout", p.http_server_read_timeout);
    sr.read_duration("http_server_write_timeout", p.http_server_write_timeout);
    sr.read_duration("http_server_idle_timeout", p.http_server_idle_timeout);
    for (const char* key : {"http_listen_network", "http_tls_config", "grpc_tls_config",
                            "http_path_prefix", "register_instrumentation", "graceful_shutdown_timeout",
                            "log_level", "log_format", "grpc_server_max_recv_msg_size",
                            "grpc_server_max_send_msg_size", "grpc_server_max_concurrent_streams"}) {
      sr.reject(key, "in a loki_push_api server block");
    }
    if (auto st = sr.finish(); !st.ok()) r.fail(st.error());
  }
  r.read_labels("labels", p.labels);
  r.read_bool("use_incoming_timestamp", p.use_incoming_timestamp);
  return r.finish();
}

}  // namespace logtail
