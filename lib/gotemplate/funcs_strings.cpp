// String functions: Go's strings package entries Loki exposes (ToLower, Replace, Trim, ...),
// sprig's string functions (lower, title, trunc, substr, indent, replace, trimAll, default, ...)
// and Loki's alignLeft/alignRight. Argument orders are the Go signatures: sprig puts the
// piped string last.
#include <string>

#include "gotemplate/exec.h"
#include "gotemplate/functions.h"
#include "golang/utf8.h"
#include "gotemplate/template.h"
#include "golang/unicode_case.h"
#include "golang/quote.h"

namespace gotemplate {

namespace {

using Args = std::vector<Value>;
using R = util::Result<Value>;

std::string_view sv(const Value& v) { return v.as_string(); }

// A substring of `src`: a view when `src` is itself a view of data that outlives the execution
// (labels, the line, literals), so trimming a label costs no copy.
Value sub_of(const Value& src, std::string_view part) {
  if (part.empty()) return Value::string_view("");
  if (src.is_view()) return Value::string_view(part);
  return Value::string(std::string(part));
}

std::vector<std::string_view> runes(std::string_view s) {
  std::vector<std::string_view> r;
  for (size_t i = 0; i < s.size();) {
    size_t len;
    golang::decode_utf8(s, i, len);
    r.push_back(s.substr(i, len));
    i += len;
  }
  return r;
}

std::string join(const std::vector<std::string_view>& rs, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += rs[i];
  return out;
}

bool in_cutset(std::string_view cutset, int32_t cp) {
  for (size_t i = 0; i < cutset.size();) {
    size_t len;
    int32_t c = golang::decode_utf8(cutset, i, len);
    if (c < 0) c = 0xfffd;
    if (c == cp) return true;
    i += len;
  }
  return false;
}

std::string_view trim_left_set(std::string_view s, std::string_view cutset) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len;
    int32_t cp = golang::decode_utf8(s, i, len);
    if (!in_cutset(cutset, cp < 0 ? 0xfffd : cp)) break;
    i += len;
  }
  return s.substr(i);
}

std::string_view trim_right_set(std::string_view s, std::string_view cutset) {
  while (!s.empty()) {
    size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80 && s.size() - start < 4) --start;
    size_t len;
    int32_t cp = golang::decode_utf8(s, start, len);
    if (start + len != s.size()) {  // invalid sequence: just the last byte
      start = s.size() - 1;
      cp = 0xfffd;
    }
    if (!in_cutset(cutset, cp < 0 ? 0xfffd : cp)) break;
    s = s.substr(0, start);
  }
  return s;
}

bool is_go_space(int32_t cp) {
  return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
         cp == 0x3000;
}

std::string_view trim_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len;
    int32_t cp = golang::decode_utf8(s, i, len);
    if (!is_go_space(cp)) break;
    i += len;
  }
  s.remove_prefix(i);
  while (!s.empty()) {
    size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80 && s.size() - start < 4) --start;
    size_t len;
    int32_t cp = golang::decode_utf8(s, start, len);
    if (start + len != s.size() || !is_go_space(cp)) break;
    s = s.substr(0, start);
  }
  return s;
}

// strings.Replace(s, old, new, n). Stops early once the result passes the template's output
// limit (the executor then refuses the value), so many matches of a long replacement cannot
// build gigabytes first.
std::string replace(std::string_view s, std::string_view old, std::string_view repl, int64_t n) {
  if (n == 0 || old == repl) return std::string(s);
  const size_t limit = max_string_bytes();
  std::string out;
  if (old.empty()) {  // insert before every rune and at the end
    size_t i = 0;
    int64_t done = 0;
    while ((n < 0 || done < n) && out.size() <= limit) {
      out += repl;
      ++done;
      if (i >= s.size()) break;
      size_t len;
      golang::decode_utf8(s, i, len);
      out += s.substr(i, len);
      i += len;
    }
    out += s.substr(std::min(i, s.size()));
    return out;
  }
  size_t i = 0;
  int64_t done = 0;
  while ((n < 0 || done < n) && out.size() <= limit) {
    size_t x = s.find(old, i);
    if (x == std::string_view::npos) break;
    out += s.substr(i, x - i);
    out += repl;
    i = x + old.size();
    ++done;
  }
  out += s.substr(i);
  return out;
}

