// OTLP/JSON into the generated message. simdjson is a large header: included here only.
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <string>

#include "otlp/logs_decoder.h"
#include "util/base64.h"
#include "util/strings.h"

namespace otlp {
namespace {

using simdjson::dom::element;

// Where a value is, for error messages; built into text only when something fails.
struct Path {
  const Path* parent = nullptr;
  std::string_view name;
  int64_t index = -1;  // >= 0: an array element of `name`

  std::string text() const {
    std::string out = parent ? parent->text() : std::string();
    if (!name.empty()) {
      if (!out.empty()) out += '.';
      out += name;
    }
    if (index >= 0) out += "[" + std::to_string(index) + "]";
    return out;
  }
};

util::Error wrong(const Path& at, std::string_view expected) {
  return util::invalid_argument("malformed OTLP JSON request: " + at.text() + ": expected " + std::string(expected));
}

// protobuf's JSON mapping accepts the lowerCamelCase name and the name as in the .proto.
bool is_key(std::string_view key, std::string_view camel, std::string_view snake) { return key == camel || key == snake; }

util::Status read_string(element e, const Path& at, std::string& out) {
  std::string_view s;
  if (e.get(s)) return wrong(at, "a string");
  out.assign(s);
  return {};
}

// 64-bit integers: a number, or a decimal string (protobuf's JSON form for 64-bit fields).
template <class Int>
util::Status read_integer(element e, const Path& at, Int& out) {
  if (e.is_string()) {
    std::string_view s = e.get_string().value_unsafe();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return wrong(at, "an integer");
    return {};
  }
  if constexpr (std::is_signed_v<Int>) {
    int64_t v;
    if (e.get(v) || v < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
        v > static_cast<int64_t>(std::numeric_limits<Int>::max())) {
      return wrong(at, "an integer");
    }
    out = static_cast<Int>(v);
  } else {
    uint64_t v;
    if (e.get(v) || v > static_cast<uint64_t>(std::numeric_limits<Int>::max())) return wrong(at, "an unsigned integer");
    out = static_cast<Int>(v);
  }
  return {};
}

util::Status read_double(element e, const Path& at, double& out) {
  if (e.is_string()) {  // protobuf's JSON spellings of the special values
    std::string_view s = e.get_string().value_unsafe();
    if (s == "NaN") out = std::nan("");
    else if (s == "Infinity") out = INFINITY;
    else if (s == "-Infinity") out = -INFINITY;
    else return wrong(at, "a number");
    return {};
  }
  if (e.get(out)) return wrong(at, "a number");
  return {};
}

util::Status read_bool(element e, const Path& at, bool& out) {
  if (e.get(out)) return wrong(at, "a boolean");
  return {};
}

// Trace and span ids: hex (any case) of exactly `bytes` bytes; "" means not set.
util::Status read_hex_id(element e, const Path& at, size_t bytes, std::string& out) {
  std::string_view s;
  if (e.get(s)) return wrong(at, "a hex string");
  out.clear();
  if (s.empty()) return {};
  if (s.size() != 2 * bytes) return wrong(at, std::to_string(bytes) + " bytes in hex (" + std::to_string(2 * bytes) + " digits)");
  out.resize(bytes);
  for (size_t i = 0; i < bytes; ++i) {
    int hi = util::hex_value(s[2 * i]), lo = util::hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return wrong(at, "a hex string");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return {};
}

template <class Fn>
util::Status each_field(element e, const Path& at, Fn&& fn) {
  simdjson::dom::object o;
  if (e.get(o)) return wrong(at, "an object");
  for (auto field : o) {
    if (field.value.is_null()) continue;  // null is the default value
    if (auto st = fn(field.key, field.value); !st.ok()) return st;
  }
  return {};
}

template <class Fn>
util::Status each_element(element e, const Path& at, Fn&& fn) {
  simdjson::dom::array a;
  if (e.get(a)) return wrong(at, "an array");
  int64_t i = 0;
  for (element item : a) {
    Path here{at.parent, at.name, i++};
    if (auto st = fn(item, here); !st.ok()) return st;
  }
  return {};
}

util::Status read_key_values(element e, const Path& at, int depth,
                             google::protobuf::RepeatedPtrField<pb::KeyValue>& out);

util::Status read_any_value(element e, const Path& at, int depth, pb::AnyValue& out) {
  if (depth > kMaxValueDepth) {
    return util::invalid_argument("malformed OTLP JSON request: " + at.text() + ": attribute values nested deeper than " +
                                  std::to_string(kMaxValueDepth) + " levels");
  }
  return each_field(e, at, [&](std::string_view key, element v) -> util::Status {
    Path here{&at, key};
    if (is_key(key, "stringValue", "string_value")) return read_string(v, here, *out.mutable_string_value());
    if (is_key(key, "boolValue", "bool_value")) {
      bool b;
      if (auto st = read_bool(v, here, b); !st.ok()) return st;
      out.set_bool_value(b);
      return {};
    }
    if (is_key(key, "intValue", "int_value")) {
      int64_t i;
      if (auto st = read_integer(v, here, i); !st.ok()) return st;
      out.set_int_value(i);
      return {};
    }
    if (is_key(key, "doubleValue", "double_value")) {
      double d;
      if (auto st = read_double(v, here, d); !st.ok()) return st;
      out.set_double_value(d);
      return {};
    }
    if (is_key(key, "bytesValue", "bytes_value")) {
      std::string_view s;
      if (v.get(s)) return wrong(here, "a base64 string");
      auto decoded = util::base64_decode(s);
      if (!decoded) return wrong(here, "a base64 string");
      out.set_bytes_value(std::move(*decoded));
      return {};
    }
    if (is_key(key, "arrayValue", "array_value")) {
      auto* array = out.mutable_array_value();
      return each_field(v, here, [&](std::string_view k, element values) -> util::Status {
        if (k != "values") return {};
        Path vp{&here, k};
        return each_element(values, vp, [&](element item, const Path& ip) {
          return read_any_value(item, ip, depth + 1, *array->add_values());
        });
      });
    }
    if (is_key(key, "kvlistValue", "kvlist_value")) {
      auto* list = out.mutable_kvlist_value();
      return each_field(v, here, [&](std::string_view k, element values) -> util::Status {
        if (k != "values") return {};
        Path vp{&here, k};
        return read_key_values(values, vp, depth + 1, *list->mutable_values());
      });
    }
    return {};  // unknown fields are ignored
  });
}

util::Status read_key_values(element e, const Path& at, int depth,
                             google::protobuf::RepeatedPtrField<pb::KeyValue>& out) {
  return each_element(e, at, [&](element item, const Path& ip) {
    pb::KeyValue* kv = out.Add();
    return each_field(item, ip, [&](std::string_view key, element v) -> util::Status {
      Path here{&ip, key};
      if (key == "key") return read_string(v, here, *kv->mutable_key());
      if (key == "value") return read_any_value(v, here, depth, *kv->mutable_value());
      return {};
    });
  });
}

util::Status read_log_record(element e, const Path& at, pb::LogRecord& r) {
  return each_field(e, at, [&](std::string_view key, element v) -> util::Status {
    Path here{&at, key};
    if (is_key(key, "timeUnixNano", "time_unix_nano")) {
      uint64_t t;
      if (auto st = read_integer(v, here, t); !st.ok()) return st;
      r.set_time_unix_nano(t);
    } else if (is_key(key, "observedTimeUnixNano", "observed_time_unix_nano")) {
      uint64_t t;
      if (auto st = read_integer(v, here, t); !st.ok()) return st;
      r.set_observed_time_unix_nano(t);
    } else if (is_key(key, "severityNumber", "severity_number")) {
      int32_t n = 0;
      if (v.is_string()) {  // the enum's name, as protobuf's JSON parser also accepts
        opentelemetry::proto::logs::v1::SeverityNumber parsed;
        if (!opentelemetry::proto::logs::v1::SeverityNumber_Parse(std::string(v.get_string().value_unsafe()), &parsed)) {
          return wrong(here, "a severity number");
        }
        n = parsed;
      } else if (auto st = read_integer(v, here, n); !st.ok()) {
        return st;
      }
      r.set_severity_number(static_cast<opentelemetry::proto::logs::v1::SeverityNumber>(n));
    } else if (is_key(key, "severityText", "severity_text")) {
      return read_string(v, here, *r.mutable_severity_text());
    } else if (key == "body") {
      return read_any_value(v, here, 1, *r.mutable_body());
    } else if (key == "attributes") {
      return read_key_values(v, here, 1, *r.mutable_attributes());
    } else if (is_key(key, "droppedAttributesCount", "dropped_attributes_count")) {
      uint32_t n;
      if (auto st = read_integer(v, here, n); !st.ok()) return st;
      r.set_dropped_attributes_count(n);
    } else if (key == "flags") {
      uint32_t n;
      if (auto st = read_integer(v, here, n); !st.ok()) return st;
      r.set_flags(n);
    } else if (is_key(key, "traceId", "trace_id")) {
      return read_hex_id(v, here, 16, *r.mutable_trace_id());
    } else if (is_key(key, "spanId", "span_id")) {
      return read_hex_id(v, here, 8, *r.mutable_span_id());
    } else if (is_key(key, "eventName", "event_name")) {
      return read_string(v, here, *r.mutable_event_name());
    }
    return {};
  });
}

util::Status read_scope(element e, const Path& at, pb::InstrumentationScope& s) {
  return each_field(e, at, [&](std::string_view key, element v) -> util::Status {
    Path here{&at, key};
    if (key == "name") return read_string(v, here, *s.mutable_name());
    if (key == "version") return read_string(v, here, *s.mutable_version());
    if (key == "attributes") return read_key_values(v, here, 1, *s.mutable_attributes());
    if (is_key(key, "droppedAttributesCount", "dropped_attributes_count")) {
      uint32_t n;
      if (auto st = read_integer(v, here, n); !st.ok()) return st;
      s.set_dropped_attributes_count(n);
    }
    return {};
  });
}

util::Status read_resource_logs(element e, const Path& at, pb::ResourceLogs& rl) {
  return each_field(e, at, [&](std::string_view key, element v) -> util::Status {
    Path here{&at, key};
    if (key == "resource") {
      pb::Resource* res = rl.mutable_resource();
      return each_field(v, here, [&](std::string_view k, element rv) -> util::Status {
        Path rp{&here, k};
        if (k == "attributes") return read_key_values(rv, rp, 1, *res->mutable_attributes());
        if (is_key(k, "droppedAttributesCount", "dropped_attributes_count")) {
          uint32_t n;
          if (auto st = read_integer(rv, rp, n); !st.ok()) return st;
          res->set_dropped_attributes_count(n);
        }
        return {};
      });
    }
    if (is_key(key, "scopeLogs", "scope_logs")) {
      return each_element(v, here, [&](element item, const Path& ip) {
        pb::ScopeLogs* sl = rl.add_scope_logs();
        return each_field(item, ip, [&](std::string_view k, element sv) -> util::Status {
          Path sp{&ip, k};
          if (k == "scope") return read_scope(sv, sp, *sl->mutable_scope());
          if (is_key(k, "logRecords", "log_records")) {
            return each_element(sv, sp, [&](element rec, const Path& rp) {
              return read_log_record(rec, rp, *sl->add_log_records());
            });
          }
          if (is_key(k, "schemaUrl", "schema_url")) return read_string(sv, sp, *sl->mutable_schema_url());
          return {};
        });
      });
    }
    if (is_key(key, "schemaUrl", "schema_url")) return read_string(v, here, *rl.mutable_schema_url());
    return {};
  });
}

}  // namespace

util::Status decode_json(std::string_view body, pb::ExportLogsServiceRequest& out) {
  // One parser per thread keeps its buffers between requests.
  thread_local simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(body.data(), body.size()).get(root)) {
    return util::invalid_argument(std::string("malformed OTLP JSON request: ") + simdjson::error_message(err));
  }
  Path top;
  return each_field(root, top, [&](std::string_view key, element v) -> util::Status {
    Path here{&top, key};
    if (!is_key(key, "resourceLogs", "resource_logs")) return {};
    return each_element(v, here, [&](element item, const Path& ip) {
      return read_resource_logs(item, ip, *out.add_resource_logs());
    });
  });
}

}  // namespace otlp
