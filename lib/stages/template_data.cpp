#include "stages/template_data.h"

namespace stages {

void TemplateData::reset(const ExtractedMap& extracted) {
  size_ = 0;
  for (const auto& [k, v] : extracted) {
    if (size_ == values_.size()) values_.emplace_back();
    auto& slot = values_[size_];
    slot.second.clear();
    if (!append_value_string(slot.second, v)) continue;
    slot.first.assign(k);
    ++size_;
  }
}

void TemplateData::set(std::string_view name, std::string_view value) {
  for (size_t i = 0; i < size_; ++i) {
    if (values_[i].first == name) {
      values_[i].second.assign(value);
      return;
    }
  }
  if (size_ == values_.size()) values_.emplace_back();
  values_[size_].first.assign(name);
  values_[size_].second.assign(value);
  ++size_;
}

std::optional<std::string_view> TemplateData::label(std::string_view name) const {
  for (size_t i = 0; i < size_; ++i) {
    if (values_[i].first == name) return std::string_view(values_[i].second);
  }
  return std::nullopt;
}

}  // namespace stages
