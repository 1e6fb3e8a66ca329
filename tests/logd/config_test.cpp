#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "logd/config.h"
#include "logd/flags.h"

using logd::Config;
using logd::parse_command_line;
using logd::parse_config;

TEST_CASE("logd config: an empty document is the embedded default") {
  auto c = parse_config("");
  REQUIRE(c.ok());
  CHECK(c->server.http_listen_address == "127.0.0.1");
  CHECK(c->server.http_listen_port == 3100);
  CHECK(c->common.path_prefix == "./data");
  CHECK_FALSE(c->auth_enabled);
  CHECK(c->target == "all");
  CHECK(c->wal_dir() == "./data/wal");
  CHECK(c->store_dir() == "./data/store");
  // Loki 3.x defaults.
  CHECK(c->limits_config.ingestion_rate_mb == 4);
  CHECK(c->limits_config.ingestion_burst_size_mb == 6);
  CHECK(c->limits_config.max_entries_limit_per_query == 5000);
  CHECK(c->limits_config.max_query_series == 500);
  CHECK(c->limits_config.max_streams() == 5000);
  CHECK(c->ingester.chunk_target_size == 1572864);
  CHECK(c->ingester.max_chunk_age == 2 * model::kNanosPerHour);
}

TEST_CASE("logd config: Loki key names map onto the structs") {
  auto c = parse_config(R"(
auth_enabled: true
server:
  http_listen_port: 3200
  grpc_listen_port: 0
common:
  path_prefix: /var/lib/logd
  replication_factor: 1
ingester:
  chunk_target_size: 2MB
  chunk_idle_period: 1h
  max_chunk_age: 30m
  wal:
    enabled: true
    dir: /wal
    checkpoint_duration: 1m
limits_config:
  ingestion_rate_mb: 10
  ingestion_burst_size_mb: 20
  max_line_size: 1KB
  max_line_size_truncate: true
  max_label_names_per_series: 30
  reject_old_samples: false
  reject_old_samples_max_age: 168h
  creation_grace_period: 5m
  max_streams_per_user: 100
  max_global_streams_per_user: 0
  max_entries_limit_per_query: 10000
  query_timeout: 2m
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->auth_enabled);
  CHECK(c->server.http_listen_port == 3200);
  CHECK(c->common.path_prefix == "/var/lib/logd");
  CHECK(c->ingester.chunk_target_size == 2000000);
  CHECK(c->ingester.chunk_idle_period == model::kNanosPerHour);
  CHECK(c->wal_dir() == "/wal");
  CHECK(c->ingester.wal.checkpoint_duration == model::kNanosPerMinute);
  CHECK(c->limits_config.ingestion_rate_bytes() == 10.0 * 1024 * 1024);
  CHECK(c->limits_config.push.max_line_size == 1000);
  CHECK(c->limits_config.push.max_line_size_truncate);
  CHECK(c->limits_config.push.max_label_names_per_series == 30);
  CHECK_FALSE(c->limits_config.push.reject_old_samples);
  CHECK(c->limits_config.push.creation_grace_period == 5 * model::kNanosPerMinute);
  CHECK(c->limits_config.max_streams() == 100);
  CHECK(c->limits_config.max_entries_limit_per_query == 10000);
  CHECK(c->limits_config.query_timeout == 2 * model::kNanosPerMinute);
}

TEST_CASE("logd config: unknown keys are errors naming their path") {
  auto c = parse_config("ingester:\n  chunk_taget_size: 1\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() == "ingester: unknown field \"chunk_taget_size\"");
  c = parse_config("limits_config:\n  max_line_size: 1KB\n  bogus: 1\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() == "limits_config: unknown field \"bogus\"");
  c = parse_config("nonsense: 1\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() == "configuration: unknown field \"nonsense\"");
}

