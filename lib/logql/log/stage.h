// Stage: one compiled step of a log pipeline (a line filter, a parser, a formatter...).
// A Stage is immutable once compiled and shared by every stream of a query; what changes per
// entry lives in the LabelsBuilder and in the StageScratch the stream pipeline owns for it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logql/log/labels_builder.h"

namespace logql::log {

// Per-stream, per-stage reusable buffers, so stages never allocate per entry once warmed up.
struct StageScratch {
  std::string line;  // a rewritten line; `line` views into it stay valid until the next entry
  std::string a, b, c, d;  // general purpose
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t npairs = 0;
};

class Stage {
 public:
  virtual ~Stage() = default;
  // Runs the stage over one entry. May replace `line` (pointing into scratch.line). Returns
  // false to drop the entry.
  virtual bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& scratch) const = 0;
  // True for stages that only look at the line (line filters): they never touch labels, which
  // lets a stream pipeline skip label work entirely.
  virtual bool is_line_filter() const { return false; }
};

}  // namespace logql::log
