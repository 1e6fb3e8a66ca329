// JMESPath: examples from the specification and the tutorial at jmespath.org.
#include <doctest/doctest.h>

#include "jmespath/jmespath.h"

using nlohmann::json;

namespace {

json run(const char* expr, const char* doc) {
  auto r = jmespath::search(expr, json::parse(doc));
  REQUIRE_MESSAGE(r.ok(), expr << ": " << (r.ok() ? "" : r.error()));
  return *r;
}

std::string run_error(const char* expr, const char* doc) {
  auto r = jmespath::search(expr, json::parse(doc));
  REQUIRE_MESSAGE(!r.ok(), expr);
  return r.error();
}

}  // namespace

TEST_CASE("jmespath: identifiers and sub-expressions") {
  CHECK(run("a", R"({"a": "foo", "b": "bar"})") == "foo");
  CHECK(run("a", R"({"c": "foo"})").is_null());
  CHECK(run("a.b.c.d", R"({"a": {"b": {"c": {"d": "value"}}}})") == "value");
  CHECK(run("a.b.c", R"({"a": {"b": 1}})").is_null());
  CHECK(run(R"("with space")", R"({"with space": 1})") == 1);
  CHECK(run(R"("a\"b")", R"({"a\"b": 2})") == 2);
  CHECK(run("@", R"({"x": 1})") == json::parse(R"({"x": 1})"));
  CHECK(!jmespath::Expression::compile("a.@").ok());  // the grammar allows no @ after a dot
}

TEST_CASE("jmespath: index and slice") {
  const char* doc = R"(["a", "b", "c", "d", "e", "f"])";
  CHECK(run("[1]", doc) == "b");
  CHECK(run("[-1]", doc) == "f");
  CHECK(run("[10]", doc).is_null());
  CHECK(run("[0:3]", doc) == json::parse(R"(["a","b","c"])"));
  CHECK(run("[:2]", doc) == json::parse(R"(["a","b"])"));
  CHECK(run("[::2]", doc) == json::parse(R"(["a","c","e"])"));
  CHECK(run("[::-1]", doc) == json::parse(R"(["f","e","d","c","b","a"])"));
  CHECK(run("[-2:]", doc) == json::parse(R"(["e","f"])"));
  CHECK(run("a.b.c[0].d[1][0]", R"({"a": {"b": {"c": [{"d": [0, [1, 2]]}, {"d": [3, 4]}]}}})") == 1);
  CHECK(run("[0:5]", R"({"a": 1})").is_null());
  CHECK(!jmespath::Expression::compile("[::0]").ok());
}

TEST_CASE("jmespath: list and object projections") {
  const char* people = R"({"people": [{"first": "James", "last": "d"}, {"first": "Jacob", "last": "e"},
                                      {"first": "Jayden", "last": "f"}, {"missing": "different"}],
                           "foo": {"bar": "baz"}})";
  CHECK(run("people[*].first", people) == json::parse(R"(["James","Jacob","Jayden"])"));
  CHECK(run("people[:2].first", people) == json::parse(R"(["James","Jacob"])"));
  const char* ops = R"({"ops": {"functionA": {"numArgs": 2}, "functionB": {"numArgs": 3}, "functionC": {"variadic": true}}})";
  CHECK(run("ops.*.numArgs", ops) == json::parse("[2, 3]"));
  // A projection stops at a pipe: [0] then applies to the whole list.
  CHECK(run("people[*].first | [0]", people) == "James");
  CHECK(run("people[*].first[0]", people) == json::array());
  CHECK(run("*.bar", people) == json::parse(R"(["baz"])"));
}

