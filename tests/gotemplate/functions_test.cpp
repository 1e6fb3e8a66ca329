// Loki's template function set, with expected outputs from Loki's docs (template_functions.md)
// and its fmt_test.go.
#include <doctest/doctest.h>

#include "test_context.h"

using model::LabelSet;
using tmpl_test::run;

TEST_CASE("functions: Loki fmt_test string cases") {
  LabelSet lbs{{"foo", "blip"}, {"bar", "blop"}};
  CHECK(run(R"T(foo{{.foo}}buzz{{ Replace .bar "blop" "bar" -1 }})T", lbs) == "fooblipbuzzbar");
  CHECK(run(R"T(foo{{.foo}}buzz{{ .bar | replace "blop" "bar" }})T", lbs) == "fooblipbuzzbar");
  CHECK(run(R"T({{.foo | title }})T", lbs) == "Blip");
  CHECK(run(R"T({{.foo | substr 1 3 }} {{ .bar  | trunc 1 }} {{ .bar  | trunc 3 }})T", lbs) == "li b blo");
  CHECK(run(R"T({{.foo | trim }} {{ .bar  | trimAll "op" }} {{ .bar  | trimPrefix "b" }} {{ .bar  | trimSuffix "p" }})T",
            LabelSet{{"foo", "  blip "}, {"bar", "blop"}}) == "blip bl lop blo");
  CHECK(run(R"T({{.foo | lower }} {{ .bar  | upper }})T", LabelSet{{"foo", "BLIp"}, {"bar", "blop"}}) == "blip BLOP");
  CHECK(run(R"T({{ "foo" | repeat 3 }})T") == "foofoofoo");
  CHECK(run("{{ \"foo\\n bar\" | indent 4 }}") == "    foo\n     bar");
  CHECK(run(R"T({{ "foo" | nindent 2 }})T") == "\n  foo");
  CHECK(run(R"T({{ if  .foo | contains "p"}}yes{{end}}-{{ if  .foo | contains "z"}}no{{end}})T", LabelSet{{"foo", "BLIp"}}) == "yes-");
  CHECK(run(R"T({{ if  .foo | hasPrefix "BL" }}yes{{end}}-{{ if  .foo | hasPrefix "p"}}no{{end}})T", LabelSet{{"foo", "BLIp"}}) == "yes-");
  CHECK(run(R"T({{ if  .foo | hasSuffix "Ip" }}yes{{end}}-{{ if  .foo | hasSuffix "pw"}}no{{end}})T", LabelSet{{"foo", "BLIp"}}) == "yes-");
  CHECK(run(R"T(foo {{.foo | ToUpper }} buzz{{  .bar  }})T", lbs) == "foo BLIP buzzblop");
  CHECK(run(R"T({{.foo | default "-" }}{{.bar | default "-"}}{{.unknown | default "-"}})T",
            LabelSet{{"foo", "blip"}, {"bar", ""}}) == "blip--");
}

TEST_CASE("functions: docs examples for strings") {
  CHECK(run(R"T({{ alignLeft 5 "hello world"}})T") == "hello");
  CHECK(run(R"T({{ alignLeft 5 "hi"}})T") == "hi   ");
  CHECK(run(R"T({{ alignRight 5 "hello world"}})T") == "world");
  CHECK(run(R"T({{ alignRight 5 "hi"}})T") == "   hi");
  CHECK(run(R"T({{ default "-" "" }})T") == "-");
  CHECK(run(R"T({{ default "-" "foo" }})T") == "foo");
  CHECK(run(R"T({{ lower "HELLO"}})T") == "hello");
  CHECK(run(R"T({{ repeat 3 "hello" }})T") == "hellohellohello");
  CHECK(run(R"T({{ replace "hello" "world" "hello world" }})T") == "world world");
  CHECK(run(R"T({{ substr 0 5 "hello world"}})T") == "hello");
  CHECK(run(R"T({{ substr 6 11 "hello world"}})T") == "world");
  CHECK(run(R"T({{ title "hello world"}})T") == "Hello World");
  CHECK(run(R"T({{ trim "   hello    " }})T") == "hello");
  CHECK(run(R"T({{ trimAll "$" "$5.00" }})T") == "5.00");
  CHECK(run(R"T({{ trimPrefix "-" "-hello" }})T") == "hello");
  CHECK(run(R"T({{ trimSuffix "-" "hello-" }})T") == "hello");
  CHECK(run(R"T({{ trunc 5 "hello world"}})T") == "hello");
  CHECK(run(R"T({{ trunc -5 "hello world"}})T") == "world");
  CHECK(run(R"T({{ upper  "hello"}})T") == "HELLO");
  CHECK(run(R"T({{ if contains "he" "hello" }} yes {{end}})T") == " yes ");
  CHECK(run(R"T({{ if hasPrefix "he" "hello" }} yes {{end}})T") == " yes ");
  CHECK(run(R"T({{ if eq "hello" "hello" }} yes {{end}})T") == " yes ");
}

