// logtail's Promtail flags: Go flag syntax, overrides onto the config, errors naming the flag.
#include <doctest/doctest.h>

#include "logtail/flags.h"

namespace {

logtail::CommandLine parse_ok(std::vector<std::string> args) {
  auto cl = logtail::parse_command_line(args);
  REQUIRE_MESSAGE(cl.ok(), cl.error());
  return std::move(*cl);
}

std::string error_of(std::vector<std::string> args) {
  auto cl = logtail::parse_command_line(args);
  return cl.ok() ? "<ok>" : cl.error();
}

}  // namespace

TEST_CASE("flags: Go syntax: -a=b, -a b, --a, bare booleans") {
  auto cl = parse_ok({"-config.file=/etc/promtail.yaml", "--dry-run", "-stdin", "-client.url", "http://x:3100/push",
                      "-config.expand-env=true", "-print-config-stderr", "-server.http-listen-port", "0"});
  CHECK(cl.config_file == "/etc/promtail.yaml");
  CHECK(cl.dry_run);
  CHECK(cl.read_stdin);
  CHECK(cl.expand_env);
  CHECK(cl.print_config_stderr);
  CHECK(cl.client_url == "http://x:3100/push");
  REQUIRE(cl.http_listen_port.has_value());
  CHECK(*cl.http_listen_port == 0);
  CHECK_FALSE(parse_ok({"-dry-run=false"}).dry_run);
}

TEST_CASE("flags: errors name the flag") {
  CHECK(error_of({"-config.fil=x"}) == "flag provided but not defined: -config.fil");
  CHECK(error_of({"-config.file"}) == "flag needs an argument: -config.file");
  CHECK(error_of({"-dry-run=maybe"}) == "-dry-run: invalid boolean value \"maybe\"");
  CHECK(error_of({"-server.http-listen-port=70000"}) == "-server.http-listen-port: invalid port \"70000\"");
  CHECK(error_of({"-client.external-labels=a"}) == "-client.external-labels: invalid label pair \"a\": want name=value");
  CHECK(error_of({"-client.external-labels=1a=b"}) == "-client.external-labels: invalid label name \"1a\"");
  CHECK(error_of({"stray"}) == "unexpected argument \"stray\"");
}

TEST_CASE("flags: -client.external-labels k=v,k2=v2 reach every client") {
  auto cl = parse_ok({"-client.external-labels=env=prod,dc=eu1", "-client.url=http://b:3100/loki/api/v1/push"});
  auto config = logtail::parse_config("clients:\n  - url: http://a:3100/loki/api/v1/push\n");
  REQUIRE(config.ok());
  REQUIRE(logtail::apply_command_line(cl, *config).ok());
  REQUIRE(config->clients.size() == 2);  // -client.url adds a client
  CHECK(config->clients[1].url == "http://b:3100/loki/api/v1/push");
  for (const auto& c : config->clients) CHECK(c.external_labels.to_string() == R"({dc="eu1", env="prod"})");
}

TEST_CASE("flags: -client.url naming an existing client overrides it instead of adding one") {
  auto cl = parse_ok({"-client.url=http://a:3100/loki/api/v1/push", "-client.tenant-id=t1", "-stdin",
                      "-server.http-listen-port=9999", "-positions.file=/tmp/p.yaml"});
  auto config = logtail::parse_config("clients:\n  - url: http://a:3100/loki/api/v1/push\n");
  REQUIRE(config.ok());
  REQUIRE(logtail::apply_command_line(cl, *config).ok());
  REQUIRE(config->clients.size() == 1);
  CHECK(config->clients[0].tenant_id == "t1");
  CHECK(config->target_config.stdin);
  CHECK(config->server.http_listen_port == 9999);
  CHECK(config->positions.filename == "/tmp/p.yaml");
}

TEST_CASE("flags: usage lists Promtail's flags") {
  std::string u = logtail::usage();
  for (const char* f : {"-config.file", "-config.expand-env", "-dry-run", "-print-config-stderr", "-client.url",
                        "-client.external-labels", "-stdin", "-server.http-listen-port"}) {
    CHECK_MESSAGE(u.find(f) != std::string::npos, f);
  }
}
