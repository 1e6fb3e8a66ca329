// Which functions a template may call: Loki's (line_format, label_format), Promtail's
// (template and replace stages), which adds Hash and Sha2Hash, or Prometheus's (alerting and
// recording rule labels and annotations): Go's builtins plus humanize*, query, first, ...
#pragma once

namespace logql::tmpl {

enum class FunctionSet { kLoki, kPromtail, kPrometheus };

}  // namespace logql::tmpl
