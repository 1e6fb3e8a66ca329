#include "query/detected_fields.h"

#include <algorithm>
#include <charconv>

#include "golang/bool.h"
#include "golang/duration.h"
#include "golang/strconv.h"
#include "logql/log/labels_builder.h"
#include "model/time.h"

namespace query {
namespace {

// strconv.ParseInt(v, 10, 64): an optional sign, then decimal digits that fit in int64.
bool is_go_int(std::string_view v) {
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  if (v.empty()) return false;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && end == v.data() + v.size() && (v.front() != '-' || v.size() > 1);
}

// go-humanize's ParseBytes: digits (with '.' and ','), then a size name; it reads the number
// from the first character, so leading spaces are refused.
bool is_humanize_bytes(std::string_view v) {
  if (v.empty() || !((v.front() >= '0' && v.front() <= '9') || v.front() == '.')) return false;
  return model::parse_bytes(v).ok();
}

}  // namespace

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kInt: return "int";
    case FieldType::kFloat: return "float";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kDuration: return "duration";
    case FieldType::kBytes: return "bytes";
  }
  return "string";
}

FieldType detect_field_type(std::string_view value) {
  if (is_go_int(value)) return FieldType::kInt;
  if (golang::parse_float(value).ok()) return FieldType::kFloat;
  if (golang::parse_bool(value)) return FieldType::kBoolean;
  if (golang::parse_duration(value).ok()) return FieldType::kDuration;
  if (is_humanize_bytes(value)) return FieldType::kBytes;
  return FieldType::kString;
}

FieldType merge_field_types(FieldType a, FieldType b) {
  if (a == b) return a;
  auto numeric = [](FieldType t) { return t == FieldType::kInt || t == FieldType::kFloat; };
  if (numeric(a) && numeric(b)) return FieldType::kFloat;
  return FieldType::kString;
}

void FieldDetector::record(std::string_view name, std::string_view value, const char* parser) {
  auto it = fields_.find(name);
  if (it == fields_.end()) {
    if (fields_.size() >= field_limit_) return;
    it = fields_.emplace(std::string(name), Field{}).first;
  }
  Field& f = it->second;
  if (parser && std::find(f.parsers.begin(), f.parsers.end(), parser) == f.parsers.end()) f.parsers.emplace_back(parser);
  // Typing every value is cheap next to parsing the line, and makes the type order-independent.
  FieldType t = detect_field_type(value);
  f.type = f.typed ? merge_field_types(f.type, t) : t;
  f.typed = true;
  if (f.values.size() < kMaxDistinctValues) f.values.emplace(value);
}

void FieldDetector::add(const model::LabelSet& stream, const model::Entry& entry) {
  for (const auto& l : entry.metadata) record(l.name, l.value, nullptr);
  logql::log::LabelsBuilder lbs(stream, {}, 1);
  std::string_view line = entry.line;
  const char* parser = "json";
  json_.process(entry.timestamp, line, lbs, scratch_);
  if (lbs.has_error()) {
    lbs.reset();
    line = entry.line;
    parser = "logfmt";
    logfmt_.process(entry.timestamp, line, lbs, scratch_);
    if (lbs.has_error()) return;
  }
  lbs.collect(collected_);
  logql::log::LabelCategory category;
  for (const auto& [name, value] : collected_) {
    if (name == logql::log::kErrorLabel || name == logql::log::kErrorDetailsLabel) continue;
    if (lbs.get(name, category) && category == logql::log::LabelCategory::Parsed) record(name, value, parser);
  }
}

std::vector<DetectedField> FieldDetector::fields() const {
  std::vector<DetectedField> out;
  out.reserve(fields_.size());
  for (const auto& [name, f] : fields_) out.push_back(DetectedField{name, f.type, f.values.size(), f.parsers});
  return out;
}

std::vector<std::string> FieldDetector::values(std::string_view name, size_t limit) const {
  auto it = fields_.find(name);
  if (it == fields_.end()) return {};
  std::vector<std::string> out(it->second.values.begin(), it->second.values.end());
  std::sort(out.begin(), out.end());
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace query
