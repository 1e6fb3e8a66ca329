// `| unpack`: reverses Promtail's `pack` stage. The line is a JSON object whose `_entry` string
// becomes the new line and whose other string fields become labels (only when `_entry` is
// present, as in Loki). Not an object: `__error__=JSONParserErr`. Immutable; thread-safe.
#pragma once

#include "logql/log/stage.h"

namespace logql::log {

class UnpackParserStage final : public Stage {
 public:
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;
};

}  // namespace logql::log
