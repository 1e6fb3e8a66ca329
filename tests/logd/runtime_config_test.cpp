#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "logd/file_reloader.h"
#include "logd/runtime_config.h"
#include "logd/tenant_limits.h"
#include "model/time.h"
#include "util/clock.h"

using logd::LimitsConfig;

namespace {

struct TempFile {
  std::string path;
  TempFile() {
    char tmpl[] = "/tmp/runtime_config_testXXXXXX";
    int fd = ::mkstemp(tmpl);
    ::close(fd);
    path = tmpl;
  }
  ~TempFile() { std::filesystem::remove(path); }
  void write(const std::string& text) const {
    std::ofstream(path + ".tmp") << text;
    std::filesystem::rename(path + ".tmp", path);
  }
};

}  // namespace

TEST_CASE("runtime config: overrides start from limits_config; keys left out keep the defaults") {
  LimitsConfig defaults;
  defaults.max_query_series = 123;
  auto o = logd::parse_runtime_config(R"(
overrides:
  team-a:
    ingestion_rate_mb: 10
    max_line_size: 1KB
    retention_period: 744h
    retention_stream:
      - {selector: '{app="debug"}', priority: 1, period: 24h}
    deletion_mode: filter-only
    otlp_config:
      resource_attributes:
        attributes_config:
          - {action: index_label, attributes: [k8s.cluster.name]}
  team-b:
    max_query_series: 5
)", defaults);
  REQUIRE_MESSAGE(o.ok(), o.error());
  REQUIRE(o->size() == 2);
  const LimitsConfig& a = o->at("team-a");
  CHECK(a.ingestion_rate_mb == 10);
  CHECK(a.push.max_line_size == 1000);  // 1KB is 1000 bytes, as in Loki
  CHECK(a.retention_period == 744 * model::kNanosPerHour);
  REQUIRE(a.retention_stream.size() == 1);
  CHECK(a.deletion_mode == "filter-only");
  CHECK(a.max_query_series == 123);  // from limits_config
  CHECK(a.otlp_config != defaults.otlp_config);
  CHECK(o->at("team-b").max_query_series == 5);
  CHECK(o->at("team-b").ingestion_rate_mb == defaults.ingestion_rate_mb);

  CHECK(logd::parse_runtime_config("", defaults)->empty());
  CHECK(logd::parse_runtime_config("overrides: {}\n", defaults)->empty());
}

TEST_CASE("runtime config: errors name the key path") {
  LimitsConfig d;
  auto err = [&](const std::string& yaml) {
    auto r = logd::parse_runtime_config(yaml, d);
    REQUIRE_FALSE(r.ok());
    return r.error();
  };
  CHECK(err("overrides:\n  t:\n    max_line_sise: 1\n").find("overrides.t: unknown field \"max_line_sise\"") !=
        std::string::npos);
  CHECK(err("overrides:\n  t:\n    deletion_mode: sometimes\n").find("overrides.t.deletion_mode: must be one of") !=
        std::string::npos);
  CHECK(err("overrides:\n  t:\n    retention_period: 1h\n").find("overrides.t.retention_period: must be 0") !=
        std::string::npos);
  CHECK(err("overrides:\n  t:\n    retention_stream: [{selector: 'nope', period: 48h}]\n")
            .find("overrides.t.retention_stream[0].selector") != std::string::npos);
  CHECK(err("overrides:\n  t:\n    split_queries_by_interval: 1h\n").find("overrides.t.split_queries_by_interval") !=
        std::string::npos);
  CHECK(err("overrides:\n  t:\n    otlp_config: {resource_attributes: {bogus: 1}}\n")
            .find("overrides.t.otlp_config.resource_attributes") != std::string::npos);
  CHECK(err("overrides:\n  \"a b\":\n    max_query_series: 1\n").find("overrides.a b: invalid tenant ID") !=
        std::string::npos);
  CHECK(err("overides: {}\n").find("unknown field \"overides\"") != std::string::npos);
  CHECK(err("configs: {}\n").find("configs: not supported") != std::string::npos);
  CHECK(err("overrides: [1]\n").find("overrides: expected a mapping") != std::string::npos);
}

