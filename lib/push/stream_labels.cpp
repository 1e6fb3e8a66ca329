#include "push/stream_labels.h"

#include <algorithm>
#include <string>

#include "golang/quote.h"
#include "push/utf8.h"

namespace push {
namespace {

std::string parse_error(std::string_view text, std::string_view why) {
  // validation.InvalidLabelsErrorMsg
  return "Error parsing labels '" + std::string(text) + "' with error: " + std::string(why);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The first label name that occurs twice in `text`, which parse_label_set has already accepted
// (so the scan can rely on its shape), or empty. Names are [a-zA-Z0-9_]+, values Go literals.
std::string_view duplicate_name(std::string_view text) {
  std::vector<std::string_view> names;
  size_t i = text.find('{') + 1;
  while (i < text.size()) {
    while (i < text.size() && (is_space(text[i]) || text[i] == ',')) ++i;
    if (i >= text.size() || text[i] == '}') break;
    size_t start = i;
    while (i < text.size() && text[i] != '=' && !is_space(text[i])) ++i;
    names.push_back(text.substr(start, i - start));
    while (i < text.size() && text[i] != '=') ++i;
    ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    i += golang::string_literal_length(text.substr(i));
  }
  std::sort(names.begin(), names.end());
  auto dup = std::adjacent_find(names.begin(), names.end());
  return dup == names.end() ? std::string_view{} : *dup;
}

}  // namespace

util::Result<model::LabelSet> parse_stream_labels(std::string_view text) {
  if (!is_valid_utf8_fast(text)) return util::Error{parse_error(text, "invalid UTF-8")};
  auto parsed = model::parse_label_set(text);
  if (!parsed) return util::Error{parse_error(text, parsed.error())};
  // Loki keeps repeated names through parsing and rejects them in validation; the label set
  // merges them, so they are looked for in the text.
  if (auto dup = duplicate_name(text); !dup.empty()) {
    // validation.DuplicateLabelNamesErrorMsg
    return util::Error{"stream '" + std::string(text) + "' has duplicate label name: '" + std::string(dup) + "'"};
  }
  return parsed;
}

util::Result<model::LabelSet> stream_labels_from_pairs(std::vector<model::Label> pairs) {
  for (const auto& l : pairs) {
    if (!model::is_valid_label_name(l.name)) {
      std::string text = "{";
      for (size_t i = 0; i < pairs.size(); ++i) {
        if (i) text += ", ";
        text += pairs[i].name + "=" + golang::quote(pairs[i].value);
      }
      text += "}";
      return util::Error{parse_error(text, "invalid label name " + golang::quote(l.name))};
    }
  }
  return model::LabelSet::from_unsorted(std::move(pairs));
}

}  // namespace push