util::Result<std::string> repeat(std::string_view s, int64_t count) {
  if (count < 0) return util::Error{"strings: negative Repeat count"};
  // Go would try to allocate; we refuse what the template's output limit would refuse anyway
  // before building it.
  const size_t limit = std::min<size_t>(max_string_bytes(), size_t{1} << 30);
  if (!s.empty() && static_cast<uint64_t>(count) > limit / s.size())
    return util::Error{"strings: Repeat output exceeds the template output limit of " + std::to_string(limit) +
                       " bytes"};
  std::string out;
  out.reserve(s.size() * static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) out += s;
  return out;
}

R fn_to_lower(Args& a, const Context&) { return Value::string(golang::to_lower(sv(a[0]))); }
R fn_to_upper(Args& a, const Context&) { return Value::string(golang::to_upper(sv(a[0]))); }
R fn_go_replace(Args& a, const Context&) { return Value::string(replace(sv(a[0]), sv(a[1]), sv(a[2]), a[3].as_int())); }
R fn_go_trim(Args& a, const Context&) { return sub_of(a[0], trim_right_set(trim_left_set(sv(a[0]), sv(a[1])), sv(a[1]))); }
R fn_go_trim_left(Args& a, const Context&) { return sub_of(a[0], trim_left_set(sv(a[0]), sv(a[1]))); }
R fn_go_trim_right(Args& a, const Context&) { return sub_of(a[0], trim_right_set(sv(a[0]), sv(a[1]))); }
R fn_go_trim_prefix(Args& a, const Context&) {
  std::string_view s = sv(a[0]);
  if (s.substr(0, sv(a[1]).size()) == sv(a[1])) s.remove_prefix(sv(a[1]).size());
  return sub_of(a[0], s);
}
R fn_go_trim_suffix(Args& a, const Context&) {
  std::string_view s = sv(a[0]), suf = sv(a[1]);
  if (s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf) s.remove_suffix(suf.size());
  return sub_of(a[0], s);
}
R fn_trim_space(Args& a, const Context&) { return sub_of(a[0], trim_space(sv(a[0]))); }

R fn_title(Args& a, const Context&) {
  std::string_view s = sv(a[0]);
  std::string out;
  int32_t prev = ' ';
  for (size_t i = 0; i < s.size();) {
    size_t len;
    int32_t cp = golang::decode_utf8(s, i, len);
    if (cp >= 0 && golang::is_title_separator(prev)) golang::append_title_rune(out, cp);
    else out.append(s, i, len);
    prev = cp < 0 ? 0xfffd : cp;
    i += len;
  }
  return Value::string(std::move(out));
}

// Loki's rune-aware trunc: c >= 0 keeps the first c runes, c < 0 the last -c.
R fn_trunc(Args& a, const Context&) {
  int64_t c = a[0].as_int();
  auto rs = runes(sv(a[1]));
  int64_t l = static_cast<int64_t>(rs.size());
  if (c < 0 && l + c > 0) return Value::string(join(rs, static_cast<size_t>(l + c), rs.size()));
  if (c >= 0 && l > c) return Value::string(join(rs, 0, static_cast<size_t>(c)));
  return a[1];
}

// Loki's substring: rune indexes, clamped instead of panicking.
R fn_substr(Args& a, const Context&) {
  int64_t start = a[0].as_int(), end = a[1].as_int();
  auto rs = runes(sv(a[2]));
  int64_t l = static_cast<int64_t>(rs.size());
  if (end > l) end = l;
  if (start > l) start = l;
  if (start < 0) {
    if (end < 0) return Value::string_view("");
    return Value::string(join(rs, 0, static_cast<size_t>(end)));
  }
  if (end < 0) return Value::string(join(rs, static_cast<size_t>(start), rs.size()));
  if (start > end) return Value::string_view("");
  return Value::string(join(rs, static_cast<size_t>(start), static_cast<size_t>(end)));
}

R fn_contains(Args& a, const Context&) { return Value::boolean(sv(a[1]).find(sv(a[0])) != std::string_view::npos); }
R fn_has_prefix(Args& a, const Context&) { return Value::boolean(sv(a[1]).substr(0, sv(a[0]).size()) == sv(a[0])); }
R fn_has_suffix(Args& a, const Context&) {
  std::string_view s = sv(a[1]), suf = sv(a[0]);
  return Value::boolean(s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf);
}

util::Result<std::string> indent(int64_t spaces, std::string_view v) {
  auto pad = repeat(" ", spaces);
  if (!pad.ok()) return pad;
  return *pad + replace(v, "\n", "\n" + *pad, -1);
}
R fn_indent(Args& a, const Context&) {
  auto r = indent(a[0].as_int(), sv(a[1]));
  if (!r.ok()) return r.status_error();
  return Value::string(std::move(*r));
}
R fn_nindent(Args& a, const Context&) {
  auto r = indent(a[0].as_int(), sv(a[1]));
  if (!r.ok()) return r.status_error();
  return Value::string("\n" + *r);
}

