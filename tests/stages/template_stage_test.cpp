// template stage and templated replace, with the examples of Promtail's template stage docs.
#include "gotemplate/template.h"
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

TEST_CASE("template stage: Promtail's Hash (SHA3-256) and Sha2Hash (SHA-256), not in LogQL") {
  // The values of Promtail's own template stage tests.
  Harness h(R"y(
- regex: {expression: '^(?P<testval>.*)$'}
- template: {source: sha3, template: '{{ Hash .testval "salt" }}'}
- template: {source: sha2, template: '{{ Sha2Hash .testval "salt" }}'}
)y");
  auto e = h.one("this is PII data");
  CHECK(str(e, "sha3") == "0807ea24e992127128b38e4930f7155013786a4999c73a25910318a793847658");
  CHECK(str(e, "sha2") == "5526fd6f8ad457279cf8ff06453c6cb61bf479fa826e3b099caa6c846f9376f2");
  CHECK(stages_test::compile_error("- template: {source: a, template: '{{ Nope .Value }}'}")
            .find("template: pipeline_template:1: function \"Nope\" not defined") != std::string::npos);
  // LogQL's line_format has no such functions, as in Loki.
  CHECK_FALSE(gotemplate::Template::parse("{{ Hash .a \"s\" }}").ok());
}
