#include "golang/regexp_expand.h"

#include <map>

#include "golang/quote.h"
#include "golang/utf8.h"
#include "golang/unicode_case.h"

namespace golang {
namespace {

struct Reference {
  std::string_view name;
  size_t length = 0;  // bytes consumed after the `$`
};

// Reads the reference after a `$` (Go's regexp extract()): `name` or `{name}`. Returns a zero
// length when there is none, and the `$` is then literal.
Reference read_reference(std::string_view s) {
  bool brace = !s.empty() && s[0] == '{';
  size_t start = brace ? 1 : 0;
  size_t i = start;
  while (i < s.size()) {
    size_t len = 1;
    int32_t cp = golang::decode_utf8(s, i, len);
    if (cp < 0 || !is_template_name_char(cp)) break;
    i += len;
  }
  if (i == start) return {};
  std::string_view name = s.substr(start, i - start);
  if (brace) {
    if (i >= s.size() || s[i] != '}') return {};
    ++i;
  }
  return {name, i};
}

// The group number a name denotes, or -1 for a named reference. Go refuses leading zeros and
// numbers of 1e8 and more (those are names, which never match).
int group_number(std::string_view name) {
  if (name.size() > 1 && name[0] == '0') return -1;
  long n = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || n >= 100000000) return -1;
    n = n * 10 + (c - '0');
  }
  return static_cast<int>(n);
}

}  // namespace

ExpandTemplate ExpandTemplate::compile(std::string_view text, const RE2& regex) {
  ExpandTemplate t;
  t.text_ = std::string(text);
  const std::map<std::string, int>& named = regex.NamedCapturingGroups();
  const int last_group = regex.NumberOfCapturingGroups();
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    size_t dollar = text.find('$', i);
    if (dollar == std::string_view::npos) {
      literal.append(text.substr(i));
      break;
    }
    literal.append(text.substr(i, dollar - i));
    std::string_view rest = text.substr(dollar + 1);
    if (!rest.empty() && rest[0] == '$') {
      literal.push_back('$');
      i = dollar + 2;
      continue;
    }
    Reference ref = read_reference(rest);
    if (ref.length == 0) {
      literal.push_back('$');
      i = dollar + 1;
      continue;
    }
    i = dollar + 1 + ref.length;
    int group = group_number(ref.name);
    if (group < 0) {
      auto it = named.find(std::string(ref.name));
      if (it != named.end()) group = it->second;
    }
    if (group < 0 || group > last_group) continue;  // expands to nothing
    t.pieces_.push_back({std::move(literal), group});
    literal.clear();
    if (group + 1 > t.groups_needed_) t.groups_needed_ = group + 1;
  }
  if (!literal.empty()) t.pieces_.push_back({std::move(literal), -1});
  return t;
}

void ExpandTemplate::expand_to(std::string& out, const re2::StringPiece* groups,
                                    int ngroups) const {
  for (const Piece& p : pieces_) {
    out.append(p.literal);
    if (p.group >= 0 && p.group < ngroups && groups[p.group].data() != nullptr) {
      out.append(groups[p.group].data(), groups[p.group].size());
    }
  }
}

}  // namespace golang
