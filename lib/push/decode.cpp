#include "push/decode.h"

#include <string>

#include "push/json_decoder.h"
#include "push/protobuf_decoder.h"

namespace push {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

util::Result<BodyFormat> body_format(std::string_view content_type) {
  std::string_view media = trim(content_type.substr(0, content_type.find(';')));
  if (iequals(media, "application/json")) return BodyFormat::Json;
  if (media.empty() || iequals(media, "application/x-protobuf") || iequals(media, "application/protobuf") ||
      iequals(media, "application/octet-stream")) {
    return BodyFormat::Protobuf;
  }
  return util::unsupported_format("unsupported Content-Type \"" + std::string(content_type) +
                     "\": push bodies are application/json or application/x-protobuf (snappy-compressed)");
}

util::Status check_content_encoding(std::string_view content_encoding) {
  std::string_view e = trim(content_encoding);
  if (e.empty() || iequals(e, "identity") || iequals(e, "snappy")) return {};
  return util::Error{"Content-Encoding \"" + std::string(content_encoding) + "\" not supported"};
}

util::Result<PushRequest> decode_body(BodyFormat format, std::string_view body, const DecodeOptions& options) {
  if (format == BodyFormat::Json) {
    // The same bound as a snappy body's decompressed size: the JSON parser needs several bytes
    // of memory per body byte.
    if (body.size() > options.max_decompressed_bytes) {
      return util::too_large("request body too large: " + std::to_string(body.size()) +
                         " bytes, limit: " + std::to_string(options.max_decompressed_bytes) + " bytes");
    }
    return decode_json(body);
  }
  return decode_protobuf_snappy(body, ProtobufLimits{options.max_decompressed_bytes});
}

}  // namespace push
