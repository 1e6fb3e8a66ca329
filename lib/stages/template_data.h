// What the template and replace stages' Go templates see: the extracted values as strings
// (Promtail's map[string]string, values without a string form left out) plus `.Value`.
// Reused from entry to entry to avoid allocations; not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gotemplate/template.h"
#include "stages/entry.h"

namespace stages {

class TemplateData final : public gotemplate::Context {
 public:
  void reset(const ExtractedMap& extracted);
  void set(std::string_view name, std::string_view value);

  std::optional<std::string_view> label(std::string_view name) const override;
  std::string_view line() const override { return {}; }
  int64_t timestamp_ns() const override { return 0; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  size_t size_ = 0;  // values_[0, size_) are live; the rest keep their buffers for reuse
};

// True when `text` has no template action, so it can be used as is without running the engine.
inline bool is_plain_text(std::string_view text) { return text.find("{{") == std::string_view::npos; }

}  // namespace stages