TEST_CASE("functions: unicode-aware trunc, substr and case mapping (Loki's Test_trunc/Test_substring)") {
  CHECK(run(R"T({{ trunc -1 "Hello, 世界" }})T") == "界");
  CHECK(run(R"T({{ trunc 0 "Hello, 世界" }})T") == "");
  CHECK(run(R"T({{ trunc 20 "Hello, 世界" }})T") == "Hello, 世界");
  CHECK(run(R"T({{ trunc -20 "Hello, 世界" }})T") == "Hello, 世界");
  CHECK(run(R"T({{ substr 1 8 "Hello, 世界" }})T") == "ello, 世");
  CHECK(run(R"T({{ substr -10 8 "Hello, 世界" }})T") == "Hello, 世");
  CHECK(run(R"T({{ substr -1 -1 "Hello, 世界" }})T") == "");
  CHECK(run(R"T({{ substr 20 -1 "Hello, 世界" }})T") == "");
  CHECK(run(R"T({{ substr 5 1 "Hello, 世界" }})T") == "");
  CHECK(run(R"T({{ substr 3 -1 "Hello, 世界" }})T") == "lo, 世界");
  CHECK(run(R"T({{ upper "straße émile ωμέγα привет" }})T") == "STRAßE ÉMILE ΩΜΈΓΑ ПРИВЕТ");
  CHECK(run(R"T({{ lower "ÉMILE ΩΜΈΓΑ ПРИВЕТ" }})T") == "émile ωμέγα привет");
}

TEST_CASE("functions: Go strings package functions") {
  CHECK(run(R"T({{ Trim "xxhixx" "x" }}|{{ TrimLeft "xxhixx" "x" }}|{{ TrimRight "xxhixx" "x" }})T") == "hi|hixx|xxhi");
  CHECK(run(R"T({{ TrimPrefix "prefix-body" "prefix-" }}|{{ TrimSuffix "body.log" ".log" }})T") == "body|body");
  CHECK(run(R"T({{ TrimSpace "  \t x y \n" }}|{{ ToLower "ABC" }})T") == "x y|abc");
  CHECK(run(R"T({{ Replace "aaaa" "a" "b" 2 }}|{{ Replace "ab" "" "-" -1 }})T") == "bbaa|-a-b-");
}

TEST_CASE("functions: math (docs and fmt_test)") {
  CHECK(run("{{ add 3 2 5 }}") == "10");
  CHECK(run("{{ addf 3.5 2 5 }}") == "10.5");
  CHECK(run("{{ ceil 123.001 }}") == "124");
  CHECK(run("{{ div 10 2}}") == "5");
  CHECK(run("{{ divf 10 2 4}}") == "1.25");
  CHECK(run(R"T({{ "3.5" | float64 }})T") == "3.5");
  CHECK(run("{{ floor 123.9999 }}") == "123");
  CHECK(run(R"T({{ "3" | int }})T") == "3");
  CHECK(run("{{ max 1 2 3 }}") == "3");
  CHECK(run("{{ maxf 1 2.5 3 }}") == "3");
  CHECK(run("{{ min 1 2 3 }}") == "1");
  CHECK(run("{{ minf 1 2.5 3 }}") == "1");
  CHECK(run("{{ mul 5 2 3}}") == "30");
  CHECK(run("{{ mulf 5.5 2 2.5 }}") == "27.5");
  CHECK(run("{{ mod 10 3}}") == "1");
  CHECK(run("{{ round 123.555555 3 }}") == "123.556");
  CHECK(run("{{ round 123.88571428571 5 .2 }}") == "123.88572");
  CHECK(run("{{ round 123.88571428571 5 }}") == "123.88571");
  CHECK(run("{{ sub 5 2 }}") == "3");
  CHECK(run("{{ subf  5.5 2 1.5 }}") == "2");
  CHECK(run("{{ addf 0.1 0.2 }}") == "0.3");  // decimal arithmetic, like sprig
  CHECK(run("{{ add .foo 1 | sub .bar | mul .baz | div .bazz}}",
            LabelSet{{"foo", "1"}, {"bar", "3"}, {"baz", "10"}, {"bazz", "20"}}) == "2");
  CHECK(run("{{ addf .foo 1.5 | subf .bar 1.5 | mulf .baz | divf .bazz }}",
            LabelSet{{"foo", "1.5"}, {"bar", "5"}, {"baz", "10.5"}, {"bazz", "20.2"}}) == "3.8476190476190477");
  CHECK(run("{{ round (addf .foo 1.5 | subf .bar | mulf .baz | divf .bazz) 5 .2}}",
            LabelSet{{"foo", "1.5"}, {"bar", "3.5"}, {"baz", "10.5"}, {"bazz", "20.4"}}) == "3.88572");
  CHECK(run("min is {{ min .foo .bar .baz }} and max is {{ max .foo .bar .baz }}",
            LabelSet{{"foo", "5"}, {"bar", "10"}, {"baz", "15"}}) == "min is 5 and max is 15");
  CHECK(run("minf is {{ minf .foo .bar .baz }} and maxf is {{maxf .foo .bar .baz}}",
            LabelSet{{"foo", "5.3"}, {"bar", "10.5"}, {"baz", "15.2"}}) == "minf is 5.3 and maxf is 15.2");
  CHECK(run("ceil is {{ ceil .foo }} and floor is {{floor .foo }}", LabelSet{{"foo", "5.3"}}) == "ceil is 6 and floor is 5");
  CHECK(run("mod is {{ mod .foo 3 }}", LabelSet{{"foo", "20"}}) == "mod is 2");
  CHECK(run("{{ \"2.5\" | float64 | int | add 10}}") == "12");
  CHECK(run("{{div .status 100 }}", LabelSet{{"status", "200"}}) == "2");
  // cast rules: junk is 0, "12.0" is 12, base prefixes are honoured.
  CHECK(run(R"T({{ add "abc" 1 }} {{ add "12.0" 1 }} {{ add "0x10" 0 }})T") == "1 13 16");
  CHECK(run("{{ divf 1 0 }}").find("error calling divf: decimal division by 0") != std::string::npos);
}

