// Go-style flags: syntax (-a=b, -a b, --a, bare booleans), errors in argument order, and the
// two usage layouts.
#include <doctest/doctest.h>

#include "golang/flags.h"

namespace {

struct Options {
  bool verbose = false;
  int64_t port = 0;
  std::string name;
};

const golang::FlagTable<Options>& table() {
  static const golang::FlagTable<Options> t = {
      {"verbose", {true, "Say more", [](Options& o, const std::string& v) { return golang::parse_bool_flag(v, o.verbose); }}},
      {"v", {true, nullptr, [](Options& o, const std::string& v) { return golang::parse_bool_flag(v, o.verbose); }}},
      {"port", {false, "Port", [](Options& o, const std::string& v) { return golang::parse_int_flag(v, o.port, 0, 65535); }}},
      {"name", {false, "Name", [](Options& o, const std::string& v) { o.name = v; return std::string(); }}},
  };
  return t;
}

std::string error_of(std::vector<std::string> args) {
  Options o;
  auto st = golang::parse_args(args, table(), o);
  return st.ok() ? "<ok>" : st.error();
}

}  // namespace

TEST_CASE("go flags: -a=b, -a b, --a, and a bare boolean is true") {
  Options o;
  REQUIRE(golang::parse_args({"--port", "80", "-name=x=y", "-verbose"}, table(), o).ok());
  CHECK(o.port == 80);
  CHECK(o.name == "x=y");  // only the first '=' separates
  CHECK(o.verbose);
  REQUIRE(golang::parse_args({"-v=false", "-name="}, table(), o).ok());
  CHECK_FALSE(o.verbose);
  CHECK(o.name.empty());
}

TEST_CASE("go flags: errors name the flag, the first in argument order wins") {
  CHECK(error_of({"-nope"}) == "flag provided but not defined: -nope");
  CHECK(error_of({"-port"}) == "flag needs an argument: -port");
  CHECK(error_of({"-verbose", "false"}) == "unexpected argument \"false\"");  // booleans take no next argument
  CHECK(error_of({"-port=x"}) == "-port: invalid integer value \"x\"");
  CHECK(error_of({"-port=70000"}) == "-port: 70000 is out of range [0, 65535]");
  CHECK(error_of({"-verbose=maybe", "-nope"}) == "-verbose: invalid boolean value \"maybe\"");
  CHECK(error_of({"-"}) == "unexpected argument \"-\"");
}

TEST_CASE("go flags: usage lists flags sorted, hides those without help, in either layout") {
  CHECK(golang::format_usage(table(), golang::UsageLayout::kGo) ==
        "  -name value\n    \tName\n  -port value\n    \tPort\n  -verbose\n    \tSay more\n");
  CHECK(golang::format_usage(table(), golang::UsageLayout::kColumns) ==
        "  -name <value>             Name\n  -port <value>             Port\n  -verbose                  Say more\n");
  CHECK(golang::usage_line("a-very-long-flag-name.here", false, "H", golang::UsageLayout::kColumns) ==
        "  -a-very-long-flag-name.here <value> H\n");
}

TEST_CASE("go flags: value parsers") {
  double f = 0;
  CHECK(golang::parse_float_flag("1.5", f).empty());
  CHECK(f == 1.5);
  CHECK(golang::parse_float_flag("-1", f) == "invalid value \"-1\"");
}
