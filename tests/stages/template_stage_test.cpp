// template stage and templated replace, with the examples of Promtail's template stage docs.
#include "stages_test_util.h"

using stages_test::Harness;
using stages_test::str;

TEST_CASE("template stage: documented examples") {
  Harness create("- template: {source: new_key, template: 'hello world!'}");
  CHECK(str(create.one("x"), "new_key") == "hello world!");

  Harness h(R"y(
- json:
    expressions:
      app:
      level:
- template:
    source: suffixed
    template: '{{ .app }}_some_suffix'
- template:
    source: app
    template: '{{ ToLower .Value }}'
- template:
    source: replaced
    template: '{{ Replace .app "loki" "blokey" 1 }}'
- template:
    source: output_msg
    template: '{{ .level }} for app {{ ToUpper .app }}'
)y");
  auto e = h.one(R"({"app": "LOKI", "level": "warn"})");
  CHECK(str(e, "suffixed") == "LOKI_some_suffix");
  CHECK(str(e, "app") == "loki");
  CHECK(str(e, "replaced") == "blokey");
  CHECK(str(e, "output_msg") == "warn for app LOKI");
}

TEST_CASE("template stage: TrimSpace and regexReplaceAll on the value") {
  Harness h(R"y(
- regex: {expression: '^(?P<v>.*)$'}
- template: {source: v, template: '{{ TrimSpace .Value }}'}
- template: {source: w, template: '{{ regexReplaceAll "(\\d+)" .v "<$1>" }}'}
)y");
  auto e = h.one("  id 42  ");
  CHECK(str(e, "v") == "id 42");
  CHECK(str(e, "w") == "id <42>");
}

TEST_CASE("replace stage: templated replacement") {
  Harness h(R"y(
- replace:
    expression: "user=(\\w+)"
    replace: '{{ .Value | ToUpper }}'
)y");
  CHECK(h.one("login user=frank ok").line == "login user=FRANK ok");
}

TEST_CASE("template stage: configuration errors") {
  CHECK(stages_test::compile_error("- template: {source: a, template: '{{ .Value '}").find("template") !=
        std::string::npos);
  CHECK(stages_test::compile_error("- template: {template: x}").find("\"source\"") != std::string::npos);
}
