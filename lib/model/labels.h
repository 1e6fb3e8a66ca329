// LabelSet: a stream's identity, a sorted set of unique name/value pairs, as Loki and Prometheus
// define it. Printed as `{a="b", c="d"}` with Go string escaping.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "golang/quote.h"
#include "util/result.h"

namespace model {

struct Label {
  std::string name;
  std::string value;
  bool operator==(const Label&) const = default;
  auto operator<=>(const Label&) const = default;
};

// Immutable-by-convention sorted label list. Names are unique; the builder methods keep the order.
class LabelSet {
 public:
  LabelSet() = default;
  // Sorts and de-duplicates (the last value of a repeated name wins).
  LabelSet(std::initializer_list<Label> labels);
  static LabelSet from_unsorted(std::vector<Label> labels);
  // For callers that already hold sorted labels with unique names and non-empty values (checked
  // in debug builds only): skips the sort.
  static LabelSet from_sorted(std::vector<Label> labels);

  const std::vector<Label>& labels() const { return labels_; }
  size_t size() const { return labels_.size(); }
  bool empty() const { return labels_.empty(); }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }

  // The value of `name`, or nullopt. Binary search: the set is sorted.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }

  // Sets (adds or replaces) a label; an empty value removes it, as in Prometheus.
  void set(std::string_view name, std::string_view value);
  void erase(std::string_view name);

  // Stable 64-bit hash of the sorted pairs (same set, same value, across runs and machines).
  uint64_t fingerprint() const;

  // `{a="b", c="d"}`; `{}` when empty.
  std::string to_string() const;

  bool operator==(const LabelSet&) const = default;
  auto operator<=>(const LabelSet& o) const { return labels_ <=> o.labels_; }

 private:
  std::vector<Label> labels_;
};

// True when every value prints as itself inside quotes (printable ASCII without `"` or `\`),
// so to_string() is plain concatenation: what compare_rendered() needs for its fast path.
bool renders_plain(const LabelSet& labels);

// The order of a.to_string() and b.to_string() (<0, 0, >0): Loki sorts result streams by that
// string. Without building the strings when both sets render plain; otherwise by building them.
int compare_rendered(const LabelSet& a, const LabelSet& b);
// The same for two sets known to render plain (checked once by the caller, not per comparison).
int compare_rendered_plain(const LabelSet& a, const LabelSet& b);

// Parses `{a="b", c="d"}` (whitespace allowed; values in Go double-quoted or backtick syntax).
// Only equality pairs: this reads label sets, not stream selectors.
util::Result<LabelSet> parse_label_set(std::string_view text);


// Prometheus label name syntax: [a-zA-Z_][a-zA-Z0-9_]*.
bool is_valid_label_name(std::string_view name);

}  // namespace model
