// Strict configuration: unknown stages and keys, missing required keys, bad values are errors
// that name what is wrong.
#include "stages_test_util.h"

using stages_test::compile_error;

TEST_CASE("pipeline config: unknown stage names and keys are named") {
  CHECK(compile_error("- regexp: {expression: '(?P<a>.)'}").find("unknown stage type \"regexp\"") != std::string::npos);
  CHECK(compile_error("- regex: {expresion: '(?P<a>.)'}") ==
        "pipeline_stages[0].regex: missing required field \"expression\"");
  CHECK(compile_error("- regex: {expression: '(?P<a>.)', sorce: x}") ==
        "pipeline_stages[0].regex: unknown field \"sorce\"");
  CHECK(compile_error("- json: {expressions: {a: b}, drop_malformd: true}").find("drop_malformd") != std::string::npos);
  CHECK(compile_error("- match: {selector: '{a=\"b\"}', stages: [{labels: {a: }}], acton: drop}").find("acton") !=
        std::string::npos);
  CHECK(compile_error("- multiline: {firstline: x, max_wait: 3s}").find("max_wait") != std::string::npos);
  CHECK(compile_error("- docker: {foo: 1}").find("foo") != std::string::npos);
  CHECK(compile_error("- cri: {max_partial_line: 1}").find("max_partial_line") != std::string::npos);
  CHECK(compile_error("- pack: {labels: [a], ingest: true}").find("ingest") != std::string::npos);
  CHECK(compile_error("- drop: {expresion: x}").find("expresion") != std::string::npos);
}

TEST_CASE("pipeline config: stage errors say which stage") {
  std::string err = compile_error("- labels: {a: }\n- regex: {expression: '(?P<a'}");
  CHECK(err.starts_with("pipeline_stages[1].regex: invalid regular expression"));
  CHECK(compile_error("- regex: {expression: 'no groups'}").find("named capture group") != std::string::npos);
  CHECK(compile_error("- json: {expressions: {a: 'b[?'}}").find("JMES") != std::string::npos);
  CHECK(compile_error("- labels: {'bad-name': }").find("bad-name") != std::string::npos);
  CHECK(compile_error("- match: {selector: 'not a selector', stages: [{labels: {a: }}]}").find("selector") !=
        std::string::npos);
  CHECK(compile_error("- match: {selector: '{a=\"b\"} | json', stages: [{labels: {a: }}]}").find("line filters") !=
        std::string::npos);
  CHECK(compile_error("- match: {selector: '{a=\"b\"}'}").find("nested stage") != std::string::npos);
  CHECK(compile_error("- match: {selector: '{a=\"b\"}', action: drop, stages: [{labels: {a: }}]}").find("cannot") !=
        std::string::npos);
  CHECK(compile_error("- match: {selector: '{a=\"b\"}', stages: [{bogus: {}}]}").starts_with(
      "pipeline_stages[0].match.stages[0]: unknown stage type \"bogus\""));
  CHECK(compile_error("- match: {selector: '{a=\"b\"}', stages: [{regex: {expression: x}}]}") ==
        "pipeline_stages[0].match.stages[0].regex: expression must have at least one named capture group "
        "(?P<name>...)");
  CHECK(compile_error("- metrics: {lines: {type: Counter, config: {action: inc, buckets: [1]}}}") ==
        "pipeline_stages[0].metrics.lines.config: unknown field \"buckets\"");
  CHECK(compile_error("- drop: {drop_counter_reason: x}").find("at least one") != std::string::npos);
  CHECK(compile_error("- drop: {source: a, value: b, expression: c}").find("cannot both") != std::string::npos);
  CHECK(compile_error("- limit: {rate: 0, burst: 1}").find("rate") != std::string::npos);
  CHECK(compile_error("- sampling: {rate: 2}").find("between 0 and 1") != std::string::npos);
  CHECK(compile_error("regex: {expression: x}").find("list of stages") != std::string::npos);
}

TEST_CASE("pipeline config: an absent or empty pipeline passes entries through") {
  auto p = stages::Pipeline::compile({});
  REQUIRE(p.ok());
  stages::Entry e;
  e.line = "x";
  CHECK(p->process_in_place(e));
  CHECK(!p->buffers());
}
