// Label-name sanitizing as Loki's parsers apply it to extracted keys: surrounding spaces
// trimmed, a leading digit prefixed with `_`, every character outside [a-zA-Z0-9_] (a whole
// UTF-8 sequence counting as one) replaced by `_`.
#pragma once

#include <string>
#include <string_view>

namespace logql::log {

// Appends the sanitized `key` to `out` (Loki's sanitizeLabelKey when `out` is empty, its
// appendSanitized for nested JSON keys otherwise: the digit rule applies only at the start).
void append_sanitized(std::string& out, std::string_view key);

std::string sanitize_label_key(std::string_view key);

}  // namespace logql::log
