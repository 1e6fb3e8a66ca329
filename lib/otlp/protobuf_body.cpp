#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <mutex>

#include "otlp/logs_decoder.h"

namespace otlp {
namespace {

// Message levels above the deepest attribute value kMaxValueDepth allows (request, resource
// logs, scope logs, record, and up to three per value level), so that our own depth check, with
// its clearer message, fires first.
constexpr int kRecursionLimit = 8 + 3 * kMaxValueDepth;

// libprotobuf logs a parse failure (invalid UTF-8 in a string field, ...) to stderr itself; the
// failure is answered to the client, so those lines are only noise in logd's log.
void silence_protobuf_logging() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(nullptr); });
}

}  // namespace

util::Status decode_protobuf(std::string_view body, pb::ExportLogsServiceRequest& out) {
  silence_protobuf_logging();
  if (body.size() > static_cast<size_t>(INT32_MAX)) return util::too_large("OTLP request body over 2 GiB");
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(body.data()),
                                            static_cast<int>(body.size()));
  in.SetRecursionLimit(kRecursionLimit);
  if (!out.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage()) {
    return util::invalid_argument(
        "malformed OTLP protobuf request: truncated, invalid wire data, invalid UTF-8 in a string, or nested too deep");
  }
  return {};
}

}  // namespace otlp
