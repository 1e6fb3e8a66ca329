// The three pipelines from the talk our users learned Loki from, exactly as written there.
#include "stages_test_util.h"

using stages_test::Harness;

TEST_CASE("talk example 1: regex extracts level and ts into a label and the timestamp") {
  Harness h(R"(
- regex:
    expression: '^(?P<ts>\S+) level=(?P<level>\w+) msg=(?P<msg>.*)$'
- labels:
    level:
- timestamp:
    source: ts
    format: RFC3339
)");
  auto e = h.one("2023-06-01T12:34:56Z level=error msg=disk full", {{"job", "varlogs"}});
  CHECK(e.labels.to_string() == R"({job="varlogs", level="error"})");
  CHECK(e.timestamp == 1685622896LL * 1'000'000'000);
  CHECK(e.line == "2023-06-01T12:34:56Z level=error msg=disk full");
}

TEST_CASE("talk example 2: json extracts remote_ip and status into labels") {
  Harness h(R"(
- json:
    expressions:
      remote_ip: remote_ip
      status: status
- labels:
    remote_ip:
    status:
)");
  auto e = h.one(R"({"remote_ip":"10.1.2.3","status":404,"path":"/x"})", {{"job", "nginx"}});
  CHECK(e.labels.to_string() == R"({job="nginx", remote_ip="10.1.2.3", status="404"})");
}

TEST_CASE("talk example 3: match on a selector with a line filter feeds a panic counter") {
  Harness h(R"yaml(
- match:
    selector: '{app="some-app"} != "info"'
    stages:
    - regex:
        expression: ".*panic: (?P<panic>.*)"
    - metrics:
        panic_total:
          type: Counter
          description: "total count of panic"
          source: panic
          config:
            action: inc
)yaml");
  h.one("level=error panic: runtime error: index out of range", {{"app", "some-app"}});
  h.one("level=error panic: nil map", {{"app", "some-app"}});
  h.one("level=info panic: ignored, the line says info", {{"app", "some-app"}});
  h.one("level=error panic: other app", {{"app", "other-app"}});
  h.one("level=error no panic here", {{"app", "some-app"}});
  std::string text = h.registry->render();
  CHECK(text.find("# HELP promtail_custom_panic_total total count of panic\n"
                  "# TYPE promtail_custom_panic_total counter\n"
                  "promtail_custom_panic_total{app=\"some-app\"} 2\n") != std::string::npos);
  CHECK(text.find("other-app") == std::string::npos);
}
