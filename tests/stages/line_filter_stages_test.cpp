// output, pack, decolorize, template; drop, limit, sampling, match with action drop.
#include "stages_test_util.h"

#include <atomic>
#include <thread>

#include "model/time.h"

using stages_test::Harness;
using stages_test::kNow;

TEST_CASE("output stage: documented docker-style example") {
  Harness h(R"y(
- json:
    expressions:
      user:
      message:
- labels:
    user:
- output:
    source: message
)y");
  auto e = h.one(R"({"user": "alexis", "message": "hello, world!"})");
  CHECK(e.line == "hello, world!");
  CHECK(e.labels.to_string() == R"({user="alexis"})");
}

TEST_CASE("pack stage: documented example, labels leave the label set") {
  Harness h("- pack: {labels: [container, pod], ingest_timestamp: false}");
  auto e = h.one("original log message", {{"container", "myapp"}, {"pod", "pod-3223f"}, {"job", "x"}}, 42);
  CHECK(e.line == R"({"container":"myapp","pod":"pod-3223f","_entry":"original log message"})");
  CHECK(e.labels.to_string() == R"({job="x"})");
  CHECK(e.timestamp == 42);
  Harness ingest("- pack: {labels: [container]}");
  auto i = ingest.one("a \"quoted\" <line>", {{"container", "c"}}, 42);
  CHECK(i.line == R"({"container":"c","_entry":"a \"quoted\" \u003cline\u003e"})");
  CHECK(i.timestamp == kNow);
}

TEST_CASE("decolorize stage") {
  Harness h("- decolorize:");
  CHECK(h.one("\x1b[0;32mINFO\x1b[0m message").line == "INFO message");
  CHECK(h.one("plain").line == "plain");
}

TEST_CASE("drop stage: documented examples") {
  Harness expr("- drop: {expression: '.*debug.*'}");
  CHECK(expr.run("level=debug msg=x").empty());
  CHECK(expr.run("level=info msg=x").size() == 1);
  CHECK(expr.drops("drop_stage") == 1);

  Harness value(R"y(
- json:
    expressions:
      level:
      msg:
- drop:
    source: level
    value: error
)y");
  CHECK(value.run(R"({"level": "error", "msg": "x"})").empty());
  CHECK(value.run(R"({"level": "info", "msg": "x"})").size() == 1);

  Harness concat(R"y(
- json:
    expressions:
      level:
      msg:
- drop:
    source: [level, msg]
    separator: "#"
    expression: "(error|ERROR)#.*/loki/api/push.*"
)y");
  CHECK(concat.run(R"({"level": "error", "msg": "11.11.11.11 - \"POST /loki/api/push/ HTTP/1.1\" 200"})").empty());
  CHECK(concat.run(R"({"level": "ERROR", "msg": "POST /loki/api/push/"})").empty());
  CHECK(concat.run(R"({"level": "info", "msg": "POST /loki/api/push/"})").size() == 1);

  Harness present("- drop: {source: [level, msg]}");
  CHECK(present.run("x", {{"level", "a"}, {"msg", "b"}}).empty());
  CHECK(present.run("x", {{"level", "a"}}).size() == 1);
}

TEST_CASE("drop stage: older_than and longer_than with a reason") {
  Harness old("- drop: {older_than: 24h, drop_counter_reason: line_too_old}");
  CHECK(old.run("x", {}, kNow - 25 * model::kNanosPerHour).empty());
  CHECK(old.run("x", {}, kNow - 23 * model::kNanosPerHour).size() == 1);
  CHECK(old.drops("line_too_old") == 1);

  Harness longer("- drop: {longer_than: 8, drop_counter_reason: line_too_long}");
  CHECK(longer.run("123456789").empty());
  CHECK(longer.run("12345678").size() == 1);
  Harness both("- drop: {expression: debug, longer_than: 1kb}");
  CHECK(both.run("debug short").size() == 1);
  CHECK(both.run("debug " + std::string(1001, 'x')).empty());
  CHECK(both.registry->render().find("logentry_dropped_lines_total{reason=\"drop_stage\"} 1\n") != std::string::npos);
}

TEST_CASE("limit stage: drop beyond the burst, refill with time, per label value") {
  Harness h("- limit: {rate: 1, burst: 2, drop: true}");
  CHECK(h.run("a").size() == 1);
  CHECK(h.run("b").size() == 1);
  CHECK(h.run("c").empty());
  h.clock.advance(model::kNanosPerSecond);
  CHECK(h.run("d").size() == 1);
  CHECK(h.run("e").empty());
  CHECK(h.drops("ratelimit_drop_stage") == 2);

  Harness by("- limit: {rate: 1, burst: 1, drop: true, by_label_name: namespace}");
  CHECK(by.run("a", {{"namespace", "n1"}}).size() == 1);
  CHECK(by.run("b", {{"namespace", "n1"}}).empty());
  CHECK(by.run("c", {{"namespace", "n2"}}).size() == 1);
  CHECK(by.run("d").size() == 1);
  CHECK(by.run("e").size() == 1);
  CHECK(by.registry->render().find(
            "logentry_dropped_lines_by_label_total{label_name=\"namespace\",label_value=\"n1\"} 1") != std::string::npos);
  CHECK(stages_test::compile_error("- limit: {rate: 1, burst: 1, by_label_name: a}").find("drop") != std::string::npos);
}

