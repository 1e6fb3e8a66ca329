// promtail.yaml's syslog and loki_push_api blocks: Promtail's documented examples parse with
// their defaults, and unknown or unsupported keys are errors naming their path.
#include <doctest/doctest.h>

#include <string>

#include "logtail/config.h"

namespace {

std::string error_of(const std::string& yaml) {
  auto c = logtail::parse_config(yaml);
  return c.ok() ? "" : c.error();
}

}  // namespace

TEST_CASE("config sources: Promtail's syslog example and defaults") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: syslog
    syslog:
      listen_address: 0.0.0.0:1514
      labels:
        job: "syslog"
    relabel_configs:
      - source_labels: ['__syslog_message_hostname']
        target_label: 'host'
)");
  REQUIRE(c.ok());
  REQUIRE(c->scrape_configs[0].syslog.has_value());
  const auto& s = *c->scrape_configs[0].syslog;
  CHECK(s.listen_address == "0.0.0.0:1514");
  CHECK(s.listen_protocol == "tcp");
  CHECK(s.idle_timeout == 120 * model::kNanosPerSecond);
  CHECK(s.max_message_length == 8192);
  CHECK(s.syslog_format == "rfc5424");
  CHECK(s.labels.to_string() == "{job=\"syslog\"}");
  CHECK(!c->scrape_configs[0].loki_push_api.has_value());

  auto u = logtail::parse_config(R"(
scrape_configs:
  - job_name: s
    syslog: {listen_address: ":514", listen_protocol: udp, syslog_format: rfc3164, idle_timeout: 5m,
             max_message_length: 100, label_structured_data: true, use_incoming_timestamp: true,
             use_rfc5424_message: true, rfc3164_default_to_current_year: true}
)");
  REQUIRE(u.ok());
  const auto& us = *u->scrape_configs[0].syslog;
  CHECK(us.listen_protocol == "udp");
  CHECK(us.syslog_format == "rfc3164");
  CHECK(us.idle_timeout == 5 * model::kNanosPerMinute);
  CHECK(us.max_message_length == 100);
  CHECK(us.label_structured_data);
  CHECK(us.use_incoming_timestamp);
  CHECK(us.use_rfc5424_message);
  CHECK(us.rfc3164_default_to_current_year);
}

TEST_CASE("config sources: syslog errors name the key") {
  CHECK(error_of("scrape_configs: [{job_name: s, syslog: {listen_address: ':1', lables: {a: b}}}]") ==
        "scrape_configs[0].syslog: unknown field \"lables\"");
  CHECK(error_of("scrape_configs: [{job_name: s, syslog: {labels: {a: b}}}]") ==
        "scrape_configs[0].syslog.listen_address: must be set");
  CHECK(error_of("scrape_configs: [{job_name: s, syslog: {listen_address: ':1', listen_protocol: sctp}}]")
            .starts_with("scrape_configs[0].syslog.listen_protocol: unsupported protocol \"sctp\""));
  CHECK(error_of("scrape_configs: [{job_name: s, syslog: {listen_address: ':1', syslog_format: rfc9999}}]") ==
        "scrape_configs[0].syslog.syslog_format: unknown syslog format \"rfc9999\"");
  CHECK(error_of("scrape_configs: [{job_name: s, syslog: {listen_address: ':1', tls_config: {cert_file: c}}}]") ==
        "scrape_configs[0].syslog.tls_config: certificate and key files are required (cert_file, key_file)");
  CHECK(error_of("scrape_configs: [{job_name: s, syslog: {listen_address: ':1', idle_timeout: soon}}]")
            .starts_with("scrape_configs[0].syslog.idle_timeout:"));
}

