#include "model/labels.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "model/fingerprint.h"
#include "golang/quote.h"

namespace model {

LabelSet::LabelSet(std::initializer_list<Label> labels) : LabelSet(from_unsorted({labels})) {}

LabelSet LabelSet::from_unsorted(std::vector<Label> labels) {
  // Stable sort keeps input order among equal names, so "last wins" is the last of each run.
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  LabelSet out;
  out.labels_.reserve(labels.size());
  for (auto& l : labels) {
    if (!out.labels_.empty() && out.labels_.back().name == l.name) {
      out.labels_.back().value = std::move(l.value);
    } else {
      out.labels_.push_back(std::move(l));
    }
  }
  std::erase_if(out.labels_, [](const Label& l) { return l.value.empty(); });
  return out;
}

LabelSet LabelSet::from_sorted(std::vector<Label> labels) {
  assert(std::is_sorted(labels.begin(), labels.end(), [](const Label& a, const Label& b) { return a.name < b.name; }));
  LabelSet out;
  out.labels_ = std::move(labels);
  return out;
}

std::optional<std::string_view> LabelSet::get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it == labels_.end() || it->name != name) return std::nullopt;
  return std::string_view(it->value);
}

void LabelSet::set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  bool found = it != labels_.end() && it->name == name;
  if (value.empty()) {
    if (found) labels_.erase(it);
    return;
  }
  if (found) {
    it->value.assign(value);
  } else {
    labels_.insert(it, Label{std::string(name), std::string(value)});
  }
}

void LabelSet::erase(std::string_view name) { set(name, {}); }

uint64_t LabelSet::fingerprint() const {
  Fingerprinter f;
  for (const auto& l : labels_) f.add(l.name, l.value);
  return f.finish();
}

std::string LabelSet::to_string() const {
  std::string out = "{";
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i) out += ", ";
    out += labels_[i].name;
    out += '=';
    out += golang::quote(labels_[i].value);
  }
  out += '}';
  return out;
}

bool renders_plain(const LabelSet& labels) {
  for (const Label& l : labels) {
    for (unsigned char c : l.value) {
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
    }
  }
  return true;
}

namespace {

// Compares x followed by `x_end` with y followed by `y_end`, bytewise: where a name meets its
// '=' or a value its closing '"' decides when one is a prefix of the other.
int compare_terminated(std::string_view x, char x_end, std::string_view y, char y_end) {
  const size_t n = std::min(x.size(), y.size());
  if (int c = std::memcmp(x.data(), y.data(), n); c != 0) return c < 0 ? -1 : 1;
  const auto cx = static_cast<unsigned char>(x.size() > n ? x[n] : x_end);
  const auto cy = static_cast<unsigned char>(y.size() > n ? y[n] : y_end);
  return cx < cy ? -1 : cx > cy;
}

}  // namespace

int compare_rendered(const LabelSet& a, const LabelSet& b) {
  if (!renders_plain(a) || !renders_plain(b)) {
    int c = a.to_string().compare(b.to_string());
    return c < 0 ? -1 : c > 0;
  }
  return compare_rendered_plain(a, b);
}

int compare_rendered_plain(const LabelSet& a, const LabelSet& b) {
  // `{n1="v1", n2="v2"}`: label i starts at the same offset in both renderings as long as every
  // earlier label was equal, so compare label by label.
  auto ia = a.begin(), ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    if (int c = compare_terminated(ia->name, '=', ib->name, '='); c != 0) return c;
    if (int c = compare_terminated(ia->value, '"', ib->value, '"'); c != 0) return c;
  }
  if (ia == a.end() && ib == b.end()) return 0;
  // The set that ran out renders '}' where the other renders ", " or its first name: both sort
  // before '}'.
  return ia == a.end() ? 1 : -1;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

util::Result<LabelSet> parse_label_set(std::string_view text) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  };
  auto fail = [&](const std::string& what) {
    return util::Error{"invalid label set at offset " + std::to_string(i) + ": " + what};
  };
  skip_ws();
  if (i >= text.size() || text[i] != '{') return fail("expected '{'");
  ++i;
  std::vector<Label> out;
  skip_ws();
  if (i < text.size() && text[i] == '}') {
    ++i;
  } else {
    for (;;) {
      skip_ws();
      size_t start = i;
      while (i < text.size() && (isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
      std::string_view name = text.substr(start, i - start);
      if (!is_valid_label_name(name)) return fail("expected a label name");
      skip_ws();
      if (i >= text.size() || text[i] != '=') return fail("expected '='");
      ++i;
      skip_ws();
      size_t len = golang::string_literal_length(text.substr(i));
      if (len == 0) return fail("expected a quoted label value");
      auto value = golang::unquote(text.substr(i, len));
      if (!value) return fail(value.error());
      i += len;
      out.push_back({std::string(name), std::move(*value)});
      skip_ws();
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '}') {
        ++i;
        break;
      }
      return fail("expected ',' or '}'");
    }
  }
  skip_ws();
  if (i != text.size()) return fail("unexpected trailing text");
  return LabelSet::from_unsorted(std::move(out));
}

}  // namespace model
