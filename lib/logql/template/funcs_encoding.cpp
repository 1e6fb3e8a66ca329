// Encoding and text-processing functions: base64 (b64enc/b64dec), URL query escaping
// (urlencode/urldecode, the urlquery builtin), fromJson, bytes, and the regexp functions
// (regexReplaceAll, regexReplaceAllLiteral, count) with Go's replacement and match-iteration
// rules on RE2.
#include <re2/re2.h>

#include <list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "logql/template/functions.h"
#include "model/go_string.h"
#include "model/time.h"
#include "util/base64.h"
#include "util/strings.h"

namespace logql::tmpl {

std::string url_query_escape(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

namespace {

using Args = std::vector<Value>;
using R = util::Result<Value>;

R fn_urlencode(Args& a, const Context&) { return Value::string(url_query_escape(a[0].as_string())); }

R fn_urldecode(Args& a, const Context&) {
  std::string_view s = a[0].as_string();
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || util::hex_value(s[i + 1]) < 0 || util::hex_value(s[i + 2]) < 0) {
        std::string_view bad = s.substr(i, 3);
        return util::Error{"invalid URL escape " + model::quote_go_string(bad)};
      }
      out += static_cast<char>(util::hex_value(s[i + 1]) * 16 + util::hex_value(s[i + 2]));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return Value::string(std::move(out));
}

R fn_b64enc(Args& a, const Context&) { return Value::string(util::base64_encode(a[0].as_string())); }

// base64.StdEncoding.DecodeString; sprig returns the error text as the result on failure.
R fn_b64dec(Args& a, const Context&) {
  size_t bad = 0;
  auto decoded = util::base64_decode_strict(a[0].as_string(), &bad);
  if (!decoded) return Value::string("illegal base64 data at input byte " + std::to_string(bad));
  return Value::string(std::move(*decoded));
}

Value json_to_value(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Value();
    case nlohmann::json::value_t::boolean: return Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return Value::floating(j.get<double>());
    case nlohmann::json::value_t::string: return Value::string(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      ValueList items;
      for (const auto& e : j) items.push_back(json_to_value(e));
      return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      ValueMap m;
      for (auto it = j.begin(); it != j.end(); ++it) m[it.key()] = json_to_value(it.value());
      return Value::map(std::move(m));
    }
    default: return Value();
  }
}

// sprig's fromJson: decoding errors yield nil.
R fn_from_json(Args& a, const Context&) {
  auto j = nlohmann::json::parse(a[0].as_string(), nullptr, false);
  if (j.is_discarded()) return Value();
  return json_to_value(j);
}

R fn_bytes(Args& a, const Context&) {
  auto r = model::parse_bytes(a[0].as_string());
  if (!r.ok()) return r.status_error();
  return Value::floating(static_cast<double>(*r));
}

// Compiled regexes, cached per thread: Loki compiles on every call, we keep the last few.
std::shared_ptr<const RE2> compile(std::string_view pattern, std::string& err) {
  thread_local std::unordered_map<std::string, std::shared_ptr<const RE2>> cache;
  auto it = cache.find(std::string(pattern));
  if (it != cache.end()) return it->second;
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    err = "error parsing regexp: " + re->error() + ": `" + std::string(pattern) + "`";
    return nullptr;
  }
  if (cache.size() > 64) cache.clear();
  cache.emplace(std::string(pattern), re);
  return re;
}

size_t rune_width(std::string_view s, size_t pos) {
  if (pos >= s.size()) return 0;
  size_t len;
  model::decode_utf8(s, pos, len);
  return len;
}