TEST_CASE("limit stage without drop: an entry over the rate waits for its token on the clock") {
  Harness h("- limit: {rate: 1, burst: 1}");
  CHECK(h.run("a").size() == 1);
  std::atomic<size_t> out{99};
  std::thread blocked([&] { out = h.run("b").size(); });  // back-pressure: the pipeline thread waits
  REQUIRE(h.clock.wait_for_sleepers(1));
  CHECK(out.load() == 99);
  h.clock.advance(model::kNanosPerSecond);  // one token refilled
  blocked.join();
  CHECK(out.load() == 1);
  CHECK(h.drops("ratelimit_drop_stage") == 0);
}

TEST_CASE("sampling stage") {
  Harness none("- sampling: {rate: 0}");
  CHECK(none.run("x").empty());
  CHECK(none.drops("sampling_stage") == 1);
  Harness all("- sampling: {rate: 1}");
  CHECK(all.run("x").size() == 1);
  Harness half("- sampling: {rate: 0.5, drop_counter_reason: sampled}");
  int kept = 0;
  for (int i = 0; i < 2000; ++i) kept += static_cast<int>(half.run("x").size());
  CHECK(kept > 800);
  CHECK(kept < 1200);
  CHECK(half.drops("sampled") == 2000 - kept);
}

TEST_CASE("match stage: action drop with a reason, keep with nested stages") {
  Harness h(R"y(
- match:
    selector: '{app="promtail"} |~ ".*noisy error.*"'
    action: drop
    drop_counter_reason: promtail_noisy_error
- match:
    selector: '{app="loki"}'
    stages:
    - static_labels: {matched: "yes"}
)y");
  CHECK(h.run("a noisy error here", {{"app", "promtail"}}).empty());
  CHECK(h.run("a quiet line", {{"app", "promtail"}}).size() == 1);
  CHECK(h.drops("promtail_noisy_error") == 1);
  CHECK(h.one("x", {{"app", "loki"}}).labels.to_string() == R"({app="loki", matched="yes"})");
  CHECK(h.one("x", {{"app", "other"}}).labels.to_string() == R"({app="other"})");
}

TEST_CASE("luhn stage: card numbers passing the Luhn check are redacted") {
  Harness h("- luhn:");
  CHECK(h.one("paid with 4111111111111111.").line == "paid with **REDACTED**.");
  CHECK(h.one("cards 4532015112830366 and 378282246310005 ok").line == "cards **REDACTED** and **REDACTED** ok");
  // Fails the check, or shorter than the default min_length 13 (79927398713 passes it).
  CHECK(h.one("order 1234567812345678 ref 79927398713").line == "order 1234567812345678 ref 79927398713");
  // Separators end a run: four short runs stay.
  CHECK(h.one("4111 1111 1111 1111").line == "4111 1111 1111 1111");
  // A run beyond int64 (Promtail's strconv.Atoi fails) stays even when it passes the check.
  CHECK(h.one("id 41111111111111111115 and 9999999999999999998").line == "id 41111111111111111115 and 9999999999999999998");
  // A number glued to letters is still a run of digits.
  CHECK(h.one("x4111111111111111y").line == "x**REDACTED**y");

  Harness opts("- luhn: {replacement: '[card]', min_length: 11}");
  CHECK(opts.one("ref 79927398713 and 4111111111111111").line == "ref [card] and [card]");
}

TEST_CASE("luhn stage: with a source, the redacted value becomes the line") {
  Harness h(R"y(
- json:
    expressions: {card: card, n: n}
- luhn: {source: card}
)y");
  CHECK(h.one(R"({"card":"4111111111111111 exp 12/30","n":1})").line == "**REDACTED** exp 12/30");
  // A missing key leaves the line as it is.
  CHECK(h.one(R"({"n":4111111111111111})").line == R"({"n":4111111111111111})");
  CHECK(stages_test::compile_error("- luhn: {source: ''}").find("source: must not be empty") != std::string::npos);
  CHECK(stages_test::compile_error("- luhn: {min_length: 0}").find("min_length") != std::string::npos);
  CHECK(stages_test::compile_error("- luhn: {delimiters: ' -'}").find("delimiters") != std::string::npos);
}
