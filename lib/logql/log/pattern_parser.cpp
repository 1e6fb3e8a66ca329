#include "logql/log/pattern_parser.h"

#include <vector>

namespace logql::log {

bool PatternParserStage::process(int64_t, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  if (lbs.parsers_disabled()) return true;
  thread_local std::vector<std::string_view> caps;
  m_.matches(line, caps);
  for (size_t i = 0; i < caps.size(); ++i) {
    s.a = m_.names()[i];
    if (lbs.base_has(s.a) || lbs.metadata_has(s.a)) s.a += kDuplicateSuffix;
    if (lbs.extracted(s.a) || !lbs.should_extract(s.a)) continue;
    lbs.set(LabelCategory::Parsed, s.a, caps[i]);
  }
  return true;
}

}  // namespace logql::log