// Go's Regexp.Expand for $1, ${1}, $name, ${name} and $$.
void expand(std::string& out, std::string_view tmpl, const RE2& re, const std::vector<re2::StringPiece>& groups) {
  while (!tmpl.empty()) {
    size_t d = tmpl.find('$');
    if (d == std::string_view::npos) break;
    out += tmpl.substr(0, d);
    tmpl.remove_prefix(d + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view str = tmpl;
    bool brace = !str.empty() && str[0] == '{';
    if (brace) str.remove_prefix(1);
    size_t i = 0;
    while (i < str.size()) {
      unsigned char c = static_cast<unsigned char>(str[i]);
      if (!(std::isalnum(c) || c == '_' || c >= 0x80)) break;
      ++i;
    }
    if (i == 0 || (brace && (i >= str.size() || str[i] != '}'))) {
      out += '$';  // malformed: the $ is literal
      continue;
    }
    std::string_view name = str.substr(0, i);
    tmpl = str.substr(brace ? i + 1 : i);
    int num = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name[0] == '0' && name.size() > 1) num = -1;
    if (num < 0) {
      const auto& names = re.NamedCapturingGroups();
      auto it = names.find(std::string(name));
      if (it != names.end()) num = it->second;
    }
    if (num >= 0 && static_cast<size_t>(num) < groups.size() && groups[static_cast<size_t>(num)].data())
      out.append(groups[static_cast<size_t>(num)].data(), groups[static_cast<size_t>(num)].size());
  }
  out += tmpl;
}

// Go's Regexp.replaceAll: no replacement for an empty match right after a previous match.
std::string replace_all(const RE2& re, std::string_view src, std::string_view repl, bool literal) {
  std::string out;
  int ngroups = literal ? 1 : re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  re2::StringPiece text(src.data(), src.size());
  size_t last_end = 0, search = 0;
  while (search <= src.size()) {
    if (!re.Match(text, search, src.size(), RE2::UNANCHORED, groups.data(), ngroups)) break;
    size_t a0 = static_cast<size_t>(groups[0].data() - src.data()), a1 = a0 + groups[0].size();
    out += src.substr(last_end, a0 - last_end);
    if (a1 > last_end || a0 == 0) {
      if (literal) out += repl;
      else expand(out, repl, re, groups);
    }
    last_end = a1;
    size_t width = rune_width(src, search);
    if (search + width > a1) search += width;
    else if (search + 1 > a1) search += 1;
    else search = a1;
  }
  out += src.substr(std::min(last_end, src.size()));
  return out;
}

R regex_replace(Args& a, bool literal) {
  std::string err;
  auto re = compile(a[0].as_string(), err);
  if (!re) return util::Error{err};
  return Value::string(replace_all(*re, a[1].as_string(), a[2].as_string(), literal));
}
R fn_regex_replace_all(Args& a, const Context&) { return regex_replace(a, false); }
R fn_regex_replace_all_literal(Args& a, const Context&) { return regex_replace(a, true); }

// Go's FindAllStringIndex(s, -1) count: empty matches right after a match are skipped.
R fn_count(Args& a, const Context&) {
  std::string err;
  auto re = compile(a[0].as_string(), err);
  if (!re) return util::Error{err};
  std::string_view s = a[1].as_string();
  re2::StringPiece text(s.data(), s.size()), m;
  size_t pos = 0;
  int64_t n = 0;
  int64_t prev_end = -1;
  while (pos <= s.size()) {
    if (!re->Match(text, pos, s.size(), RE2::UNANCHORED, &m, 1)) break;
    size_t m0 = static_cast<size_t>(m.data() - s.data()), m1 = m0 + m.size();
    bool accept = true;
    if (m1 == pos) {
      if (static_cast<int64_t>(m0) == prev_end) accept = false;
      size_t w = rune_width(s, pos);
      pos += w ? w : 1;
    } else {
      pos = m1;
    }
    prev_end = static_cast<int64_t>(m1);
    if (accept) ++n;
  }
  return Value::integer(n);
}

}  // namespace

void register_encoding_functions(FuncTable& t) {
  using P = Param;
  t["urlencode"] = {{P::kString}, false, fn_urlencode};
  t["urldecode"] = {{P::kString}, false, fn_urldecode};
  t["b64enc"] = {{P::kString}, false, fn_b64enc};
  t["b64dec"] = {{P::kString}, false, fn_b64dec};
  t["fromJson"] = {{P::kString}, false, fn_from_json};
  t["bytes"] = {{P::kString}, false, fn_bytes};
  t["regexReplaceAll"] = {{P::kString, P::kString, P::kString}, false, fn_regex_replace_all};
  t["regexReplaceAllLiteral"] = {{P::kString, P::kString, P::kString}, false, fn_regex_replace_all_literal};
  t["count"] = {{P::kString, P::kString}, false, fn_count};
}

}  // namespace logql::tmpl