TEST_CASE("logd config: known but unsupported Loki keys say so") {
  auto c = parse_config("memberlist:\n  join_members: [a]\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("memberlist: not supported") == 0);
  c = parse_config("server:\n  grpc_tls_config:\n    cert_file: x\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("server.grpc_tls_config: not supported") == 0);
  c = parse_config("target: querier\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("target querier needs the ingester ring: set common.ring.kvstore") == 0);
  c = parse_config("target: reader\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("target: unrecognised module name \"reader\"") == 0);
}

TEST_CASE("logd config: bad values name the key") {
  auto c = parse_config("server:\n  http_listen_port: 70000\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() == "server.http_listen_port: 70000 is out of range [0, 65535]");
  c = parse_config("limits_config:\n  query_timeout: soon\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("limits_config.query_timeout:") == 0);
  c = parse_config("auth_enabled: maybe\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().find("auth_enabled: cannot parse") == 0);
  c = parse_config("server: [1, 2]\n");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() == "server: expected a mapping");
}

TEST_CASE("logd config: print_config round-trips") {
  auto c = parse_config("auth_enabled: true\nlimits_config:\n  max_line_size: 5000\n  query_timeout: 90s\n");
  REQUIRE(c.ok());
  std::string yaml = logd::print_config(*c);
  CHECK(yaml.find("http_listen_port: 3100") != std::string::npos);
  CHECK(yaml.find("query_timeout: 1m30s") != std::string::npos);
  auto again = parse_config(yaml);
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(logd::print_config(*again) == yaml);
  CHECK(again->auth_enabled);
  CHECK(again->limits_config.push.max_line_size == 5000);
}

TEST_CASE("logd flags: Loki's single-dash forms, overriding the file") {
  std::string path = "/tmp/logd_config_test_" + std::to_string(::getpid()) + ".yaml";
  {
    std::ofstream f(path);
    f << "server:\n  http_listen_port: 4000\ncommon:\n  path_prefix: /from/file\n";
  }
  auto cl = parse_command_line({"-config.file=" + path, "-server.http-listen-port", "5000", "-auth.enabled",
                                "--log.level=debug"});
  std::remove(path.c_str());
  REQUIRE_MESSAGE(cl.ok(), cl.error());
  CHECK(cl->config.server.http_listen_port == 5000);  // the flag wins over the file
  CHECK(cl->config.common.path_prefix == "/from/file");
  CHECK(cl->config.auth_enabled);
  CHECK(cl->config.server.log_level == "debug");

  auto none = parse_command_line({});
  REQUIRE(none.ok());
  CHECK(none->config.server.http_listen_port == 3100);
  CHECK(none->config.common.path_prefix == "./data");

  CHECK(parse_command_line({"-print-config"})->print_config);
  CHECK(parse_command_line({"-auth.enabled=false"})->config.auth_enabled == false);
  CHECK(parse_command_line({"-common.path-prefix=/x"})->config.store_dir() == "/x/store");
}

TEST_CASE("logd flags: errors name the flag") {
  auto r = parse_command_line({"-target=read"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("target read needs the ingester ring") == 0);
  r = parse_command_line({"-server.http-listen-port=http"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "-server.http-listen-port: invalid integer value \"http\"");
  r = parse_command_line({"-no.such-flag"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "flag provided but not defined: -no.such-flag");
  r = parse_command_line({"-config.file"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "flag needs an argument: -config.file");  // Go's flag package wording, as Loki
  r = parse_command_line({"-config.file=/nonexistent/logd.yaml"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("reading config file") == 0);
  r = parse_command_line({"-log.level=loud"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("server.log_level") == 0);
}

TEST_CASE("logd config: retention as Loki configures it (limits_config and the compactor block)") {
  auto c = parse_config(R"(
limits_config:
  retention_period: 744h
  retention_stream:
    - selector: '{namespace="dev"}'
      priority: 1
      period: 24h
compactor:
  working_directory: /loki/compactor
  compaction_interval: 10m
  retention_enabled: true
  retention_delete_delay: 2h
  retention_delete_worker_count: 150
  delete_request_store: filesystem
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->limits_config.retention_period == 744 * model::kNanosPerHour);
  REQUIRE(c->limits_config.retention_stream.size() == 1);
  CHECK(c->limits_config.retention_stream[0].selector == "{namespace=\"dev\"}");
  CHECK(c->limits_config.retention_stream[0].priority == 1);
  CHECK(c->limits_config.retention_stream[0].period == 24 * model::kNanosPerHour);
  CHECK(c->compactor.retention_enabled);
  CHECK(c->compactor.compaction_interval == 10 * model::kNanosPerMinute);
  CHECK(c->compactor.retention_delete_delay == 2 * model::kNanosPerHour);
  CHECK(c->compactor.delete_request_store == "filesystem");

  // Loki's minimum of 24h, a selector LogQL refuses, keys logd cannot honour.
  auto bad = parse_config("limits_config:\n  retention_period: 12h\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "limits_config.retention_period: must be 0 (keep forever) or at least 24h");
  bad = parse_config("limits_config:\n  retention_stream: [{selector: '{app=~\".*\"}', period: 48h}]\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("limits_config.retention_stream[0].selector: ") == 0);
  bad = parse_config("limits_config:\n  retention_stream: [{selector: '{app=\"x\"}', period: 1h}]\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "limits_config.retention_stream[0].period: must be at least 24h");
  bad = parse_config("limits_config:\n  retention_stream: [{selector: '{app=\"x\"}', period: 48h, prio: 1}]\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("limits_config.retention_stream[0]: unknown field \"prio\"") == 0);
  bad = parse_config("compactor:\n  shared_store: s3\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("compactor.shared_store: not supported") == 0);

  // The flags Loki has for the same settings.
  auto cl = parse_command_line({"-compactor.retention-enabled", "-store.retention=48h",
                                "-compactor.retention-delete-delay=0s", "-compactor.compaction-interval=1m"});
  REQUIRE_MESSAGE(cl.ok(), cl.error());
  CHECK(cl->config.compactor.retention_enabled);
  CHECK(cl->config.limits_config.retention_period == 48 * model::kNanosPerHour);
  CHECK(cl->config.compactor.retention_delete_delay == 0);
  CHECK(cl->config.compactor.compaction_interval == model::kNanosPerMinute);
}

TEST_CASE("logd config: server.http_tls_config and its flags, as dskit names them") {
  auto c = parse_config(R"(
server:
  http_tls_config:
    cert_file: /etc/logd/server.crt
    key_file: /etc/logd/server.key
    client_auth_type: RequireAndVerifyClientCert
    client_ca_file: /etc/logd/ca.crt
  tls_min_version: VersionTLS12
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->server.http_tls_config.cert_file == "/etc/logd/server.crt");
  CHECK(c->server.http_tls_config.key_file == "/etc/logd/server.key");
  CHECK(c->server.http_tls_config.client_ca_file == "/etc/logd/ca.crt");
  auto tls = logd::http_tls_options(c->server);
  REQUIRE_MESSAGE(tls.ok(), tls.error());
  CHECK(tls->enabled());
  CHECK(tls->client_auth == http::ClientAuth::kRequireAndVerifyClientCert);
  CHECK(tls->min_version == 0x0303);
  // print_config keeps the block, so -print-config output is a config logd accepts again.
  auto again = parse_config(logd::print_config(*c));
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(again->server.http_tls_config.client_auth_type == "RequireAndVerifyClientCert");
  CHECK(again->server.tls_min_version == "VersionTLS12");
  // No block: plain HTTP, as before.
  auto plain = logd::http_tls_options(parse_config("")->server);
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->enabled());

  auto cl = parse_command_line({"-server.http-tls-cert-path=/c.pem", "-server.http-tls-key-path", "/k.pem",
                                "-server.http-tls-client-auth=VerifyClientCertIfGiven", "-server.http-tls-ca-path=/ca.pem",
                                "-server.tls-min-version=VersionTLS13"});
  REQUIRE_MESSAGE(cl.ok(), cl.error());
  CHECK(cl->config.server.http_tls_config.cert_file == "/c.pem");
  CHECK(cl->config.server.http_tls_config.key_file == "/k.pem");
  CHECK(cl->config.server.http_tls_config.client_auth_type == "VerifyClientCertIfGiven");
  CHECK(cl->config.server.http_tls_config.client_ca_file == "/ca.pem");
  CHECK(cl->config.server.tls_min_version == "VersionTLS13");
}

TEST_CASE("logd config: http_tls_config mistakes are errors naming the key") {
  auto error_of = [](const std::string& yaml) {
    auto c = parse_config(yaml);
    return c.ok() ? std::string("(accepted)") : c.error();
  };
  CHECK(error_of("server:\n  http_tls_config:\n    cert_file: a\n    key_file: b\n    min_version: VersionTLS12\n")
            .find("server.http_tls_config: unknown field \"min_version\"") == 0);
  CHECK(error_of("server:\n  http_tls_config:\n    cipher_suites: x\n")
            .find("server.http_tls_config: unknown field \"cipher_suites\"") == 0);
  CHECK(error_of("server:\n  tls_cipher_suites: TLS_AES_128_GCM_SHA256\n")
            .find("server.tls_cipher_suites: not supported") == 0);
  CHECK(error_of("server:\n  tls_min_version: TLS12\n").find("server.tls_min_version: unknown TLS version \"TLS12\"") == 0);
  CHECK(error_of("server:\n  http_tls_config:\n    cert_file: a\n    key_file: b\n    client_auth_type: Sometimes\n")
            .find("server.http_tls_config.client_auth_type: invalid client auth type \"Sometimes\"") == 0);
  CHECK(error_of("server:\n  http_tls_config:\n    cert_file: a\n") ==
        "server.http_tls_config: cert_file and key_file must be set together");
  CHECK(error_of("server:\n  http_tls_config:\n    cert_file: a\n    key_file: b\n    client_ca_file: ca\n")
            .find("server.http_tls_config: client_ca_file is set without a client_auth_type") == 0);
  CHECK(error_of("server:\n  http_tls_config:\n    client_auth_type: RequireAndVerifyClientCert\n")
            .find("server.http_tls_config: client_auth_type and client_ca_file need cert_file and key_file") == 0);
  // Go's names, including the exporter-toolkit's old spelling; a null block is no TLS.
  for (const char* name : {"NoClientCert", "RequestClientCert", "RequireAnyClientCert", "RequireClientCert",
                           "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"}) {
    CHECK_MESSAGE(error_of(std::string("server:\n  http_tls_config:\n    cert_file: a\n    key_file: b\n"
                                       "    client_auth_type: ") + name + "\n") == "(accepted)", name);
  }
  CHECK(error_of("server:\n  http_tls_config:\n") == "(accepted)");
  // Flags are checked after they override the file.
  auto cl = parse_command_line({"-server.http-tls-cert-path=/c.pem"});
  REQUIRE_FALSE(cl.ok());
  CHECK(cl.error() == "server.http_tls_config: cert_file and key_file must be set together");
}

TEST_CASE("logd config: limits_config.otlp_config and distributor.otlp_config") {
  auto c = parse_config(R"(
distributor:
  otlp_config:
    default_resource_attributes_as_index_labels: [service.name, team]
limits_config:
  otlp_config:
    resource_attributes:
      ignore_defaults: false
      attributes_config:
        - action: index_label
          attributes: [host.name]
        - action: drop
          regex: k8s\.pod\..*
    scope_attributes:
      - action: drop
        attributes: [lib.internal]
    log_attributes:
      - action: structured_metadata
        regex: .*
    severity_text_as_label: true
)");
  REQUIRE_MESSAGE(c.ok(), (c.ok() ? std::string() : c.error()));
  const otlp::OtlpConfig& o = c->limits_config.otlp_config;
  CHECK(o.default_index_labels == std::vector<std::string>{"service.name", "team"});
  CHECK(o.resource_action("team") == otlp::Action::kIndexLabel);
  CHECK(o.resource_action("host.name") == otlp::Action::kIndexLabel);
  CHECK(o.resource_action("k8s.pod.name") == otlp::Action::kDrop);
  CHECK(o.resource_action("k8s.namespace.name") == otlp::Action::kStructuredMetadata);  // not in the new list
  CHECK(o.scope_action("lib.internal") == otlp::Action::kDrop);
  CHECK(o.severity_text_as_label);
  // Printed back and read again, the same config.
  auto again = parse_config(logd::print_config(*c));
  REQUIRE_MESSAGE(again.ok(), (again.ok() ? std::string() : again.error()));
  CHECK(again->limits_config.otlp_config == o);

  auto scope_label = parse_config("limits_config:\n  otlp_config:\n    scope_attributes:\n      - action: index_label\n"
                                  "        attributes: [a]\n");
  REQUIRE_FALSE(scope_label.ok());
  CHECK(scope_label.error().find("limits_config.otlp_config") != std::string::npos);
  auto bad_action = parse_config("limits_config:\n  otlp_config:\n    log_attributes:\n      - action: label\n"
                                 "        attributes: [a]\n");
  REQUIRE_FALSE(bad_action.ok());
  CHECK(bad_action.error().find("log_attributes[0].action: unsupported action") != std::string::npos);
  auto both = parse_config("limits_config:\n  otlp_config:\n    log_attributes:\n      - action: drop\n"
                           "        attributes: [a]\n        regex: b\n");
  CHECK_FALSE(both.ok());
  auto unknown = parse_config("limits_config:\n  otlp_config:\n    resource_attributes:\n      ignore_default: true\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().find("ignore_default") != std::string::npos);
}

TEST_CASE("logd config: deletion_mode and delete_request_cancel_period") {
  auto c = parse_config("limits_config: {deletion_mode: filter-only}\ncompactor: {delete_request_cancel_period: 1h}\n");
  REQUIRE(c.ok());
  CHECK(c->limits_config.deletion_mode == "filter-only");
  CHECK(c->compactor.delete_request_cancel_period == 3600LL * 1'000'000'000);
  CHECK(parse_config("").value().limits_config.deletion_mode == "filter-and-delete");
  auto bad = parse_config("limits_config: {deletion_mode: everything}\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("limits_config.deletion_mode") != std::string::npos);
}

TEST_CASE("logd flags: duration flags take Prometheus' syntax and name the flag when bad") {
  auto cl = parse_command_line({"-ingester.max-chunk-age=1m30s"});
  REQUIRE(cl.ok());
  CHECK(cl->config.ingester.max_chunk_age == 90'000'000'000);
  cl = parse_command_line({"-ingester.max-chunk-age=1d"});
  REQUIRE(cl.ok());
  CHECK(cl->config.ingester.max_chunk_age == 86'400'000'000'000);
  auto bad = parse_command_line({"-ingester.max-chunk-age=soon"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("-ingester.max-chunk-age: ") == 0);
}

TEST_CASE("logd config: runtime_config and auth blocks; their errors; -runtime-config flags") {
  auto c = parse_config(R"(
auth_enabled: true
runtime_config: {file: /etc/logd/overrides.yaml, period: 30s}
auth: {enabled: true, credentials_file: /etc/logd/credentials.yaml, reload_period: 5s, failed_login_delay: 2s}
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->runtime_config.file == "/etc/logd/overrides.yaml");
  CHECK(c->runtime_config.period == 30 * model::kNanosPerSecond);
  CHECK(c->auth.enabled);
  CHECK(c->auth.credentials_file == "/etc/logd/credentials.yaml");
  CHECK(c->auth.reload_period == 5 * model::kNanosPerSecond);
  CHECK(c->auth.failed_login_delay == 2 * model::kNanosPerSecond);
  auto again = parse_config(logd::print_config(*c));
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(again->runtime_config.file == c->runtime_config.file);
  CHECK(again->auth.credentials_file == c->auth.credentials_file);
  CHECK(again->auth.failed_login_max_delay == c->auth.failed_login_max_delay);

  CHECK(parse_config("runtime_config: {fiel: x}\n").error().find("runtime_config: unknown field \"fiel\"") !=
        std::string::npos);
  CHECK(parse_config("runtime_config: {file: 'a,b'}\n").error().find("not a comma-separated list") != std::string::npos);
  CHECK(parse_config("runtime_config: {period: 0s}\n").error().find("runtime_config.period: must be positive") !=
        std::string::npos);
  CHECK(parse_config("auth: {enabled: true, credentials_file: x}\n").error().find("requires auth_enabled: true") !=
        std::string::npos);
  CHECK(parse_config("auth_enabled: true\nauth: {enabled: true}\n").error().find("auth.credentials_file: required") !=
        std::string::npos);
  CHECK(parse_config("auth: {passwords: x}\n").error().find("auth: unknown field \"passwords\"") != std::string::npos);
  CHECK(parse_config("limits_config: {per_tenant_override_config: x}\n").error().find("runtime_config.file") !=
        std::string::npos);

  auto cl = parse_command_line({"-runtime-config.file=/o.yaml", "-runtime-config.reload-period=3s"});
  REQUIRE_MESSAGE(cl.ok(), cl.error());
  CHECK(cl->config.runtime_config.file == "/o.yaml");
  CHECK(cl->config.runtime_config.period == 3 * model::kNanosPerSecond);
}

TEST_CASE("logd config: pattern_ingester takes the keys logd honours and names the others") {
  auto c = logd::parse_config(R"(
pattern_ingester:
  enabled: true
  max_clusters: 50
  max_eviction_ratio: 0.5
  max_allowed_line_length: 1000
  retain_for: 1h
  pattern_sample_interval: 30s
  flush_check_period: 2m
  metric_aggregation:
    loki_address: localhost:3100
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  const pattern::PatternConfig& p = c->pattern_ingester;
  CHECK(p.enabled);
  CHECK(p.max_clusters == 50);
  CHECK(p.max_eviction_ratio == 0.5);
  CHECK(p.max_allowed_line_length == 1000);
  CHECK(p.retain_for == 3600LL * 1'000'000'000);
  CHECK(p.pattern_sample_interval == 30LL * 1'000'000'000);
  CHECK(p.flush_check_period == 120LL * 1'000'000'000);
  auto again = logd::parse_config(logd::print_config(*c));
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(again->pattern_ingester.max_clusters == 50);
  CHECK(again->pattern_ingester.retain_for == p.retain_for);
  CHECK_FALSE(logd::parse_config("").value().pattern_ingester.enabled);  // off, as in Loki

  for (const char* bad : {"pattern_ingester: {lifecycler: {ring: {}}}", "pattern_ingester: {concurrent_flushes: 4}",
                          "pattern_ingester: {max_chunk_age: 2h}", "pattern_ingester: {max_eviction_ratio: 0}",
                          "pattern_ingester: {retain_for: 1s, pattern_sample_interval: 10s}",
                          "pattern_ingester: {max_clusterz: 3}"}) {
    CAPTURE(bad);
    auto r = logd::parse_config(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find("pattern_ingester") != std::string::npos);
  }
  CHECK(logd::parse_config("pattern_ingester: {max_chunk_age: 1h}").ok());
}
