// The Go text/template language itself: text, actions, trim markers, comments, pipelines,
// variables, control structures, literals, errors.
#include <doctest/doctest.h>

#include "test_context.h"

using tmpl_test::run;
using model::LabelSet;

TEST_CASE("template: text, fields and missing labels (Loki's fmt_test cases)") {
  LabelSet lbs{{"foo", "blip"}, {"bar", "blop"}};
  CHECK(run("foo{{.foo}}buzz{{  .bar  }}", lbs) == "fooblipbuzzblop");
  CHECK(run("plain text") == "plain text");
  CHECK(run("") == "");
  // missingkey=zero on map[string]string: a missing label is the empty string.
  CHECK(run("foo {{.foo}}buzz{{  .bar  }}", LabelSet{{"bar", "blop"}}) == "foo buzzblop");
  CHECK(run("{{ . }}", lbs) == "map[bar:blop foo:blip]");
  CHECK(run("{{ .foo.bar }}", lbs) == "ERR: template: line:1:3: executing \"line\" at <.foo.bar>: can't evaluate field bar in type string");
}

TEST_CASE("template: trim markers and comments") {
  LabelSet lbs{{"a", "x"}};
  CHECK(run("a  {{- .a -}}  b", lbs) == "axb");
  CHECK(run("a \n {{- .a }} \n b", lbs) == "ax \n b");
  CHECK(run("a {{ .a -}} \n\t b", lbs) == "a xb");
  CHECK(run("{{-3}}") == "-3");  // not a trim marker without the space
  CHECK(run("a {{/* a comment */}} b") == "a  b");
  CHECK(run("a {{- /* a comment */ -}} b") == "ab");
  CHECK(run("{{/* multi\nline */}}x") == "x");
  CHECK(run("{{/* open") == "ERR: template: line:1: unclosed comment");
  CHECK(run("{{/* c */ .a}}") == "ERR: template: line:1: comment ends before closing delimiter");
}

TEST_CASE("template: literals print like Go") {
  CHECK(run("{{ 42 }} {{ -7 }} {{ 0x1F }} {{ 1_000 }} {{ 017 }}") == "42 -7 31 1000 15");
  CHECK(run("{{ 3.5 }} {{ 1e6 }} {{ 1.0 }} {{ 0.000001 }} {{ 123456789.0 }} {{ 100000.0 }}") ==
        "3.5 1e+06 1 1e-06 1.23456789e+08 100000");
  CHECK(run("{{ true }} {{ false }}") == "true false");
  CHECK(run("{{ \"quoted\\t\" }}|{{ `raw\\t` }}") == "quoted\t|raw\\t");
  CHECK(run("{{ 'a' }}") == "97");
  CHECK(run("{{ nil }}") == "ERR: template: line:1:3: executing \"line\" at <nil>: nil is not a command");
}

TEST_CASE("template: pipelines pass the value as the last argument") {
  LabelSet lbs{{"path", "/api v1/users"}};
  CHECK(run(R"T({{ .path | replace " " "_" | trunc 5 | upper }})T", lbs) == "/API_");
  CHECK(run(R"T({{ "hello" | printf "%s-%s" "x" }})T") == "x-hello");
  CHECK(run(R"T({{ ("a" | upper) }}{{ (print 1 2) }})T") == "A1 2");
  CHECK(run(R"T({{ "x" | 3 }})T") == "ERR: template: line:1: non executable command in pipeline stage 2");
  // A field given arguments is an error at execution (Loki's "err" case).
  CHECK(run(R"T({{.foo Replace "foo"}})T", LabelSet{{"foo", "blip"}}) ==
        "ERR: template: line:1:2: executing \"line\" at <.foo>: foo is not a method but has arguments");
}

