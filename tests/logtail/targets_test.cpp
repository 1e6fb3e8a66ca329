// Scrape config -> file targets, as Promtail's file target syncer builds them.
#include <doctest/doctest.h>

#include "logtail/config.h"
#include "logtail/targets.h"

namespace {

logtail::Config parse_ok(const std::string& yaml) {
  auto c = logtail::parse_config(yaml);
  REQUIRE_MESSAGE(c.ok(), c.error());
  return std::move(*c);
}

}  // namespace

TEST_CASE("targets: the talk's static config keeps job and __path__, drops __address__") {
  auto c = parse_ok(R"(
scrape_configs:
  - job_name: system
    static_configs:
      - targets: [localhost]
        labels:
          job: varlogs
          __path__: /var/log/*log
)");
  auto t = logtail::build_file_targets(c.scrape_configs[0], "myhost");
  REQUIRE(t.active.size() == 1);
  CHECK(t.active[0].to_string() == R"({__path__="/var/log/*log", job="varlogs"})");
  CHECK(t.dropped.empty());
}

TEST_CASE("targets: one label set per target; none given counts as localhost") {
  auto c = parse_ok(R"(
scrape_configs:
  - job_name: x
    static_configs:
      - targets: [a, b]
        labels: {__path__: /a/*.log}
      - labels: {__path__: /b/*.log, __path_exclude__: /b/skip.log}
    relabel_configs:
      - source_labels: [__address__]
        target_label: host
)");
  auto t = logtail::build_file_targets(c.scrape_configs[0], "h");
  REQUIRE(t.active.size() == 3);
  CHECK(t.active[0].to_string() == R"({__path__="/a/*.log", host="a"})");
  CHECK(t.active[1].to_string() == R"({__path__="/a/*.log", host="b"})");
  CHECK(t.active[2].to_string() == R"({__path__="/b/*.log", __path_exclude__="/b/skip.log", host="localhost"})");
}

TEST_CASE("targets: relabel drop, missing __path__ and another __host__ are dropped with a reason") {
  auto c = parse_ok(R"(
scrape_configs:
  - job_name: x
    static_configs:
      - labels: {env: dev, __path__: /dev/*.log}
      - labels: {env: prod, __path__: /prod/*.log}
      - labels: {env: prod}
      - labels: {env: prod, __path__: /other/*.log, __host__: elsewhere}
      - labels: {env: prod, __path__: /mine/*.log, __host__: me}
    relabel_configs:
      - source_labels: [env]
        regex: dev
        action: drop
)");
  auto t = logtail::build_file_targets(c.scrape_configs[0], "me");
  REQUIRE(t.active.size() == 2);
  CHECK(t.active[0].to_string() == R"({__path__="/prod/*.log", env="prod"})");
  CHECK(t.active[1].to_string() == R"({__path__="/mine/*.log", env="prod"})");
  REQUIRE(t.dropped.size() == 3);
  CHECK(t.dropped[0].reason == "dropping target, no labels");
  CHECK(t.dropped[1].reason == "no path for target");
  CHECK(t.dropped[2].reason.find("wrong host") != std::string::npos);
}

TEST_CASE("targets: relabeling can build __path__ from other labels") {
  auto c = parse_ok(R"(
scrape_configs:
  - job_name: x
    static_configs:
      - labels: {app: api}
    relabel_configs:
      - source_labels: [app]
        target_label: __path__
        replacement: /var/log/$1/*.log
)");
  auto t = logtail::build_file_targets(c.scrape_configs[0], "h");
  REQUIRE(t.active.size() == 1);
  CHECK(t.active[0].to_string() == R"({__path__="/var/log/api/*.log", app="api"})");
}

TEST_CASE("targets: stdin labels: first scrape config's static labels, or job=stdin and hostname") {
  auto c = parse_ok(R"(
scrape_configs:
  - job_name: a
    static_configs:
      - labels: {job: varlogs, __path__: /x}
      - labels: {team: core}
  - job_name: b
    static_configs:
      - labels: {job: other}
)");
  CHECK(logtail::stdin_labels(c, "h").to_string() == R"({job="varlogs", team="core"})");
  CHECK(logtail::stdin_labels(logtail::Config{}, "box1").to_string() == R"({hostname="box1", job="stdin"})");
}
