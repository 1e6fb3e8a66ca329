// Go text/template builtins and fmt formatting (printf verbs, print spacing, value printing).
#include <doctest/doctest.h>

#include "test_context.h"

using model::LabelSet;
using tmpl_test::run;

TEST_CASE("builtins: comparisons with Go's typing rules") {
  CHECK(run("{{ eq 1 1 }} {{ eq 1 2 }} {{ eq 1 3 2 1 }} {{ ne 1 2 }}") == "true false true true");
  CHECK(run(R"T({{ eq "a" "a" }} {{ lt "a" "b" }} {{ le 2 2 }} {{ gt 2.5 1.5 }} {{ ge 1 2 }})T") == "true true true true false");
  CHECK(run(R"T({{ lt 1 2.0 }})T").find("incompatible types for comparison") != std::string::npos);
  CHECK(run(R"T({{ lt true false }})T").find("invalid type for comparison") != std::string::npos);
  CHECK(run(R"T({{ eq .status "200" }})T", LabelSet{{"status", "200"}}) == "true");
  CHECK(run(R"T({{ eq .status 200 }})T", LabelSet{{"status", "200"}}).find("incompatible types for comparison") != std::string::npos);
  CHECK(run(R"T({{ eq (index "abc" 0) 97 }})T") == "true");  // uint8 vs int compare
}

TEST_CASE("builtins: and, or, not short-circuit and return operands") {
  CHECK(run(R"T({{ and 1 0 "x" }}|{{ and 1 "x" }}|{{ or 0 "" "y" }}|{{ or 0 "" }}|{{ not 0 }}|{{ not "a" }})T") ==
        "0|x|y||true|false");
  // or stops before evaluating an argument that would fail.
  CHECK(run(R"T({{ or 1 (div 1 0) }})T") == "1");
  CHECK(run(R"T({{ "x" | and 1 }})T") == "x");
}

TEST_CASE("builtins: len, index, slice") {
  CHECK(run(R"T({{ len "héllo" }} {{ len (fromJson "[1,2]") }} {{ len . }})T", LabelSet{{"a", "1"}}) == "6 2 1");
  CHECK(run(R"T({{ index . "a" }}{{ index . "zz" }}|{{ index (fromJson "[[1,2],[3,4]]") 1 0 }})T", LabelSet{{"a", "1"}}) == "1|3");
  CHECK(run(R"T({{ index (fromJson "[1]") 5 }})T").find("error calling index: index out of range: 5") != std::string::npos);
  CHECK(run(R"T({{ slice "hello" 1 3 }}|{{ slice "hello" 2 }}|{{ slice (fromJson "[1,2,3]") 1 }})T") == "el|llo|[2 3]");
  CHECK(run(R"T({{ len 3 }})T").find("len of type int") != std::string::npos);
}

TEST_CASE("builtins: print, println, printf") {
  CHECK(run(R"T({{ print "a" "b" 1 2 "c" 3.5 true }})T") == "ab1 2c3.5 true");
  CHECK(run(R"T({{ println "a" 1 }})T") == "a 1\n");
  CHECK(run(R"T({{ printf "The IP address was %s" .remote_addr }})T", LabelSet{{"remote_addr", "129.168.1.1"}}) ==
        "The IP address was 129.168.1.1");
  CHECK(run(R"T({{ printf "%-40.40s" .request_uri}} {{printf "%-5.5s" .request_method}})T",
            LabelSet{{"request_uri", "/id/609259548/hpr.html"}, {"request_method", "GET"}}) ==
        "/id/609259548/hpr.html                   GET  ");
  CHECK(run(R"T({{ printf "%.2f" 3.14159 }})T") == "3.14");
  CHECK(run(R"T({{ printf "%d|%5d|%-5d|%05d|%x|%X|%o|%b|%+d" 42 42 42 42 255 255 8 5 3 }})T") ==
        "42|   42|42   |00042|ff|FF|10|101|+3");
  CHECK(run(R"T({{ printf "%s|%5s|%-5s|%q|%v|%x" "ab" "ab" "ab" "a\"b" "v" "hi" }})T") == "ab|   ab|ab   |\"a\\\"b\"|v|6869");
  CHECK(run(R"T({{ printf "%v %v %v %v" 1.0 1e6 0.5 1e-7 }})T") == "1 1e+06 0.5 1e-07");
  CHECK(run(R"T({{ printf "%e|%g|%.3g|%8.3f|%-8.2f|%08.3f" 1234.5678 1234.5678 1234.5678 3.14159 2.5 -3.14159 }})T") ==
        "1.234568e+03|1234.5678|1.23e+03|   3.142|2.50    |-003.142");
  CHECK(run(R"T({{ printf "%t %v %c %U %q" true false 65 65 65 }})T") == "true false A U+0041 'A'");
  CHECK(run(R"T({{ printf "%d" "str" }})T") == "%!d(string=str)");
  CHECK(run(R"T({{ printf "%s %s" "a" }})T") == "a %!s(MISSING)");
  CHECK(run(R"T({{ printf "%s" "a" "b" }})T") == "a%!(EXTRA string=b)");
  CHECK(run(R"T({{ printf "100%%" }})T") == "100%");
  CHECK(run(R"T({{ printf "%T %T %T %T" 1 1.5 "s" (add 1 1) }})T") == "int float64 string int64");
  CHECK(run(R"T({{ printf "%*d|%.*f" 4 7 1 2.55 }})T") == "   7|2.5");
  CHECK(run(R"T({{ printf "%v" (fromJson "{\"a\":[1,2]}") }})T") == "map[a:[1 2]]");
  CHECK(run(R"T({{ printf "%s" (fromJson "x") }})T") == "%!s(<nil>)");
}

TEST_CASE("builtins: html, js, urlquery") {
  CHECK(run(R"T({{ html "<a href=\"x\">&'</a>" }})T") == "&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;");
  CHECK(run(R"T({{ js "it's <b> \"q\" a=b\\" }})T") == "it\\'s \\u003Cb\\u003E \\\"q\\\" a\\u003Db\\\\");
  CHECK(run(R"T({{ urlquery "a b/c" }}|{{ urlquery 1 2 }})T") == "a+b%2Fc|1+2");
}

TEST_CASE("builtins: call has nothing to call in Loki") {
  CHECK(run(R"T({{ call "x" }})T").find("error calling call: non-function of type string") != std::string::npos);
}