TEST_CASE("template: if / else if / else / with") {
  CHECK(run(R"T({{ if eq .status "200" }}ok{{ else }}bad{{ end }})T", LabelSet{{"status", "200"}}) == "ok");
  CHECK(run(R"T({{ if eq .status "200" }}ok{{ else }}bad{{ end }})T", LabelSet{{"status", "500"}}) == "bad");
  std::string chain = R"T({{ if contains "ErrTimeout" .err }}timeout{{ else if contains "he" "hello" }}yes{{ else }}no{{ end }})T";
  CHECK(run(chain, LabelSet{{"err", "ErrTimeout!"}}) == "timeout");
  CHECK(run(chain, LabelSet{{"err", "other"}}) == "yes");
  CHECK(run(R"T({{ if and (contains "he" "hello") (contains "llo" "hello") }} yes {{end}})T") == " yes ");
  CHECK(run(R"T({{ if .missing }}set{{ else }}unset{{ end }})T") == "unset");
  CHECK(run(R"T({{ with .foo }}[{{ . }}]{{ else }}none{{ end }})T", LabelSet{{"foo", "v"}}) == "[v]");
  CHECK(run(R"T({{ with .foo }}[{{ . }}]{{ else }}none{{ end }})T") == "none");
  CHECK(run(R"T({{ with .a }}A{{ else with .b }}B={{ . }}{{ end }})T", LabelSet{{"b", "2"}}) == "B=2");
  CHECK(run("{{ if 0 }}t{{ else }}f{{ end }}{{ if 0.0 }}t{{ else }}f{{ end }}{{ if \"\" }}t{{ else }}f{{ end }}") == "fff");
  CHECK(run("{{ if 1 }}x") == "ERR: template: line:1: unexpected EOF");
  CHECK(run("{{ end }}") == "ERR: template: line:1: unexpected {{end}}");
  CHECK(run("{{ else }}") == "ERR: template: line:1: unexpected {{else}}");
}

TEST_CASE("template: variables") {
  LabelSet lbs{{"a", "x"}, {"b", "y"}};
  CHECK(run("{{ $v := .a }}{{ $v }}{{ $v = .b }}{{ $v }}", lbs) == "xy");
  CHECK(run("{{ $.a }}", lbs) == "x");
  CHECK(run("{{ with .a }}{{ $.b }}{{ . }}{{ end }}", lbs) == "yx");
  CHECK(run("{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}") == "ERR: template: line:1: undefined variable \"$x\"");
  CHECK(run("{{ $x }}") == "ERR: template: line:1: undefined variable \"$x\"");
  CHECK(run("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}") == "2");
}

TEST_CASE("template: range over lists, maps, labels and ints") {
  std::string q = R"T({{ range $q := fromJson .queries }}[{{ $q.query }}]{{ end }})T";
  CHECK(run(q, LabelSet{{"queries", R"([{"query":"a"},{"query":"b"}])"}}) == "[a][b]");
  CHECK(run(R"T({{ range $i, $v := fromJson "[10, 20]" }}{{ $i }}={{ $v }};{{ end }})T") == "0=10;1=20;");
  CHECK(run(R"T({{ range $k, $v := fromJson "{\"b\":1,\"a\":2}" }}{{ $k }}{{ $v }}{{ end }})T") == "a2b1");
  CHECK(run(R"T({{ range $k, $v := . }}{{ $k }}={{ $v }},{{ end }})T", LabelSet{{"z", "1"}, {"a", "2"}}) == "a=2,z=1,");
  CHECK(run(R"T({{ range fromJson "[]" }}x{{ else }}empty{{ end }})T") == "empty");
  CHECK(run(R"T({{ range 3 }}{{ . }}{{ end }})T") == "012");
  CHECK(run(R"T({{ range fromJson "[1,2,3,4]" }}{{ if eq . 3.0 }}{{ break }}{{ end }}{{ . }}{{ end }})T") == "12");
  CHECK(run(R"T({{ range fromJson "[1,2,3]" }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ . }}{{ end }})T") == "13");
  CHECK(run("{{ break }}") == "ERR: template: line:1: {{break}} outside {{range}}");
  CHECK(run(R"T({{ range "abc" }}{{ end }})T") ==
        "ERR: template: line:1:9: executing \"line\" at <\"abc\">: range can't iterate over abc");
}

TEST_CASE("template: define, template and block") {
  CHECK(run(R"T({{ define "T" }}<{{ . }}>{{ end }}{{ template "T" .a }}{{ template "T" "x" }})T", LabelSet{{"a", "1"}}) ==
        "<1><x>");
  CHECK(run(R"T({{ block "B" .a }}[{{ . }}]{{ end }})T", LabelSet{{"a", "1"}}) == "[1]");
  CHECK(run(R"T({{ template "nope" }})T") ==
        "ERR: template: line:1:12: executing \"line\" at <{{template \"nope\"}}>: template \"nope\" not defined");
}