TEST_CASE("tenant limits: the override or the defaults; multi-tenant queries take the smallest set limit") {
  LimitsConfig d;
  d.max_query_series = 500;
  d.query_timeout = 60 * model::kNanosPerSecond;
  d.max_query_length = 0;
  logd::TenantLimits limits(d);
  CHECK(limits.get("x")->max_query_series == 500);
  logd::TenantOverrides o;
  o["a"] = d;
  o["a"].max_query_series = 10;
  o["a"].max_query_length = 48 * model::kNanosPerHour;
  o["b"] = d;
  o["b"].max_query_series = 0;  // unlimited
  o["b"].query_timeout = 5 * model::kNanosPerSecond;
  auto held = limits.get("a");
  limits.set_overrides(o);
  CHECK(held->max_query_series == 500);  // a held pointer does not change under a reload
  CHECK(limits.get("a")->max_query_series == 10);
  CHECK(limits.get("x")->max_query_series == 500);
  query::Limits q = logd::query_limits(limits, {"a", "b"}, 3);
  CHECK(q.max_query_series == 10);
  CHECK(q.query_timeout == 5 * model::kNanosPerSecond);
  CHECK(q.max_query_length == 48 * model::kNanosPerHour);
  CHECK(q.max_concurrent == 3);
  CHECK(logd::query_limits(limits, {"b"}, 1).max_query_series == 0);
}

TEST_CASE("runtime config: /runtime_config prints every limit, ?mode=diff only what differs") {
  LimitsConfig d;
  logd::TenantLimits limits(d);
  auto o = logd::parse_runtime_config("overrides:\n  a: {max_query_series: 7}\n  same: {max_query_series: 500}\n", d);
  REQUIRE(o.ok());
  limits.set_overrides(*o);
  std::string full = logd::print_runtime_config(limits, false);
  CHECK(full.find("overrides:\n  a:\n") != std::string::npos);
  CHECK(full.find("max_query_series: 7") != std::string::npos);
  CHECK(full.find("ingestion_rate_mb: 4") != std::string::npos);
  CHECK(full.find("  same:\n") != std::string::npos);
  std::string diff = logd::print_runtime_config(limits, true);
  CHECK(diff == "overrides:\n  a:\n    max_query_series: 7\n");
}

TEST_CASE("runtime config: reloaded every period on the clock; an invalid file keeps the last good one") {
  TempFile f;
  f.write("overrides:\n  a: {max_query_series: 7}\n");
  util::FakeClock clock;
  logd::Logger quiet(logd::LogLevel::kError);
  logd::TenantLimits limits(LimitsConfig{});
  logd::FileReloaderOptions o;
  o.what = "runtime config";
  o.period = 10 * model::kNanosPerSecond;
  o.load = logd::runtime_config_loader(f.path, limits);
  o.success_metric = "loki_runtime_config_last_reload_successful";
  o.failures_metric = "logd_runtime_config_reload_failures_total";
  o.hash_metric = "loki_runtime_config_hash";
  logd::FileReloader reloader(o, quiet, clock);
  REQUIRE(reloader.reload().ok());
  CHECK(limits.get("a")->max_query_series == 7);
  reloader.start();
  REQUIRE(clock.wait_for_sleepers(1));

  f.write("overrides:\n  a: {max_query_series: 8}\n");
  clock.advance(10 * model::kNanosPerSecond);
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(limits.get("a")->max_query_series == 8);

  f.write("overrides:\n  a: {max_query_seriez: 9}\n");
  clock.advance(10 * model::kNanosPerSecond);
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(limits.get("a")->max_query_series == 8);  // the last good file stays
  CHECK_FALSE(reloader.last_reload_successful());
  CHECK(reloader.failures() == 1);
  std::string m;
  reloader.render_metrics(m);
  CHECK(m.find("loki_runtime_config_last_reload_successful 0\n") != std::string::npos);
  CHECK(m.find("logd_runtime_config_reload_failures_total 1\n") != std::string::npos);
  CHECK(m.find("loki_runtime_config_hash{sha256=\"") != std::string::npos);

  std::filesystem::remove(f.path);  // a missing file is a failed reload too
  clock.advance(10 * model::kNanosPerSecond);
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(reloader.failures() == 2);
  CHECK(limits.get("a")->max_query_series == 8);

  f.write("overrides: {}\n");
  clock.advance(10 * model::kNanosPerSecond);
  REQUIRE(clock.wait_for_sleepers(1));
  CHECK(reloader.last_reload_successful());
  CHECK(limits.get("a")->max_query_series == LimitsConfig{}.max_query_series);
  reloader.stop();
}
