// labels, structured_metadata, static_labels, labelallow, labeldrop, tenant.
#include "stages_test_util.h"

using stages_test::Harness;

TEST_CASE("labels stage: from extracted values, renamed, non-strings skipped") {
  Harness h(R"y(
- json:
    expressions:
      stream:
      code: status
      obj:
- labels:
    stream:
    status_code: code
    obj:
    absent:
)y");
  auto e = h.one(R"({"stream": "stderr", "status": 500, "obj": null})", {{"job", "a"}});
  CHECK(e.labels.to_string() == R"({job="a", status_code="500", stream="stderr"})");
}

TEST_CASE("structured_metadata stage: values go beside the line, not into the labels") {
  Harness h(R"y(
- json:
    expressions:
      traceID: trace_id
- structured_metadata:
    traceID:
)y");
  auto e = h.one(R"({"trace_id": "0242ac120002", "msg": "x"})", {{"job", "a"}});
  CHECK(e.metadata.to_string() == R"({traceID="0242ac120002"})");
  CHECK(e.labels.to_string() == R"({job="a"})");
}

TEST_CASE("static_labels, labelallow and labeldrop stages") {
  Harness h(R"y(
- static_labels:
    custom_key: custom_value
    env: prod
- labeldrop:
    - filename
)y");
  auto e = h.one("x", {{"filename", "/var/log/a.log"}, {"job", "j"}});
  CHECK(e.labels.to_string() == R"({custom_key="custom_value", env="prod", job="j"})");

  Harness allow(R"y(
- labelallow:
    - kubernetes_pod_name
    - kubernetes_container_name
)y");
  auto a = allow.one("x", {{"kubernetes_pod_name", "p"}, {"kubernetes_container_name", "c"}, {"app", "loki"}});
  CHECK(a.labels.to_string() == R"({kubernetes_container_name="c", kubernetes_pod_name="p"})");
}

TEST_CASE("tenant stage: value, source and label") {
  Harness value("- tenant: {value: team-a}");
  CHECK(value.one("x").tenant == "team-a");

  Harness source(R"y(
- json:
    expressions:
      customer_id:
- tenant:
    source: customer_id
)y");
  CHECK(source.one(R"({"customer_id": "1", "log": "x"})").tenant == "1");
  CHECK(source.one(R"({"log": "x"})").tenant.empty());

  Harness label("- tenant: {label: namespace}");
  CHECK(label.one("x", {{"namespace", "ns1"}}).tenant == "ns1");
  CHECK(stages_test::compile_error("- tenant: {label: a, value: b}").find("exactly one") != std::string::npos);
}
