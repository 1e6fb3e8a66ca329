// Go-style command-line flags (see flags.h).
#include "golang/flags.h"

#include <charconv>
#include <cstdlib>

#include "golang/bool.h"
#include "golang/quote.h"

namespace golang {

util::Status visit_args(const std::vector<std::string>& args, const BoolLookup& is_bool,
                        const std::function<util::Status(const Arg&)>& on_arg) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') return util::Error{"unexpected argument " + quote(a)};
    std::string body = a.substr(a[1] == '-' ? 2 : 1);
    Arg arg{body, ""};
    bool has_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      arg.name = body.substr(0, eq);
      arg.value = body.substr(eq + 1);
      has_value = true;
    }
    std::optional<bool> boolean = is_bool(arg.name);
    if (!boolean) return util::Error{"flag provided but not defined: -" + arg.name};
    if (!has_value) {
      // As in Go, a boolean never takes the next argument: `-dry-run false` is an error.
      if (*boolean) {
        arg.value = "true";
      } else if (i + 1 < args.size()) {
        arg.value = args[++i];
      } else {
        return util::Error{"flag needs an argument: -" + arg.name};
      }
    }
    if (auto st = on_arg(arg); !st.ok()) return st;
  }
  return {};
}

std::string usage_line(const std::string& name, bool is_bool, const char* help, UsageLayout layout) {
  if (layout == UsageLayout::kGo) return "  -" + name + (is_bool ? "" : " value") + "\n    \t" + help + "\n";
  constexpr size_t kHelpColumn = 28;
  std::string left = "  -" + name + (is_bool ? "" : " <value>");
  if (left.size() < kHelpColumn) left.resize(kHelpColumn, ' ');
  else left += ' ';
  return left + help + "\n";
}

std::string parse_bool_flag(const std::string& v, bool& out) {
  auto b = parse_bool(v);
  if (!b) return "invalid boolean value " + quote(v);
  out = *b;
  return "";
}

std::string parse_int_flag(const std::string& v, int64_t& out, int64_t min, int64_t max) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) return "invalid integer value " + quote(v);
  if (n < min || n > max) return v + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  out = n;
  return "";
}

std::string parse_float_flag(const std::string& v, double& out) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || d < 0) return "invalid value " + quote(v);
  out = d;
  return "";
}

}  // namespace golang