TEST_CASE("functions: regular expressions") {
  CHECK(run(R"T({{ count "a|b" "abab" }})T") == "4");
  CHECK(run(R"T({{ count "o" "foo" }})T") == "2");
  CHECK(run(R"T({{ count "x*" "ab" }})T") == "3");  // empty matches at 0, 1 and 2
  CHECK(run(R"T({{ __line__ | count "XYZ"}})T", {}, "XYZ and XYZ") == "2");
  CHECK(run(R"T({{ regexReplaceAll "(p)" .foo "t" }})T", LabelSet{{"foo", "BLIp"}}) == "BLIt");
  CHECK(run(R"T({{ regexReplaceAllLiteral "(p)" .foo "${1}" }})T", LabelSet{{"foo", "BLIp"}}) == "BLI${1}");
  CHECK(run(R"T({{ regexReplaceAll "(a*)bc" .some_label "${1}a" }})T", LabelSet{{"some_label", "aabcxbc"}}) == "aaaxa");
  CHECK(run(R"T({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }})T") == "---");  // $1W names group "1W"
  CHECK(run(R"T({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }})T") == "-W-xxW-");
  CHECK(run(R"T({{ regexReplaceAll "(?P<k>\\w+)=(?P<v>\\w+)" "a=1 b=2" "$v:$k $$" }})T") == "1:a $ 2:b $");
  CHECK(run(R"T({{ regexReplaceAll "x*" "abc" "-" }})T") == "-a-b-c-");
  // The piped value is the last argument: the replacement, as Loki's signature has it.
  CHECK(run(R"T({{ __line__ | regexReplaceAll "(a.*)" "${1}" }})T", {}, "abc") == "${1}");
  CHECK(run(R"T({{ regexReplaceAll "(" "x" "y" }})T").find("error calling regexReplaceAll: error parsing regexp") !=
        std::string::npos);
}

TEST_CASE("functions: encoding") {
  CHECK(run(R"T({{ b64enc "hello" }}|{{ b64enc "hi" }}|{{ b64enc "" }})T") == "aGVsbG8=|aGk=|");
  CHECK(run(R"T({{ b64dec "aGVsbG8=" }}|{{ "aGk=" | b64dec }})T") == "hello|hi");
  CHECK(run(R"T({{ b64dec "a!" }})T") == "illegal base64 data at input byte 1");
  CHECK(run(R"T({{ urlencode "a b&c=d/é" }})T") == "a+b%26c%3Dd%2F%C3%A9");
  CHECK(run(R"T({{ urldecode "a+b%26c%3Dd%2F%C3%A9" }})T") == "a b&c=d/é");
  CHECK(run(R"T({{ urldecode "%zz" }})T") ==
        "ERR: template: line:1:3: executing \"line\" at <urldecode \"%zz\">: error calling urldecode: invalid URL escape \"%zz\"");
  CHECK(run(R"T({{fromJson "{\"foo\": 55}"}})T") == "map[foo:55]");
  CHECK(run(R"T({{ (fromJson "{\"a\":{\"b\":[1,\"x\",true,null]}}").a.b }})T") == "[1 x true <nil>]");
  CHECK(run(R"T({{ fromJson "not json" }})T") == "<no value>");
  CHECK(run(R"T({{ (fromJson "{}").missing }})T") == "<no value>");
  CHECK(run(R"T({{ bytes "2 KB" }} {{ .foo | bytes }})T", LabelSet{{"foo", "1.5MiB"}}) == "2000 1.572864e+06");
  CHECK(run(R"T({{ duration "1h30m" }} {{ duration_seconds "250ms" }} {{ duration "-1.5s" }})T") == "5400 0.25 -1.5");
  CHECK(run(R"T({{ duration "1d" }})T").find("time: unknown unit \"d\" in duration \"1d\"") != std::string::npos);
}