TEST_CASE("config sources: Promtail's loki_push_api example, strict server block") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: push1
    loki_push_api:
      server:
        http_listen_port: 3500
        grpc_listen_port: 0
      labels:
        pushserver: push1
      use_incoming_timestamp: true
)");
  REQUIRE(c.ok());
  REQUIRE(c->scrape_configs[0].loki_push_api.has_value());
  const auto& p = *c->scrape_configs[0].loki_push_api;
  CHECK(p.http_listen_port == 3500);
  CHECK(p.labels.to_string() == "{pushserver=\"push1\"}");
  CHECK(p.use_incoming_timestamp);

  CHECK(error_of("scrape_configs: [{job_name: p, loki_push_api: {server: {http_listen_port: 3500, "
                 "grpc_listen_port: 3600}}}]")
            .starts_with("scrape_configs[0].loki_push_api.server.grpc_listen_port: not supported"));
  CHECK(error_of("scrape_configs: [{job_name: p, loki_push_api: {server: {http_port: 1}}}]") ==
        "scrape_configs[0].loki_push_api.server: unknown field \"http_port\"");
  CHECK(error_of("scrape_configs: [{job_name: p, loki_push_api: {labelz: {a: b}}}]") ==
        "scrape_configs[0].loki_push_api: unknown field \"labelz\"");
}

TEST_CASE("config sources: Promtail's journal example") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: journal
    journal:
      json: false
      max_age: 12h
      path: /var/log/journal
      labels:
        job: systemd-journal
    relabel_configs:
      - source_labels: ['__journal__systemd_unit']
        target_label: 'unit'
)");
  REQUIRE(c.ok());
  REQUIRE(c->scrape_configs[0].journal.has_value());
  const auto& j = *c->scrape_configs[0].journal;
  CHECK(j.max_age == 12 * model::kNanosPerHour);
  CHECK(!j.json);
  CHECK(j.path == "/var/log/journal");
  CHECK(j.labels.to_string() == "{job=\"systemd-journal\"}");
  auto d = logtail::parse_config("scrape_configs: [{job_name: j, journal: {}}]");
  REQUIRE(d.ok());
  CHECK(d->scrape_configs[0].journal->max_age == 7 * model::kNanosPerHour);
  CHECK(d->scrape_configs[0].journal->matches.empty());
  CHECK(error_of("scrape_configs: [{job_name: j, journal: {max_ag: 1h}}]") ==
        "scrape_configs[0].journal: unknown field \"max_ag\"");
}

TEST_CASE("config sources: print_config shows the source blocks with their defaults, and reparses") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: s
    syslog: {listen_address: "127.0.0.1:1514", labels: {job: syslog}}
  - job_name: p
    loki_push_api: {server: {http_listen_port: 3500}, labels: {pushserver: push1}}
  - job_name: j
    journal: {path: /var/log/journal}
)");
  REQUIRE(c.ok());
  std::string printed = logtail::print_config(*c);
  CHECK(printed.find("idle_timeout: 2m0s") != std::string::npos);
  CHECK(printed.find("max_message_length: 8192") != std::string::npos);
  CHECK(printed.find("http_listen_port: 3500") != std::string::npos);
  CHECK(printed.find("max_age: 7h0m0s") != std::string::npos);
  auto again = logtail::parse_config(printed);
  REQUIRE(again.ok());
  CHECK(again->scrape_configs[0].syslog->listen_address == "127.0.0.1:1514");
  CHECK(again->scrape_configs[1].loki_push_api->labels.to_string() == "{pushserver=\"push1\"}");
  CHECK(again->scrape_configs[2].journal->path == "/var/log/journal");
}

TEST_CASE("config sources: journal matches are space-separated FIELD=value terms, without \"+\"") {
  auto c = logtail::parse_config(
      "scrape_configs: [{job_name: j, journal: {matches: '_SYSTEMD_UNIT=demo.service  PRIORITY=3'}}]");
  REQUIRE(c.ok());
  CHECK(c->scrape_configs[0].journal->matches == std::vector<std::string>{"_SYSTEMD_UNIT=demo.service", "PRIORITY=3"});
  // Promtail splits a term on '=' and wants exactly two parts.
  CHECK(error_of("scrape_configs: [{job_name: j, journal: {matches: 'X=a=b'}}]")
            .starts_with("scrape_configs[0].journal.matches: \"X=a=b\" is not a journal match"));
  CHECK(error_of("scrape_configs: [{job_name: j, journal: {matches: 'A=1 + B=2'}}]") ==
        "scrape_configs[0].journal.matches: \"+\" (OR of match groups) is not supported, as in Promtail: every "
        "term must hold");
  CHECK(error_of("scrape_configs: [{job_name: j, journal: {matches: 'unit=x'}}]") ==
        "scrape_configs[0].journal.matches: \"unit=x\" is not a journal match (FIELD=value, FIELD of A-Z, 0-9 "
        "and _, one =)");
  CHECK(error_of("scrape_configs: [{job_name: j, journal: {matches: 'PRIORITY'}}]")
            .starts_with("scrape_configs[0].journal.matches: \"PRIORITY\" is not a journal match"));
  CHECK(error_of("scrape_configs: [{job_name: j, journal: {matches: '__CURSOR=x'}}]")
            .starts_with("scrape_configs[0].journal.matches: \"__CURSOR=x\" is not a journal match"));
}