TEST_CASE("template: parse errors read like Go's") {
  CHECK(run("{{ foo }}") == "ERR: template: line:1: function \"foo\" not defined");
  CHECK(run("{{ .a ") == "ERR: template: line:1: unclosed action");
  CHECK(run("a\n{{ .a }}\n{{ bar 1 }}") == "ERR: template: line:3: function \"bar\" not defined");
  CHECK(run("{{ }}") == "ERR: template: line:1: missing value for command");
  CHECK(run("{{ 1a }}") == "ERR: template: line:1: bad number syntax: \"1a\"");
  CHECK(gotemplate::Template::parse("{{ x }}", "label").error() == "template: label:1: function \"x\" not defined");
}

TEST_CASE("template: runtime errors carry Go's location and context") {
  CHECK(run("{{ div 1 0 }}") ==
        "ERR: template: line:1:3: executing \"line\" at <div 1 0>: error calling div: runtime error: integer divide by zero");
  CHECK(run("{{ upper 1 }}") == "ERR: template: line:1:9: executing \"line\" at <1>: expected string; found 1");
  CHECK(run("{{ trunc \"1\" \"abc\" }}") ==
        "ERR: template: line:1:9: executing \"line\" at <\"1\">: expected integer; found \"1\"");
  CHECK(run("{{ \"x\" | repeat (add 1 2) }}") ==
        "ERR: template: line:1:23: executing \"line\" at <2>: wrong type for value; expected int; got int64");
  CHECK(run("{{ add 1 2 | upper }}") ==
        "ERR: template: line:1:13: executing \"line\" at <upper>: wrong type for value; expected string; got int64");
  CHECK(run("{{ upper }}") == "ERR: template: line:1:3: executing \"line\" at <upper>: wrong number of args for upper: want 1 got 0");
  CHECK(run("{{ eq 1 \"1\" }}") ==
        "ERR: template: line:1:3: executing \"line\" at <eq 1 \"1\">: error calling eq: incompatible types for comparison");
}

TEST_CASE("template: uses_line / uses_timestamp") {
  auto t = gotemplate::Template::parse("{{ __line__ | lower }}");
  REQUIRE(t.ok());
  CHECK(t->uses_line());
  CHECK(!t->uses_timestamp());
  auto u = gotemplate::Template::parse("{{ .a }} {{ __timestamp__ }}");
  REQUIRE(u.ok());
  CHECK(!u->uses_line());
  CHECK(u->uses_timestamp());
}

TEST_CASE("template: execute_into appends and the template is reusable") {
  auto t = gotemplate::Template::parse("{{ .a }}!");
  REQUIRE(t.ok());
  std::string out = "pre:";
  tmpl_test::TestContext c1(LabelSet{{"a", "1"}});
  tmpl_test::TestContext c2(LabelSet{{"a", "2"}});
  REQUIRE(t->execute_into(c1, out).ok());
  REQUIRE(t->execute_into(c2, out).ok());
  CHECK(out == "pre:1!2!");
}

TEST_CASE("template: nesting limits (Go's for parentheses; ours for control structures)") {
  std::string parens = "{{ " + std::string(1001, '(') + "1" + std::string(1001, ')') + " }}";
  auto p = gotemplate::Template::parse(parens);
  REQUIRE_FALSE(p.ok());
  CHECK(p.error() == "template: line:1: max expression depth exceeded");
  std::string ifs;
  for (int i = 0; i < 1001; ++i) ifs += "{{ if 1 }}";
  ifs += "x";
  for (int i = 0; i < 1001; ++i) ifs += "{{ end }}";
  auto c = gotemplate::Template::parse(ifs);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error() == "template: line:1: max control structure depth exceeded");
  // At the limit, parsing stays cheap (each level used to re-render the whole subtree).
  std::string at_limit = "{{ " + std::string(1000, '(') + "1" + std::string(1000, ')') + " }}";
  REQUIRE(gotemplate::Template::parse(at_limit).ok());
  // Within the limits, deep templates parse and run.
  std::string ok_ifs;
  for (int i = 0; i < 200; ++i) ok_ifs += "{{ if 1 }}";
  ok_ifs += "x";
  for (int i = 0; i < 200; ++i) ok_ifs += "{{ end }}";
  auto ok = gotemplate::Template::parse(ok_ifs);
  REQUIRE_MESSAGE(ok.ok(), ok.error());
}
