// Go-style command-line flags, as Loki's and Promtail's binaries take them (Go's flag package):
// `-name=value`, `-name value` (not for booleans), `--name` like `-name`, and a bare boolean
// `-name` means true. A tool declares a FlagTable over the struct its flags set; this module
// walks argv flag by flag, applies the table's setters, formats the -help text, and holds the
// value parsers the setters share. logd and logtail keep their own tables and special flags.
//
// Thread-safe: pure functions (tables are immutable once built).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace golang {

// One flag of a table over Target.
template <class Target>
struct Flag {
  bool is_bool;
  const char* help;  // nullptr: accepted but not listed by format_usage() (e.g. -h beside -help)
  // Applies the value ("true" for a bare boolean); returns an error message or "".
  std::function<std::string(Target&, const std::string&)> apply;
};

// By name, without the dash; a map so usage lists flags sorted.
template <class Target>
using FlagTable = std::map<std::string, Flag<Target>>;

// One flag as given on the command line.
struct Arg {
  std::string name;
  std::string value;
};

// Whether flag `name` is boolean; nullopt when no such flag is defined.
using BoolLookup = std::function<std::optional<bool>(const std::string& name)>;

// Calls on_arg for each flag of args in order, stopping at the first error (so, as in Go, an
// earlier flag's bad value is reported before a later flag's typo). Errors besides on_arg's:
// "unexpected argument ...", "flag provided but not defined: -x", or, worded as Go's flag package
// words it (Loki and Promtail are Go programs), "flag needs an argument: -x".
util::Status visit_args(const std::vector<std::string>& args, const BoolLookup& is_bool,
                        const std::function<util::Status(const Arg&)>& on_arg);

// A BoolLookup over one table.
template <class Target>
std::optional<bool> bool_in(const FlagTable<Target>& table, const std::string& name) {
  auto it = table.find(name);
  if (it == table.end()) return std::nullopt;
  return it->second.is_bool;
}

// Applies one flag of `table` (it must be defined there); errors read "-name: ...".
template <class Target>
util::Status apply_arg(const FlagTable<Target>& table, const Arg& arg, Target& target) {
  if (std::string err = table.at(arg.name).apply(target, arg.value); !err.empty()) {
    return util::Error{"-" + arg.name + ": " + err};
  }
  return {};
}

// Applies the flags of args, all defined in `table`, in order; stops at the first error.
template <class Target>
util::Status parse_args(const std::vector<std::string>& args, const FlagTable<Target>& table, Target& target) {
  return visit_args(
      args, [&](const std::string& name) { return bool_in(table, name); },
      [&](const Arg& arg) { return apply_arg(table, arg, target); });
}

// Layouts of the -help text. kGo is Go's flag.PrintDefaults ("  -name value\n    \thelp");
// kColumns puts "-name <value>" and the help on one line, the help in a column.
enum class UsageLayout { kGo, kColumns };

// One flag's -help line(s), '\n'-terminated.
std::string usage_line(const std::string& name, bool is_bool, const char* help, UsageLayout layout);

// The -help lines of every listed flag of `table`, sorted by name.
template <class Target>
std::string format_usage(const FlagTable<Target>& table, UsageLayout layout) {
  std::string out;
  for (const auto& [name, flag] : table) {
    if (flag.help) out += usage_line(name, flag.is_bool, flag.help, layout);
  }
  return out;
}

// Value parsers for setters: each stores into `out` and returns "" or an error message.
std::string parse_bool_flag(const std::string& v, bool& out);  // Go's strconv.ParseBool syntax
std::string parse_int_flag(const std::string& v, int64_t& out, int64_t min, int64_t max);
std::string parse_float_flag(const std::string& v, double& out);  // non-negative

}  // namespace golang
