#include "logql/log/unpack_parser.h"

#include "logql/log/json_scan.h"
#include "logql/log/sanitize.h"

namespace logql::log {

bool UnpackParserStage::process(int64_t, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  if (line.empty() || lbs.parsers_disabled()) return true;
  if (line[0] != '{') {
    lbs.set_parse_error(kErrJson, "expecting json object(6), but it is not");
    return true;
  }
  // Collect first: labels are only applied when the object turns out to be packed.
  s.npairs = 0;
  bool packed = false;
  std::string& entry = s.b;
  const char* err = json::object_each(line, s.a, [&](std::string_view key, std::string_view value, json::Type type) -> const char* {
    if (type != json::Type::String) return nullptr;
    if (key == "_entry") {
      if (!json::unescape(value, entry)) return json::kBadEscape;
      packed = true;
      return nullptr;
    }
    std::string name(key);
    if (lbs.base_has(name)) name += kDuplicateSuffix;
    if (s.npairs == s.pairs.size()) s.pairs.emplace_back();
    auto& [n, v] = s.pairs[s.npairs++];
    n = sanitize_label_key(name);
    if (!json::unescape(value, v)) v.clear();
    json::replace_invalid_utf8(v);
    return nullptr;
  });
  if (err) {
    lbs.set_parse_error(kErrJson, err);
    return true;
  }
  if (!packed) return true;
  for (size_t i = 0; i < s.npairs; ++i) lbs.set(LabelCategory::Parsed, s.pairs[i].first, s.pairs[i].second);
  s.line.swap(entry);
  line = s.line;
  return true;
}

}  // namespace logql::log
