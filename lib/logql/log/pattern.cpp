#include "logql/log/pattern.h"

#include <set>

#include "model/labels.h"

namespace logql::log {

namespace {

bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

// Length of a `<identifier>` token at s[0], or 0.
size_t capture_len(std::string_view s) {
  if (s.size() < 3 || s[0] != '<' || !ident_start(s[1])) return 0;
  size_t i = 2;
  while (i < s.size() && ident_char(s[i])) ++i;
  return i < s.size() && s[i] == '>' ? i + 1 : 0;
}

}  // namespace

util::Result<PatternMatcher> PatternMatcher::compile(std::string_view p, bool need_capture) {
  PatternMatcher m;
  for (size_t i = 0; i < p.size();) {
    if (size_t n = capture_len(p.substr(i))) {
      Node node;
      node.capture = true;
      node.text = std::string(p.substr(i + 1, n - 2));
      node.named = node.text != "_";
      m.nodes_.push_back(std::move(node));
      i += n;
      continue;
    }
    if (m.nodes_.empty() || m.nodes_.back().capture) m.nodes_.push_back(Node{});
    m.nodes_.back().text += p[i++];
  }
  for (const auto& n : m.nodes_)
    if (n.named) m.names_.push_back(n.text);
  if (need_capture && m.names_.empty()) return util::Error{"at least one capture is required"};
  for (size_t i = 0; i + 1 < m.nodes_.size(); ++i)
    if (m.nodes_[i].capture && m.nodes_[i + 1].capture)
      return util::Error{"found consecutive capture: invalid expression"};
  std::set<std::string> seen;
  for (const auto& n : m.names_)
    if (!seen.insert(n).second) return util::Error{"duplicate capture name (" + n + "): invalid expression"};
  return m;
}

util::Result<PatternMatcher> PatternMatcher::compile_parser(std::string_view pattern) {
  auto m = compile(pattern, true);
  if (!m.ok()) return m;
  for (const auto& n : m->names_)
    if (!model::is_valid_label_name(n)) return util::Error{"invalid capture label name '" + n + "'"};
  return m;
}

util::Result<PatternMatcher> PatternMatcher::compile_filter(std::string_view pattern) {
  auto m = compile(pattern, false);
  if (!m.ok()) return m;
  // A line filter extracts nothing: only `<_>` may be used (Loki's validateNoNamedCaptures).
  for (const auto& n : m->nodes_)
    if (n.named) return util::Error{"named captures are not allowed: found '<" + n.text + ">'"};
  return m;
}

void PatternMatcher::matches(std::string_view in, std::vector<std::string_view>& out) const {
  out.clear();
  if (in.empty() || nodes_.empty()) return;
  size_t k = 0;
  if (!nodes_[0].capture) {
    if (in.substr(0, nodes_[0].text.size()) != nodes_[0].text) return;
    in.remove_prefix(nodes_[0].text.size());
    k = 1;
  }
  if (k == nodes_.size()) return;
  // From here nodes alternate: capture, literal, capture, ... (literal)?
  while (k < nodes_.size()) {
    const Node& cap = nodes_[k];
    if (k + 1 == nodes_.size()) {  // ending on a capture takes the rest
      if (cap.named) out.push_back(in);
      return;
    }
    const std::string& lit = nodes_[k + 1].text;
    k += 2;
    size_t i = in.find(lit);
    if (i == std::string_view::npos) {
      if (cap.named) out.push_back(in);  // a missed literal: the capture runs to the end
      return;
    }
    if (cap.named) out.push_back(in.substr(0, i));
    in.remove_prefix(i + lit.size());
  }
}

bool PatternMatcher::test(std::string_view in) const {
  if (in.empty() || nodes_.empty()) return in.empty() && nodes_.empty();
  size_t off = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].capture) continue;
    size_t j = in.substr(off).find(nodes_[i].text);
    if (j == std::string_view::npos) return false;
    if (i != 0 && j == 0) return false;  // empty capture or repeated literal
    off += j + nodes_[i].text.size();
  }
  bool want_rest = nodes_.back().capture;
  return want_rest == (off != in.size());
}

}  // namespace logql::log