R fn_replace(Args& a, const Context&) { return Value::string(replace(sv(a[2]), sv(a[0]), sv(a[1]), -1)); }
R fn_repeat(Args& a, const Context&) {
  auto r = repeat(sv(a[1]), a[0].as_int());
  if (!r.ok()) return r.status_error();
  return Value::string(std::move(*r));
}
R fn_trim_all(Args& a, const Context&) { return sub_of(a[1], trim_right_set(trim_left_set(sv(a[1]), sv(a[0])), sv(a[0]))); }
R fn_trim_prefix(Args& a, const Context& ctx) {
  Args swapped{a[1], a[0]};
  return fn_go_trim_prefix(swapped, ctx);
}
R fn_trim_suffix(Args& a, const Context& ctx) {
  Args swapped{a[1], a[0]};
  return fn_go_trim_suffix(swapped, ctx);
}

R fn_align(Args& a, bool left) {
  int64_t count = a[0].as_int();
  auto rs = runes(sv(a[1]));
  int64_t l = static_cast<int64_t>(rs.size());
  if (count < 0 || count == l) return a[1];
  int64_t pad = count - l;
  if (pad > 0) {
    std::string spaces(static_cast<size_t>(pad), ' ');
    return Value::string(left ? std::string(sv(a[1])) + spaces : spaces + std::string(sv(a[1])));
  }
  return Value::string(left ? join(rs, 0, static_cast<size_t>(count)) : join(rs, static_cast<size_t>(l - count), rs.size()));
}
R fn_align_left(Args& a, const Context&) { return fn_align(a, true); }
R fn_align_right(Args& a, const Context&) { return fn_align(a, false); }

// sprig's default: the given value unless it is empty (nil, "", 0, false, empty list/map).
R fn_default(Args& a, const Context&) {
  if (a.size() < 2 || !a[1].truthy()) return a[0];
  return a[1];
}

}  // namespace

void register_string_functions(FuncTable& t) {
  using P = Param;
  t["ToLower"] = {{P::kString}, false, fn_to_lower};
  t["ToUpper"] = {{P::kString}, false, fn_to_upper};
  t["Replace"] = {{P::kString, P::kString, P::kString, P::kInt}, false, fn_go_replace};
  t["Trim"] = {{P::kString, P::kString}, false, fn_go_trim};
  t["TrimLeft"] = {{P::kString, P::kString}, false, fn_go_trim_left};
  t["TrimRight"] = {{P::kString, P::kString}, false, fn_go_trim_right};
  t["TrimPrefix"] = {{P::kString, P::kString}, false, fn_go_trim_prefix};
  t["TrimSuffix"] = {{P::kString, P::kString}, false, fn_go_trim_suffix};
  t["TrimSpace"] = {{P::kString}, false, fn_trim_space};
  t["lower"] = {{P::kString}, false, fn_to_lower};
  t["upper"] = {{P::kString}, false, fn_to_upper};
  t["title"] = {{P::kString}, false, fn_title};
  t["trunc"] = {{P::kInt, P::kString}, false, fn_trunc};
  t["substr"] = {{P::kInt, P::kInt, P::kString}, false, fn_substr};
  t["contains"] = {{P::kString, P::kString}, false, fn_contains};
  t["hasPrefix"] = {{P::kString, P::kString}, false, fn_has_prefix};
  t["hasSuffix"] = {{P::kString, P::kString}, false, fn_has_suffix};
  t["indent"] = {{P::kInt, P::kString}, false, fn_indent};
  t["nindent"] = {{P::kInt, P::kString}, false, fn_nindent};
  t["replace"] = {{P::kString, P::kString, P::kString}, false, fn_replace};
  t["repeat"] = {{P::kInt, P::kString}, false, fn_repeat};
  t["trim"] = {{P::kString}, false, fn_trim_space};
  t["trimAll"] = {{P::kString, P::kString}, false, fn_trim_all};
  t["trimSuffix"] = {{P::kString, P::kString}, false, fn_trim_suffix};
  t["trimPrefix"] = {{P::kString, P::kString}, false, fn_trim_prefix};
  t["alignLeft"] = {{P::kInt, P::kString}, false, fn_align_left};
  t["alignRight"] = {{P::kInt, P::kString}, false, fn_align_right};
  t["default"] = {{P::kAny, P::kAny}, true, fn_default};
}

}  // namespace gotemplate
