#include "push/decode.h"

#include <string>

#include "push/json_decoder.h"
#include "push/protobuf_decoder.h"
#include "util/strings.h"

namespace push {
namespace {

}  // namespace

util::Result<BodyFormat> body_format(std::string_view content_type) {
  std::string_view media = util::trim(content_type.substr(0, content_type.find(';')));
  if (util::iequals(media, "application/json")) return BodyFormat::Json;
  if (media.empty() || util::iequals(media, "application/x-protobuf") || util::iequals(media, "application/protobuf") ||
      util::iequals(media, "application/octet-stream")) {
    return BodyFormat::Protobuf;
  }
  return util::unsupported_format("unsupported Content-Type \"" + std::string(content_type) +
                     "\": push bodies are application/json or application/x-protobuf (snappy-compressed)");
}

util::Status check_content_encoding(std::string_view content_encoding) {
  std::string_view e = util::trim(content_encoding);
  if (e.empty() || util::iequals(e, "identity") || util::iequals(e, "snappy")) return {};
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