TEST_CASE("jmespath: flatten") {
  const char* doc = R"({"reservations": [{"instances": [{"state": "running"}, {"state": "stopped"}]},
                                         {"instances": [{"state": "terminated"}, {"state": "running"}]}]})";
  CHECK(run("reservations[*].instances[*].state", doc) ==
        json::parse(R"([["running","stopped"],["terminated","running"]])"));
  CHECK(run("reservations[].instances[].state", doc) ==
        json::parse(R"(["running","stopped","terminated","running"])"));
  CHECK(run("[]", "[[0, 1], 2, [3], 4, [5, [6, 7]]]") == json::parse("[0, 1, 2, 3, 4, 5, [6, 7]]"));
  CHECK(run("[][]", "[[0, 1], 2, [3], 4, [5, [6, 7]]]") == json::parse("[0, 1, 2, 3, 4, 5, 6, 7]"));
}

TEST_CASE("jmespath: filters and comparators") {
  const char* machines = R"({"machines": [{"name": "a", "state": "running"}, {"name": "b", "state": "stopped"},
                                          {"name": "c", "state": "running"}]})";
  CHECK(run("machines[?state=='running'].name", machines) == json::parse(R"(["a","c"])"));
  CHECK(run("machines[?state!='running'].name", machines) == json::parse(R"(["b"])"));
  CHECK(run("machines[?state=='running'].name | [1]", machines) == "c");
  const char* nums = R"([{"a": 1, "b": 2}, {"a": 3, "b": 2}, {"a": 2, "b": "x"}])";
  CHECK(run("[?a > `1`].a", nums) == json::parse("[3, 2]"));
  CHECK(run("[?a <= `2`].a", nums) == json::parse("[1, 2]"));
  CHECK(run("[?a < b].a", nums) == json::parse("[1]"));  // "x" is not a number: comparison is null
  CHECK(run("[?a == `3` || a == `1`].a", nums) == json::parse("[1, 3]"));
  CHECK(run("[?a > `1` && b == `2`].a", nums) == json::parse("[3]"));
  CHECK(run("[?!(a == `1`)].a", nums) == json::parse("[3, 2]"));
  CHECK(run("a == `1.0`", R"({"a": 1})") == true);
}

TEST_CASE("jmespath: logical operators return operands") {
  CHECK(run("a || b", R"({"a": "", "b": "x"})") == "x");
  CHECK(run("a || b", R"({"a": [1], "b": "x"})") == json::parse("[1]"));
  CHECK(run("a && b", R"({"a": {}, "b": "x"})") == json::object());
  CHECK(run("a && b", R"({"a": true, "b": "x"})") == "x");
  CHECK(run("!a", R"({"a": []})") == true);
}

TEST_CASE("jmespath: multiselect, literals and pipes") {
  const char* people = R"({"people": [{"name": "a", "state": {"name": "up"}}, {"name": "b", "state": {"name": "down"}}]})";
  CHECK(run("people[*].[name, state.name]", people) == json::parse(R"([["a","up"],["b","down"]])"));
  CHECK(run("people[*].{Name: name, State: state.name}", people) ==
        json::parse(R"([{"Name":"a","State":"up"},{"Name":"b","State":"down"}])"));
  CHECK(run("`[1, 2]`", "{}") == json::parse("[1, 2]"));
  CHECK(run("`\"lit\"`", "{}") == "lit");
  CHECK(run("`foo`", "{}") == "foo");  // legacy unquoted literal, as go-jmespath accepts
  CHECK(run("'raw \\' string'", "{}") == "raw ' string");
  CHECK(run("a | b", R"({"a": {"b": 7}})") == 7);
  CHECK(run("{a: a}", "null").is_null());
}

