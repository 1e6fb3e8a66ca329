// The push and listen sources of a promtail.yaml scrape config: `syslog`, `loki_push_api`,
// `journal` and `gelf`, with Promtail's keys and defaults (read strictly by config_sources_yaml.cpp).
//
// Thread-safety: pure functions; the configs are values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/labels.h"
#include "model/time.h"
#include "util/result.h"

namespace logtail {

// scrape_configs[].syslog.tls_config: the keys Promtail's syslog target honours (the other keys
// of Prometheus's TLSConfig are errors: Promtail accepts them and ignores them).
struct SyslogTlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string ca_file;  // set: client certificates are required and verified against it
  bool enabled() const { return !cert_file.empty() || !key_file.empty() || !ca_file.empty(); }
};

// scrape_configs[].syslog (Promtail's SyslogTargetConfig).
struct SyslogSourceConfig {
  std::string listen_address;           // required, "host:port"
  std::string listen_protocol = "tcp";  // tcp, udp
  int64_t idle_timeout = 120 * model::kNanosPerSecond;
  bool label_structured_data = false;
  model::LabelSet labels;
  bool use_incoming_timestamp = false;
  bool use_rfc5424_message = false;
  std::string syslog_format = "rfc5424";  // rfc5424, rfc3164
  int64_t max_message_length = 8192;
  bool rfc3164_default_to_current_year = false;
  SyslogTlsConfig tls_config;  // TCP only
};

// scrape_configs[].loki_push_api (Promtail's PushTargetConfig): its own HTTP server.
struct PushApiSourceConfig {
  std::string http_listen_address;  // empty: all interfaces
  int64_t http_listen_port = 80;    // the server block's default, as Promtail's
  int64_t http_server_read_timeout = 30 * model::kNanosPerSecond;
  int64_t http_server_write_timeout = 30 * model::kNanosPerSecond;
  int64_t http_server_idle_timeout = 120 * model::kNanosPerSecond;
  model::LabelSet labels;
  bool use_incoming_timestamp = false;
};

// scrape_configs[].journal (Promtail's JournalTargetConfig).
struct JournalSourceConfig {
  int64_t max_age = 7 * model::kNanosPerHour;  // oldest entry read, relative to now
  bool json = false;                            // the line is every field as JSON
  model::LabelSet labels;
  std::string path;  // a journal directory; empty: the system journal
  // `matches`: "FIELD=value" terms, space-separated in the YAML string. sd-journal requires
  // every field named and, for a field named twice, either value (Promtail has no "+" OR).
  std::vector<std::string> matches;
};

// scrape_configs[].gelf (Promtail's GelfTargetConfig): a GELF UDP listener.
struct GelfSourceConfig {
  std::string listen_address = "0.0.0.0:12201";
  model::LabelSet labels;
  bool use_incoming_timestamp = false;
};

// Splits Promtail's `matches` string into "FIELD=value" terms; rejects "+" and malformed terms.
util::Result<std::vector<std::string>> parse_journal_matches(const std::string& text);

}  // namespace logtail
