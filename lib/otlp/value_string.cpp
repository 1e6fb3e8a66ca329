#include "otlp/value_string.h"

#include <algorithm>
#include <cmath>

#include "model/go_float.h"
#include "model/json_string.h"
#include "util/base64.h"

namespace otlp {
namespace {

bool is_label_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Bytes of the UTF-8 sequence starting at s[i] (1 for an invalid byte, as Go's range loop
// yields one RuneError per invalid byte).
size_t rune_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
  if (n == 1 || i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 1;
  }
  return n;
}

// Go's encoding/json float form (ES6 number to string), which pdata's AsString uses for doubles.
void append_json_number(std::string& out, double f) {
  double a = std::fabs(f);
  char fmt = (a != 0 && (a < 1e-6 || a >= 1e21)) ? 'e' : 'f';
  std::string s = model::format_go_float(f, fmt, -1);
  if (fmt == 'e') {
    size_t n = s.size();  // e-09 -> e-9
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
  }
  out += s;
}

void append_double(std::string& out, double f) {
  if (std::isnan(f) || std::isinf(f)) {
    out += "json: unsupported value: " + model::format_go_float(f, 'g', -1);
    return;
  }
  append_json_number(out, f);
}

void append_json(std::string& out, const pb::AnyValue& v);

// A map as Go's json.Marshal of map[string]any writes it: keys sorted, the last of a repeated
// key wins.
void append_json_map(std::string& out, const pb::KeyValueList& list) {
  std::vector<const pb::KeyValue*> kvs;
  kvs.reserve(list.values_size());
  for (const auto& kv : list.values()) kvs.push_back(&kv);
  std::stable_sort(kvs.begin(), kvs.end(), [](const pb::KeyValue* a, const pb::KeyValue* b) { return a->key() < b->key(); });
  out += '{';
  bool first = true;
  for (size_t i = 0; i < kvs.size(); ++i) {
    if (i + 1 < kvs.size() && kvs[i + 1]->key() == kvs[i]->key()) continue;  // a later one wins
    if (!first) out += ',';
    first = false;
    model::append_json_string(out, kvs[i]->key());
    out += ':';
    append_json(out, kvs[i]->value());
  }
  out += '}';
}

void append_json(std::string& out, const pb::AnyValue& v) {
  switch (v.value_case()) {
    case pb::AnyValue::kStringValue: model::append_json_string(out, v.string_value()); return;
    case pb::AnyValue::kBoolValue: out += v.bool_value() ? "true" : "false"; return;
    case pb::AnyValue::kIntValue: out += std::to_string(v.int_value()); return;
    case pb::AnyValue::kDoubleValue:
      // encoding/json cannot write NaN or Inf; pdata's AsRaw keeps them and Marshal fails, so the
      // whole value would be its error text. Written as null here: the value stays valid JSON.
      if (std::isnan(v.double_value()) || std::isinf(v.double_value())) {
        out += "null";
      } else {
        append_json_number(out, v.double_value());
      }
      return;
    case pb::AnyValue::kBytesValue: model::append_json_string(out, util::base64_encode(v.bytes_value())); return;
    case pb::AnyValue::kArrayValue: {
      out += '[';
      const auto& values = v.array_value().values();
      for (int i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        append_json(out, values[i]);
      }
      out += ']';
      return;
    }
    case pb::AnyValue::kKvlistValue: append_json_map(out, v.kvlist_value()); return;
    case pb::AnyValue::VALUE_NOT_SET: out += "null"; return;
  }
}

}  // namespace

std::string normalize_label_name(std::string_view name) {
  std::string out;
  if (name.empty()) return out;
  out.reserve(name.size() + 4);
  for (size_t i = 0; i < name.size();) {
    size_t n = rune_length(name, i);
    unsigned char c = static_cast<unsigned char>(name[i]);
    out += (n == 1 && is_label_char(c)) ? static_cast<char>(c) : '_';
    i += n;
  }
  if (out[0] >= '0' && out[0] <= '9') {
    out.insert(0, "key_");
  } else if (out[0] == '_' && (out.size() < 2 || out[1] != '_')) {
    out.insert(0, "key");
  }
  return out;
}

std::string value_string(const pb::AnyValue& value) {
  std::string out;
  switch (value.value_case()) {
    case pb::AnyValue::kStringValue: return value.string_value();
    case pb::AnyValue::kBoolValue: return value.bool_value() ? "true" : "false";
    case pb::AnyValue::kIntValue: return std::to_string(value.int_value());
    case pb::AnyValue::kDoubleValue: append_double(out, value.double_value()); return out;
    case pb::AnyValue::kBytesValue: return util::base64_encode(value.bytes_value());
    case pb::AnyValue::kArrayValue:
    case pb::AnyValue::kKvlistValue: append_json(out, value); return out;
    case pb::AnyValue::VALUE_NOT_SET: return out;
  }
  return out;
}

void attribute_labels(std::string_view key, const pb::AnyValue& value, std::vector<model::Label>& out) {
  std::string name = normalize_label_name(key);
  if (value.value_case() == pb::AnyValue::kKvlistValue) {
    for (const auto& kv : value.kvlist_value().values()) attribute_labels(name + "_" + kv.key(), kv.value(), out);
    return;
  }
  out.push_back({std::move(name), value_string(value)});
}

int value_depth(const pb::AnyValue& value) {
  int deepest = 0;
  if (value.value_case() == pb::AnyValue::kArrayValue) {
    for (const auto& v : value.array_value().values()) deepest = std::max(deepest, value_depth(v));
  } else if (value.value_case() == pb::AnyValue::kKvlistValue) {
    for (const auto& kv : value.kvlist_value().values()) deepest = std::max(deepest, value_depth(kv.value()));
  }
  return deepest + 1;
}

}  // namespace otlp
