// Which functions a template may call: Loki's (line_format, label_format) or Promtail's
// (template and replace stages), which adds Hash and Sha2Hash.
#pragma once

namespace gotemplate {

enum class FunctionSet { kLoki, kPromtail };

}  // namespace gotemplate