TEST_CASE("config sources: syslog tls_config takes Promtail's honoured keys; the others are errors") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: s
    syslog:
      listen_address: 127.0.0.1:6514
      tls_config: {cert_file: /s.crt, key_file: /s.key, ca_file: /ca.crt, insecure_skip_verify: false}
)");
  REQUIRE(c.ok());
  const auto& t = c->scrape_configs[0].syslog->tls_config;
  CHECK(t.cert_file == "/s.crt");
  CHECK(t.key_file == "/s.key");
  CHECK(t.ca_file == "/ca.crt");
  CHECK(!logtail::parse_config("scrape_configs: [{job_name: s, syslog: {listen_address: ':1'}}]")
             ->scrape_configs[0].syslog->tls_config.enabled());
  const std::string head = "scrape_configs: [{job_name: s, syslog: {listen_address: ':1', ";
  CHECK(error_of(head + "tls_config: {cert_file: c, key_file: k, server_name: x}}}]") ==
        "scrape_configs[0].syslog.tls_config.server_name: not supported: the syslog listener uses only cert_file, "
        "key_file and ca_file (Promtail ignores the rest)");
  CHECK(error_of(head + "tls_config: {cert_file: c, key_file: k, min_version: TLS13}}}]")
            .starts_with("scrape_configs[0].syslog.tls_config.min_version: not supported"));
  CHECK(error_of(head + "tls_config: {cert_file: c, key_file: k, insecure_skip_verify: true}}}]")
            .starts_with("scrape_configs[0].syslog.tls_config.insecure_skip_verify: not supported"));
  CHECK(error_of(head + "tls_config: {cert_file: c, key_file: k, cert_fil: x}}}]") ==
        "scrape_configs[0].syslog.tls_config: unknown field \"cert_fil\"");
  CHECK(error_of(head + "tls_config: {ca_file: ca}}}]") ==
        "scrape_configs[0].syslog.tls_config: certificate and key files are required (cert_file, key_file)");
  CHECK(error_of(head + "listen_protocol: udp, tls_config: {cert_file: c, key_file: k}}}]") ==
        "scrape_configs[0].syslog.tls_config: TLS needs listen_protocol tcp");
}

TEST_CASE("config sources: Promtail's gelf example, defaults and unknown keys") {
  auto c = logtail::parse_config(R"(
scrape_configs:
  - job_name: gelf
    gelf:
      use_incoming_timestamp: false
      labels:
        job: gelf
    relabel_configs:
      - action: replace
        source_labels: [__gelf_message_host]
        target_label: host
)");
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error()));
  REQUIRE(c->scrape_configs[0].gelf.has_value());
  const auto& g = *c->scrape_configs[0].gelf;
  CHECK(g.listen_address == "0.0.0.0:12201");
  CHECK(g.labels.to_string() == "{job=\"gelf\"}");
  CHECK_FALSE(g.use_incoming_timestamp);
  auto p = logtail::parse_config("scrape_configs: [{job_name: g, gelf: {listen_address: '127.0.0.1:5555'}}]");
  REQUIRE(p.ok());
  CHECK(p->scrape_configs[0].gelf->listen_address == "127.0.0.1:5555");
  CHECK(logtail::print_config(*p).find("listen_address: 127.0.0.1:5555") != std::string::npos);
  CHECK(error_of("scrape_configs: [{job_name: g, gelf: {listen_adress: ':1'}}]") ==
        "scrape_configs[0].gelf: unknown field \"listen_adress\"");
}
