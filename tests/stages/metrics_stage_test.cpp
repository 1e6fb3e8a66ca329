// metrics stage and the registry's exposition format.
#include "stages_test_util.h"

#include "model/time.h"

using stages_test::Harness;

TEST_CASE("metrics stage: documented counters (match_all, count_entry_bytes, value)") {
  Harness h(R"y(
- regex:
    expression: "level=(?P<level>\\w+)"
- metrics:
    log_lines_total:
      type: Counter
      description: "total number of log lines"
      prefix: my_promtail_custom_
      max_idle_duration: 24h
      config:
        match_all: true
        action: inc
    log_bytes_total:
      type: Counter
      description: "total bytes of log lines"
      config:
        match_all: true
        count_entry_bytes: true
        action: add
    error_total:
      type: Counter
      source: level
      config:
        value: error
        action: inc
)y");
  h.one("level=error a", {{"job", "j"}});
  h.one("level=info bb", {{"job", "j"}});
  std::string text = h.registry->render();
  CHECK(text.find("# HELP my_promtail_custom_log_lines_total total number of log lines\n"
                  "# TYPE my_promtail_custom_log_lines_total counter\n"
                  "my_promtail_custom_log_lines_total{job=\"j\"} 2\n") != std::string::npos);
  CHECK(text.find("promtail_custom_log_bytes_total{job=\"j\"} 26\n") != std::string::npos);
  CHECK(text.find("promtail_custom_error_total{job=\"j\"} 1\n") != std::string::npos);
}

TEST_CASE("metrics stage: gauge actions and histogram buckets") {
  Harness h(R"y(
- regex:
    expression: "queue=(?P<queue>\\S+) took=(?P<took>\\S+)"
- metrics:
    queue_size:
      type: Gauge
      source: queue
      config:
        action: set
    queue_changes:
      type: Gauge
      source: queue
      config:
        action: add
    response_time_seconds:
      type: Histogram
      source: took
      config:
        buckets: [0.001, 0.25, 1]
)y");
  h.one("queue=5 took=250ms");
  h.one("queue=3 took=0.5");
  h.one("queue=x took=7");
  std::string text = h.registry->render();
  CHECK(text.find("promtail_custom_queue_size 3\n") != std::string::npos);
  CHECK(text.find("promtail_custom_queue_changes 8\n") != std::string::npos);
  CHECK(text.find("# TYPE promtail_custom_response_time_seconds histogram\n"
                  "promtail_custom_response_time_seconds_bucket{le=\"0.001\"} 0\n"
                  "promtail_custom_response_time_seconds_bucket{le=\"0.25\"} 1\n"
                  "promtail_custom_response_time_seconds_bucket{le=\"1\"} 2\n"
                  "promtail_custom_response_time_seconds_bucket{le=\"+Inf\"} 3\n"
                  "promtail_custom_response_time_seconds_sum 7.75\n"
                  "promtail_custom_response_time_seconds_count 3\n") != std::string::npos);
}

TEST_CASE("metrics stage: idle series expire after max_idle_duration") {
  Harness h(R"y(
- metrics:
    lines:
      type: Counter
      max_idle_duration: 1m
      config: {match_all: true, action: inc}
)y");
  h.one("x", {{"job", "a"}});
  CHECK(h.registry->render().find("promtail_custom_lines{job=\"a\"} 1") != std::string::npos);
  h.clock.advance(2 * model::kNanosPerMinute);
  CHECK(h.registry->render().find("promtail_custom_lines") == std::string::npos);
}

TEST_CASE("metric registry: label escaping and type conflicts") {
  util::FakeClock clock(0);
  stages::MetricRegistry r(clock);
  auto c = r.family("x_total", "help \\ with\nnewline", stages::MetricType::kCounter);
  REQUIRE(c.ok());
  (*c)->add(model::LabelSet{{"path", "C:\\dir \"q\"\nx"}}, 1.5);
  CHECK(r.render() == "# HELP x_total help \\\\ with\\nnewline\n# TYPE x_total counter\n"
                      "x_total{path=\"C:\\\\dir \\\"q\\\"\\nx\"} 1.5\n");
  CHECK(!r.family("x_total", "", stages::MetricType::kGauge).ok());
}

TEST_CASE("metrics stage: configuration errors") {
  using stages_test::compile_error;
  CHECK(compile_error("- metrics: {m: {type: Summary, config: {action: inc}}}").find("\"summary\"") != std::string::npos);
  CHECK(compile_error("- metrics: {m: {type: Counter, config: {action: set}}}").find("inc") != std::string::npos);
  CHECK(compile_error("- metrics: {m: {type: Counter, config: {action: inc, match_all: true, value: x}}}")
            .find("match_all") != std::string::npos);
  CHECK(compile_error("- metrics: {m: {type: Counter, config: {action: inc, match_all: true, count_entry_bytes: true}}}")
            .find("count_entry_bytes") != std::string::npos);
  CHECK(compile_error("- metrics: {m: {type: Gauge, config: {action: observe}}}").find("gauge") != std::string::npos);
  CHECK(compile_error("- metrics: {m: {type: Counter, max_idle_duration: 500ms, config: {action: inc}}}")
            .find("1s") != std::string::npos);
  CHECK(compile_error("- metrics: {m: {type: Counter, config: {action: inc, bukets: [1]}}}").find("bukets") !=
        std::string::npos);
}
