// promtail.yaml parsing: the talk's config, Promtail's documented defaults, strict errors naming
// the key path, unsupported keys, relabel_configs, pipeline_stages and the printer.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "logtail/config.h"
#include "relabel/relabel.h"
#include "stages/stages_yaml.h"

namespace {

logtail::Config parse_ok(const std::string& yaml) {
  auto c = logtail::parse_config(yaml);
  REQUIRE_MESSAGE(c.ok(), c.error());
  return std::move(*c);
}

std::string error_of(const std::string& yaml) {
  auto c = logtail::parse_config(yaml);
  return c.ok() ? std::string("<ok>") : c.error();
}

constexpr const char* kTalkConfig = R"(
server:
  http_listen_port: 9080
  grpc_listen_port: 0
positions:
  filename: /tmp/positions.yaml
clients:
  - url: http://localhost:3100/loki/api/v1/push
scrape_configs:
  - job_name: system
    static_configs:
      - targets: [localhost]
        labels:
          job: varlogs
          __path__: /var/log/*log
)";

}  // namespace

TEST_CASE("the talk's promtail.yaml parses, with Promtail's defaults elsewhere") {
  auto c = parse_ok(kTalkConfig);
  CHECK(c.server.http_listen_port == 9080);
  CHECK(c.server.grpc_listen_port == 0);
  CHECK(c.server.log_level == "info");
  CHECK(c.positions.filename == "/tmp/positions.yaml");
  CHECK(c.positions.sync_period == 10 * model::kNanosPerSecond);
  REQUIRE(c.clients.size() == 1);
  CHECK(c.clients[0].url == "http://localhost:3100/loki/api/v1/push");
  CHECK(c.clients[0].batchwait == model::kNanosPerSecond);
  CHECK(c.clients[0].batchsize == 1048576);
  CHECK(c.clients[0].timeout == 10 * model::kNanosPerSecond);
  CHECK(c.clients[0].backoff_config.min_period == 500 * model::kNanosPerMilli);
  CHECK(c.clients[0].backoff_config.max_period == 5 * model::kNanosPerMinute);
  CHECK(c.clients[0].backoff_config.max_retries == 10);
  REQUIRE(c.scrape_configs.size() == 1);
  const auto& s = c.scrape_configs[0];
  CHECK(s.job_name == "system");
  REQUIRE(s.static_configs.size() == 1);
  CHECK(s.static_configs[0].targets == std::vector<std::string>{"localhost"});
  CHECK(s.static_configs[0].labels.to_string() == R"({__path__="/var/log/*log", job="varlogs"})");
  CHECK(s.pipeline_stages.empty());
  CHECK(c.target_config.sync_period == 10 * model::kNanosPerSecond);
  CHECK(c.limits_config.readline_rate == 10000);
  CHECK(c.limits_config.readline_rate_drop);
}

TEST_CASE("the talk's config in flow style parses the same") {
  auto c = parse_ok(R"(
server: {http_listen_port: 9080, grpc_listen_port: 0}
positions: {filename: /tmp/positions.yaml}
clients: [{url: http://localhost:3100/loki/api/v1/push}]
scrape_configs:
  - job_name: system
    static_configs:
      - targets: [localhost]
        labels: {job: varlogs, __path__: /var/log/*log}
)");
  CHECK(c.scrape_configs[0].static_configs[0].labels.get("__path__") == "/var/log/*log");
}

TEST_CASE("every client key Promtail documents") {
  auto c = parse_ok(R"(
clients:
  - url: https://logs.example.com/loki/api/v1/push
    tenant_id: team-a
    batchwait: 2s
    batchsize: 512KiB
    headers: {CF-Access-Client-Id: xxx}
    basic_auth: {username: u, password_file: /etc/pw}
    proxy_url: http://proxy:3128
    tls_config: {ca_file: /ca.pem, cert_file: /c.pem, key_file: /k.pem, server_name: loki, insecure_skip_verify: true}
    backoff_config: {min_period: 1s, max_period: 1m, max_retries: 3}
    drop_rate_limited_batches: true
    external_labels: {host: web-1, dc: eu}
    timeout: 30s
)");
  const auto& cl = c.clients[0];
  CHECK(cl.tenant_id == "team-a");
  CHECK(cl.batchwait == 2 * model::kNanosPerSecond);
  CHECK(cl.batchsize == 512 * 1024);
  CHECK(cl.headers.at("CF-Access-Client-Id") == "xxx");
  CHECK(cl.basic_auth.password_file == "/etc/pw");
  CHECK(cl.tls_config.insecure_skip_verify);
  CHECK(cl.tls_config.server_name == "loki");
  CHECK(cl.backoff_config.max_retries == 3);
  CHECK(cl.backoff_config.max_period == model::kNanosPerMinute);
  CHECK(cl.drop_rate_limited_batches);
  CHECK(cl.external_labels.to_string() == R"({dc="eu", host="web-1"})");
  CHECK(cl.timeout == 30 * model::kNanosPerSecond);
}

TEST_CASE("clients[].format: loki by default, otlp on request, anything else an error") {
  CHECK(parse_ok("clients: [{url: http://x/loki/api/v1/push}]").clients[0].format == client::PushFormat::kLoki);
  CHECK(parse_ok("clients: [{url: http://x/otlp/v1/logs, format: otlp}]").clients[0].format == client::PushFormat::kOtlp);
  CHECK(error_of("clients: [{url: http://x, format: gelf}]") ==
        "clients[0].format: \"gelf\" is not supported (loki or otlp)");
}

TEST_CASE("unknown keys are errors naming the key and its path") {
  CHECK(error_of(R"(
scrape_configs:
  - job_name: system
    static_configs:
      - targets: [localhost]
        lables: {job: varlogs}
)") == "scrape_configs[0].static_configs[0]: unknown field \"lables\"");
  CHECK(error_of("server: {http_listen_prot: 9080}") == "server: unknown field \"http_listen_prot\"");
  CHECK(error_of("positons: {filename: /tmp/p.yaml}") == "configuration: unknown field \"positons\"");
  CHECK(error_of("clients: [{url: http://x, backoff_config: {min: 1s}}]") ==
        "clients[0].backoff_config: unknown field \"min\"");
  CHECK(error_of("scrape_configs: [{job_name: a, relabel_configs: [{source_label: [a]}]}]") ==
        "scrape_configs[0].relabel_configs[0]: unknown field \"source_label\"");
}

TEST_CASE("bad values name the key") {
  CHECK(error_of("server: {http_listen_port: abc}") ==
        "server.http_listen_port: cannot parse \"abc\" as an integer");
  CHECK(error_of("server: {http_listen_port: 70000}") ==
        "server.http_listen_port: 70000 is out of range [0, 65535]");
  CHECK(error_of("positions: {sync_period: 10}").starts_with("positions.sync_period: "));
  CHECK(error_of("limits_config: {readline_rate_enabled: true, readline_burst: 0}") ==
        "limits_config.readline_burst: must be positive when readline_rate_enabled is set");
  CHECK(error_of("positions: {ignore_invalid_yaml: maybe}") ==
        "positions.ignore_invalid_yaml: cannot parse \"maybe\" as a boolean");
  CHECK(error_of("clients: [{tenant_id: a}]") ==
        "clients[0].url: must be set (the Loki push URL)");
  CHECK(error_of("scrape_configs: [{static_configs: []}]") == "scrape_configs[0].job_name: must be set");
  CHECK(error_of("scrape_configs: [{job_name: a, static_configs: [{labels: {bad-name: x}}]}]") ==
        "scrape_configs[0].static_configs[0].labels: \"bad-name\" is not a valid label name");
  CHECK(error_of("scrape_configs: [{job_name: a}, {job_name: a}]") ==
        "scrape_configs[1].job_name: found multiple scrape configs with job name \"a\"");
  CHECK(error_of("server: [1]") == "server: expected a mapping");
  CHECK(error_of("server: {log_level: verbose}") ==
        "server.log_level: unrecognized log level \"verbose\" (debug, info, warn, error)");
  CHECK(error_of("{{{").starts_with("invalid YAML: "));
  CHECK(error_of("scrape_configs: [{job_name: a, relabel_configs: [{action: replace}]}]") ==
        "scrape_configs[0].relabel_configs[0]: relabel configuration for replace action requires "
        "'target_label' value");
}

TEST_CASE("known but unimplemented keys say so") {
  CHECK(error_of("server: {http_listen_port: 9080, grpc_listen_port: 9095}") ==
        "server.grpc_listen_port: gRPC not supported: logtail serves HTTP only (set it to 0)");
  CHECK(error_of("scrape_configs: [{job_name: j, journal: {matches: 'A=1 + B=2'}}]")
            .starts_with("scrape_configs[0].journal.matches: \"+\" (OR of match groups) is not supported"));
  CHECK(error_of("scrape_configs: [{job_name: j, kubernetes_sd_configs: [{role: ingress}]}]") ==
        "scrape_configs[0].kubernetes_sd_configs[0].role: not supported yet: \"ingress\" (logtail supports pod, "
        "node, service, endpoints and endpointslice)");
  CHECK(error_of("scrape_configs: [{job_name: j, loki_push_api: {server: {http_listen_port: 3500, grpc_listen_port: 3600}}}]") ==
        "scrape_configs[0].loki_push_api.server.grpc_listen_port: not supported: logtail receives pushes over HTTP "
        "only (set it to 0)");
  CHECK(error_of("scrape_configs: [{job_name: j, syslog: {listen_address: '127.0.0.1:0', syslog_format: raw}}]") ==
        "scrape_configs[0].syslog.syslog_format: \"raw\" not supported yet (rfc5424, rfc3164)");
  CHECK(error_of("clients: [{url: http://x, oauth2: {client_id: a}}]") ==
        "clients[0].oauth2: not supported yet");
  CHECK(error_of("scrape_configs: [{job_name: j, decompression: {enabled: true}}]") ==
        "scrape_configs[0].decompression.enabled: not supported yet");
  CHECK(error_of("tracing: {enabled: true}") == "tracing.enabled: not supported yet");
  CHECK(error_of("options: {stream_lease_period: 1m}") == "options: not supported yet");
  // Their harmless values pass.
  CHECK(error_of("tracing: {enabled: false}\nscrape_configs: [{job_name: j, decompression: {enabled: false}}]") == "<ok>");
}

TEST_CASE("Promtail's documented example with an empty pipeline_stages and no targets") {
  auto c = parse_ok(R"(
server:
  http_listen_port: 9080
  grpc_listen_port: 0
positions:
  filename: /var/log/positions.yaml
clients:
  - url: http://ip_or_hostname_where_Loki_run:3100/loki/api/v1/push
scrape_configs:
 - job_name: system
   pipeline_stages:
   static_configs:
   - labels:
      job: varlogs
      host: yourhost
      __path__: /var/log/*.log
)");
  CHECK(c.scrape_configs[0].static_configs[0].targets.empty());
  CHECK(c.scrape_configs[0].static_configs[0].labels.get("host") == "yourhost");
  CHECK(c.scrape_configs[0].pipeline_stages.empty());
}

TEST_CASE("pipeline_stages are kept as YAML text for the stages module; relabel rules compiled") {
  auto c = parse_ok(R"(
scrape_configs:
  - job_name: app
    pipeline_stages:
      - regex:
          expression: '^(?P<ts>\S+) (?P<level>\w+)'
      - labels: {level: }
      - timestamp: {source: ts, format: RFC3339}
    file_sd_configs:
      - files: [/etc/logtail/targets/*.json]
    relabel_configs:
      - source_labels: [__path__]
        regex: '/var/log/([^/]+)/.*'
        target_label: app
    static_configs:
      - labels: {__path__: /var/log/nginx/access.log, __path_exclude__: '/var/log/nginx/*.gz'}
)");
  const auto& s = c.scrape_configs[0];
  auto specs = stages::parse_pipeline_stages(s.pipeline_stages, "pipeline_stages");
  REQUIRE_MESSAGE(specs.ok(), specs.error());
  REQUIRE(specs->size() == 3);
  CHECK(std::get<stages::RegexSpec>((*specs)[0].settings).expression == "^(?P<ts>\\S+) (?P<level>\\w+)");
  CHECK(std::get<stages::TimestampSpec>((*specs)[2].settings).format == "RFC3339");
  REQUIRE(s.file_sd_configs.size() == 1);
  CHECK(s.file_sd_configs[0].refresh_interval == 5 * model::kNanosPerMinute);
  CHECK(s.static_configs[0].labels.get("__path_exclude__") == "/var/log/nginx/*.gz");
  // The target path through relabeling and Promtail's "__" cleanup.
  auto target = relabel::relabel(s.static_configs[0].labels, s.relabel_configs);
  REQUIRE(target);
  relabel::drop_reserved_labels(*target);
  CHECK(target->to_string() == R"({app="nginx"})");
}

TEST_CASE("-config.expand-env replaces ${VAR} and ${VAR:-default} before parsing") {
  logtail::ParseOptions opts;
  opts.expand_env = true;
  opts.env_lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "LOKI_HOST") return "loki.internal";
    if (name == "HOSTNAME") return "web-1";
    return std::nullopt;
  };
  auto c = logtail::parse_config(R"(
clients:
  - url: http://${LOKI_HOST}:${LOKI_PORT:-3100}/loki/api/v1/push
    external_labels: {host: ${HOSTNAME}}
scrape_configs:
  - job_name: a
    relabel_configs:
      - {source_labels: [__path__], regex: '(.*)\\.log$$', target_label: file}
)", opts);
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->clients[0].url == "http://loki.internal:3100/loki/api/v1/push");
  CHECK(c->clients[0].external_labels.get("host") == "web-1");
  CHECK(c->scrape_configs[0].relabel_configs[0].config().regex == "(.*)\\.log$");
  // Without the flag the text is taken literally.
  auto raw = logtail::parse_config("clients: [{url: 'http://${LOKI_HOST}/push'}]");
  REQUIRE(raw.ok());
  CHECK(raw->clients[0].url == "http://${LOKI_HOST}/push");
}

TEST_CASE("print_config shows the effective config, hides secrets and parses back") {
  auto c = parse_ok(std::string(kTalkConfig) + R"(
    relabel_configs:
      - {source_labels: [__path__], target_label: file}
    pipeline_stages:
      - json: {expressions: {level: lvl}}
)" + "limits_config: {max_line_size: 256kb}\n");
  c.clients[0].bearer_token = "s3cr3t";
  std::string text = logtail::print_config(c);
  CHECK(text.find("s3cr3t") == std::string::npos);
  CHECK(text.find("bearer_token: <secret>") != std::string::npos);
  CHECK(text.find("sync_period: 10s") != std::string::npos);
  CHECK(text.find("http_listen_port: 9080") != std::string::npos);
  CHECK(text.find("max_period: 5m0s") != std::string::npos);
  CHECK(text.find("max_line_size: 256000") != std::string::npos);
  auto again = logtail::parse_config(text);
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(again->server.http_listen_port == 9080);
  CHECK(again->clients[0].backoff_config.max_period == 5 * model::kNanosPerMinute);
  CHECK(again->scrape_configs[0].static_configs[0].labels ==
        c.scrape_configs[0].static_configs[0].labels);
  CHECK(again->scrape_configs[0].relabel_configs[0].config().target_label == "file");
  auto specs = stages::parse_pipeline_stages(again->scrape_configs[0].pipeline_stages, "pipeline_stages");
  REQUIRE(specs.ok());
  CHECK(std::get<stages::JsonSpec>((*specs)[0].settings).expressions[0] ==
        std::pair<std::string, std::optional<std::string>>{"level", "lvl"});
  CHECK(logtail::print_config(*again).find("bearer_token: <secret>") != std::string::npos);
}