TEST_CASE("functions: dates and times") {
  const int64_t ts = 1656353124120000000;  // 2022-06-27T18:05:24.12Z (Loki's fixture, shown in UTC)
  CHECK(run(R"T({{ __timestamp__ | date "2006-01-02T15:04:05.00Z00:00" }} bar {{ .bar }})T", LabelSet{{"bar", "2"}}, "1", ts) ==
        "2022-06-27T18:05:24.12Z00:00 bar 2");
  CHECK(run(R"T({{ __timestamp__ | unixEpoch }})T", {}, "", ts) == "1656353124");
  CHECK(run(R"T({{ __timestamp__ | unixEpochMillis }} {{ __timestamp__ | unixEpochNanos }})T", {}, "", ts) ==
        "1656353124120 1656353124120000000");
  CHECK(run(R"T({{ __timestamp__ }})T", {}, "", ts) == "2022-06-27 18:05:24.12 +0000 UTC");
  CHECK(run(R"T({{ __timestamp__ | date "Mon Jan _2 3:04PM 2006 MST -07:00 .000 .999" }})T", {}, "", ts) ==
        "Mon Jun 27 6:05PM 2022 UTC +00:00 .120 .12");
  CHECK(run(R"T({{ __timestamp__ | date "Monday, January 2 06 002 pm" }})T", {}, "", ts) == "Monday, June 27 22 178 pm");
  CHECK(run(R"T({{ sub (unixEpoch (toDate "2006-01-02" "2021-11-02")) (unixEpoch (toDate "2006-01-02" "2021-11-01")) }})T") ==
        "86400");
  CHECK(run(R"T({{ date "2006-01-02" (toDate "2006-01-02" "2021-11-02") }})T") == "2021-11-02");
  CHECK(run(R"T({{ div (unixEpoch now) (unixEpoch now) }})T") == "1");
  CHECK(run(R"T({{ toDateInZone "2006-01-02" "UTC" "2021-11-02" | unixEpoch }})T") == "1635811200");
  CHECK(run(R"T({{ .foo | toDateInZone "2006-01-02T15:04:05.999999999Z" "UTC" | unixEpochNanos }})T",
            LabelSet{{"foo", "2021-11-02T10:00:00.5Z"}}) == "1635847200500000000");
  CHECK(run(R"T({{ toDate "2006-01-02T15:04:05Z07:00" "2021-11-02T10:00:00+02:00" | unixEpoch }})T") == "1635840000");
  // Unparseable input gives Go's zero time.
  CHECK(run(R"T({{ toDate "2006-01-02" "garbage" | unixEpoch }})T") == "-62135596800");
  CHECK(run(R"T({{ toDate "2006-01-02" "garbage" }})T") == "0001-01-01 00:00:00 +0000 UTC");
  CHECK(run(R"T({{ date "2006-01-02" (unixToTime .from) }})T", LabelSet{{"from", "1679577215"}}) == "2023-03-23");
  CHECK(run(R"T({{ unixToTime "19373" | unixEpoch }} {{ unixToTime "1673798889902" | unixEpochMillis }})T") ==
        "1673827200 1673798889902");
  CHECK(run(R"T({{ unixToTime "123" }})T").find("unable to parse time '123'") != std::string::npos);
  CHECK(run(R"T({{ date "2006" 0 }})T") == "1970");  // integers are Unix seconds
}

TEST_CASE("functions: time zones from the tz database") {
  if (!gotemplate::Template::parse("{{ 1 }}").ok()) return;
  std::string paris = run(R"T({{ toDateInZone "2006-01-02 15:04" "Europe/Paris" "2021-07-01 12:00" | unixEpoch }})T");
  std::string utc = run(R"T({{ toDateInZone "2006-01-02 15:04" "UTC" "2021-07-01 12:00" | unixEpoch }})T");
  CHECK(utc == "1625140800");
  // Paris is UTC+2 in summer when the tz database is installed; unknown zones fall back to UTC.
  CHECK((paris == "1625133600" || paris == utc));
  CHECK(run(R"T({{ toDateInZone "2006-01-02" "Not/AZone" "2021-11-02" | unixEpoch }})T") == "1635811200");
}
