#include "logql/log/regex_prefilter.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

namespace logql::log {

namespace {

// Shorter atoms rule out too few lines to pay for a search; RE2 drops them from the tree
// (treating them as always present), which keeps the tree correct.
constexpr size_t kMinAtomLen = 3;
// More alternatives than this cost more searches per line than RE2 itself.
constexpr size_t kMaxAlternatives = 8;

// Under case folding, 'k' and 's' also match U+212A and U+017F, which an ASCII search cannot
// see: keep the longest piece of the atom without them (a piece of a required literal is
// required too).
std::string fold_safe_piece(const std::string& atom) {
  std::string best;
  size_t start = 0;
  for (size_t i = 0; i <= atom.size(); ++i) {
    if (i == atom.size() || atom[i] == 'k' || atom[i] == 's') {
      if (i - start > best.size()) best = atom.substr(start, i - start);
      start = i + 1;
    }
  }
  return best;
}

// Whether RE2's lowercased atoms describe the regex's ASCII matches exactly: no non-ASCII text
// and no escapes naming code points, whose lowercase forms may be ASCII (U+212A is 'k').
bool atoms_trustworthy(std::string_view regex) {
  for (unsigned char c : regex)
    if (c >= 0x80) return false;
  for (size_t i = 0; i + 1 < regex.size(); ++i) {
    if (regex[i] != '\\') continue;
    char e = regex[i + 1];
    if (e == 'x' || e == 'p' || e == 'P') return false;
    ++i;  // skip the escaped character
  }
  return true;
}

}  // namespace

std::vector<std::string> regex_prefilter_literals(std::string_view regex) {
  if (!atoms_trustworthy(regex)) return {};
  const bool may_fold = regex.find("(?") != std::string_view::npos;  // a flag group, maybe (?i)
  re2::FilteredRE2 filter(static_cast<int>(kMinAtomLen));
  RE2::Options opts;
  opts.set_log_errors(false);
  int id = 0;
  if (filter.Add(re2::StringPiece(regex.data(), regex.size()), opts, &id) != RE2::NoError) return {};
  std::vector<std::string> atoms;
  filter.Compile(&atoms);
  std::vector<int> passed;
  filter.AllPotentials({}, &passed);
  if (!passed.empty() || atoms.empty()) return {};  // the regex can match with no atom present
  auto usable = [&](const std::string& atom) {
    std::string piece = may_fold ? fold_safe_piece(atom) : atom;
    return piece.size() >= kMinAtomLen ? piece : std::string();
  };
  // An atom is required when the tree (monotone in the atoms present) rejects a line holding
  // every other atom.
  std::string best;
  std::vector<int> others;
  for (size_t i = 0; i < atoms.size(); ++i) {
    others.clear();
    for (size_t j = 0; j < atoms.size(); ++j)
      if (j != i) others.push_back(static_cast<int>(j));
    filter.AllPotentials(others, &passed);
    if (!passed.empty()) continue;
    std::string piece = usable(atoms[i]);
    if (piece.size() > best.size()) best = std::move(piece);
  }
  if (!best.empty()) return {best};
  // No single atom is required, yet no match holds none of them: any one will do.
  if (atoms.size() > kMaxAlternatives) return {};
  std::vector<std::string> any;
  for (const auto& atom : atoms) {
    std::string piece = usable(atom);
    if (piece.empty()) return {};
    any.push_back(std::move(piece));
  }
  return any;
}

}  // namespace logql::log
