#include "stages/entry.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "model/time.h"

namespace stages {

const json* ExtractedMap::find(std::string_view key) const {
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].first == key) return &items_[i].second;
  }
  return nullptr;
}

std::pair<std::string, json>& ExtractedMap::append(std::string_view key) {
  if (size_ == items_.size()) items_.emplace_back();
  auto& slot = items_[size_++];
  slot.first.assign(key);
  return slot;
}

void ExtractedMap::set(std::string_view key, json value) {
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].first == key) {
      items_[i].second = std::move(value);
      return;
    }
  }
  append(key).second = std::move(value);
}

void ExtractedMap::set_string(std::string_view key, std::string_view value) {
  json* slot = nullptr;
  for (size_t i = 0; i < size_ && !slot; ++i) {
    if (items_[i].first == key) slot = &items_[i].second;
  }
  if (!slot) slot = &append(key).second;
  // Reuse the existing string's buffer when the old (or spare) value was a string too.
  if (slot->is_string()) {
    slot->get_ref<std::string&>().assign(value);
  } else {
    *slot = std::string(value);
  }
}

void ExtractedMap::erase(std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    if (items_[i].first == key) {
      // Keep the others in order; the erased slot becomes the first spare one.
      std::rotate(items_.begin() + static_cast<std::ptrdiff_t>(i), items_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                  items_.begin() + static_cast<std::ptrdiff_t>(size_));
      --size_;
      return;
    }
  }
}

bool append_value_string(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::string: out += v.get_ref<const std::string&>(); return true;
    case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return true;
    case json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return true;
    case json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return true;
    case json::value_t::number_float: {
      double d = v.get<double>();
      if (std::isnan(d)) {
        out += "NaN";
      } else if (std::isinf(d)) {
        out += d > 0 ? "+Inf" : "-Inf";
      } else {
        char buf[400];
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
        if (ec != std::errc()) return false;
        out.append(buf, p);
      }
      return true;
    }
    default: return false;
  }
}

std::optional<std::string> value_to_string(const json& v) {
  std::string s;
  if (!append_value_string(s, v)) return std::nullopt;
  return s;
}

std::optional<double> value_to_float(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (!v.is_string()) return std::nullopt;
  const std::string& s = v.get_ref<const std::string&>();
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return d;
  auto dur = model::parse_duration(s);
  if (dur.ok()) return static_cast<double>(*dur) / 1e9;
  return std::nullopt;
}

}  // namespace stages
