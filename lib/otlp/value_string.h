// OTLP attribute values as Loki stores them: the string of a value (pdata's Value.AsString:
// strings as is, numbers and booleans as text, bytes in base64, arrays and maps as JSON), and an
// attribute as labels (nested maps flattened into `parent_child` names, every name normalized to
// a Prometheus label name the way Prometheus' otlptranslator does: `service.name` ->
// `service_name`, `1a` -> `key_1a`, `_a` -> `key_a`).
// Pure functions over the generated messages; lib/otlp internal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "otlp/logs_message.h"

namespace otlp {

// Prometheus' otlptranslator NormalizeLabel: every rune outside [a-zA-Z0-9_] becomes `_`; a name
// starting with a digit gets `key_` in front, one starting with a single `_` gets `key`.
std::string normalize_label_name(std::string_view name);

// pdata's Value.AsString.
std::string value_string(const pb::AnyValue& value);

// Appends the labels of attribute `key` = `value` (flattened, normalized) to `out`.
void attribute_labels(std::string_view key, const pb::AnyValue& value, std::vector<model::Label>& out);

// The nesting depth of a value (1 for a scalar or empty value).
int value_depth(const pb::AnyValue& value);

}  // namespace otlp
