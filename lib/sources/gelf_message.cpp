// GELF payload parsing and go-gelf's JSON form (see gelf_message.h).
#include "sources/gelf_message.h"

#include <cmath>

#include "http/body_decoder.h"
#include "golang/float_format.h"
#include "model/json_string.h"

namespace sources {
namespace {

using json = nlohmann::json;

// Go's encoding/json for a float64: the shortest 'f' form, or 'e' with a two-digit minimum
// exponent ("1e-07" -> "1e-7") below 1e-6 and from 1e21.
void append_go_json_number(std::string& out, double v) {
  const double a = std::fabs(v);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    std::string e = golang::format_float(v, 'e', -1);
    const size_t n = e.size();  // Go cleans "e-07" up to "e-7" (positive exponents stay)
    if (n >= 4 && e[n - 4] == 'e' && e[n - 3] == '-' && e[n - 2] == '0') e.erase(n - 2, 1);
    out += e;
    return;
  }
  golang::append_float(out, v, 'f', -1);
}

// A value from Go's json.Unmarshal into interface{} (numbers are float64, objects are maps with
// sorted keys) written back by json.Marshal.
void append_go_json(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      append_go_json_number(out, v.get<double>());
      return;
    case json::value_t::string:
      model::append_json_string(out, v.get_ref<const std::string&>());
      return;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        append_go_json(out, e);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {  // nlohmann's object is a std::map: keys already sorted bytewise, as Go sorts
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        model::append_json_string(out, it.key());
        out += ':';
        append_go_json(out, it.value());
      }
      out += '}';
      return;
    }
    default:
      out += "null";
  }
}

util::Error type_error(const std::string& key) { return util::Error{"invalid type for field " + key}; }

}  // namespace

util::Result<GelfMessage> parse_gelf_payload(std::string_view payload, size_t max_decoded_bytes) {
  std::string decoded;
  std::string_view text = payload;
  const auto b0 = payload.size() > 0 ? static_cast<unsigned char>(payload[0]) : 0;
  const auto b1 = payload.size() > 1 ? static_cast<unsigned char>(payload[1]) : 0;
  if (b0 == 0x1f && b1 == 0x8b) {
    auto d = http::decode_content("gzip", payload, max_decoded_bytes);
    if (!d.ok()) return util::prefixed("gelf: gzip: ", d.status_error());
    decoded = std::move(*d);
    text = decoded;
  } else if (b0 == 0x78 && (b0 * 256 + b1) % 31 == 0) {
    auto d = http::decode_content("deflate", payload, max_decoded_bytes);
    if (!d.ok()) return util::prefixed("gelf: zlib: ", d.status_error());
    decoded = std::move(*d);
    text = decoded;
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return util::Error{"gelf: the payload is not JSON"};
  if (!doc.is_object()) return util::Error{"gelf: the payload is not a JSON object"};
  GelfMessage m;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    json& v = it.value();
    if (!key.empty() && key[0] == '_') {
      m.extra[key] = std::move(v);
      continue;
    }
    auto str = [&](std::string& out) -> util::Status {
      if (!v.is_string()) return type_error(key);
      out = v.get<std::string>();
      return {};
    };
    util::Status st;
    if (key == "version") st = str(m.version);
    else if (key == "host") st = str(m.host);
    else if (key == "short_message") st = str(m.short_message);
    else if (key == "full_message") st = str(m.full_message);
    else if (key == "facility") st = str(m.facility);
    else if (key == "timestamp") {
      if (!v.is_number()) return util::prefixed("gelf: ", type_error(key));
      m.timestamp = v.get<double>();
    } else if (key == "level") {
      if (!v.is_number()) return util::prefixed("gelf: ", type_error(key));
      const double l = v.get<double>();
      m.level = std::isfinite(l) && std::fabs(l) < 2147483648.0 ? static_cast<int32_t>(l) : 0;
    }
    if (!st.ok()) return util::prefixed("gelf: ", st.status_error());
  }
  return m;
}

std::string gelf_message_json(const GelfMessage& m) {
  std::string out = "{\"version\":";
  model::append_json_string(out, m.version);
  out += ",\"host\":";
  model::append_json_string(out, m.host);
  out += ",\"short_message\":";
  model::append_json_string(out, m.short_message);
  if (!m.full_message.empty()) {
    out += ",\"full_message\":";
    model::append_json_string(out, m.full_message);
  }
  out += ",\"timestamp\":";
  append_go_json_number(out, m.timestamp);
  if (m.level != 0) out += ",\"level\":" + std::to_string(m.level);
  if (!m.facility.empty()) {
    out += ",\"facility\":";
    model::append_json_string(out, m.facility);
  }
  for (auto it = m.extra.begin(); it != m.extra.end(); ++it) {
    out += ',';
    model::append_json_string(out, it.key());
    out += ':';
    append_go_json(out, it.value());
  }
  out += '}';
  return out;
}

std::string_view gelf_level_name(int32_t level) {
  static constexpr std::string_view kNames[] = {"emergency", "alert",  "critical",      "error",
                                                "warning",   "notice", "informational", "debug"};
  return level >= 0 && level < 8 ? kNames[level] : std::string_view{};
}

}  // namespace sources