TEST_CASE("jmespath: functions") {
  CHECK(run("length(people)", R"({"people": [1, 2, 3]})") == 3);
  CHECK(run("length('héllo')", "{}") == 5);
  CHECK(run("length(@)", R"({"a": 1, "b": 2})") == 2);
  CHECK(run("keys(@)", R"({"a": 1, "b": 2})") == json::parse(R"(["a","b"])"));
  CHECK(run("values(@)", R"({"a": 1, "b": 2})") == json::parse("[1, 2]"));
  CHECK(run("contains(`[1, 2]`, `2`)", "{}") == true);
  CHECK(run("contains('foobar', 'bar')", "{}") == true);
  CHECK(run("starts_with(a, 'fo')", R"({"a": "foo"})") == true);
  CHECK(run("ends_with(a, 'fo')", R"({"a": "foo"})") == false);
  CHECK(run("join(', ', @)", R"(["a", "b"])") == "a, b");
  CHECK(run("to_string(@)", R"({"a":[1,true]})") == R"({"a":[1,true]})");
  CHECK(run("to_string('x')", "{}") == "x");
  CHECK(run("to_number('1.5')", "{}") == 1.5);
  CHECK(run("to_number('abc')", "{}").is_null());
  CHECK(run("type(@)", "[]") == "array");
  CHECK(run("type(`1.5`)", "{}") == "number");
  CHECK(run("max(@)", "[1, 5, 3]") == 5);
  CHECK(run("min(@)", R"(["b", "a"])") == "a");
  CHECK(run("max(@)", "[]").is_null());
  CHECK(run("sum(@)", "[1, 2, 3.5]") == 6.5);
  CHECK(run("avg(@)", "[1, 2, 3]") == 2);
  CHECK(run("sort(@)", "[3, 1, 2]") == json::parse("[1, 2, 3]"));
  CHECK(run("reverse(@)", "[1, 2, 3]") == json::parse("[3, 2, 1]"));
  CHECK(run("reverse('abc')", "{}") == "cba");
  CHECK(run("abs(`-3`)", "{}") == 3);
  CHECK(run("ceil(`1.2`)", "{}") == 2);
  CHECK(run("floor(`1.8`)", "{}") == 1);
  CHECK(run("not_null(a, b, c)", R"({"b": 2})") == 2);
  CHECK(run("map(&a, @)", R"([{"a": 1}, {"b": 2}])") == json::parse("[1, null]"));
  CHECK(run("merge(a, b)", R"({"a": {"x": 1, "y": 1}, "b": {"y": 2}})") == json::parse(R"({"x":1,"y":2})"));
  CHECK(run("to_array(`1`)", "{}") == json::parse("[1]"));
  const char* people = R"({"people": [{"name": "b", "age": 30}, {"name": "a", "age": 50}, {"name": "c", "age": 40}]})";
  CHECK(run("sort_by(people, &age)[*].name", people) == json::parse(R"(["b","c","a"])"));
  CHECK(run("max_by(people, &age).name", people) == "a");
  CHECK(run("min_by(people, &age).name", people) == "b");
  CHECK(run("sort_by(people, &name)[0].age", people) == 50);
}

TEST_CASE("jmespath: errors") {
  CHECK(run_error("length(`1`)", "{}").find("invalid-type") != std::string::npos);
  CHECK(run_error("length(a, b)", "{}").find("invalid-arity") != std::string::npos);
  CHECK(run_error("sum(@)", R"(["a"])").find("invalid-type") != std::string::npos);
  auto unknown = jmespath::Expression::compile("nope(a)");
  REQUIRE(!unknown.ok());
  CHECK(unknown.error().find("nope") != std::string::npos);
  auto bad = jmespath::Expression::compile("a.");
  REQUIRE(!bad.ok());
  CHECK(bad.error().find("column 2") != std::string::npos);
  CHECK(!jmespath::Expression::compile("a[").ok());
  CHECK(!jmespath::Expression::compile("a = b").ok());
  CHECK(!jmespath::Expression::compile("{a: b").ok());
  CHECK(!jmespath::Expression::compile("\"a\"(b)").ok());
}

TEST_CASE("jmespath: Promtail's json stage expressions") {
  const char* line = R"({"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z",
                         "extra":"{\"user\":\"marco\"}","nested":{"user":"x"}})";
  CHECK(run("log", line) == "log message\n");
  CHECK(run("nested.user", line) == "x");
  CHECK(run(R"("nested"."user")", line) == "x");
}
