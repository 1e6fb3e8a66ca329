// OTLP logs as logd ingests them (POST /otlp/v1/logs): an ExportLogsServiceRequest in protobuf
// or OTLP/JSON, turned into a push::PushRequest with Loki's mapping:
//   - resource attributes with the index_label action (by default Loki's list: service.name,
//     k8s.pod.name, ...) become the stream labels, names normalized (service.name ->
//     service_name); without service.name the stream gets service_name="unknown_service";
//   - other resource, scope and log attributes become structured metadata (nested maps flattened
//     into `a_b` names), as do scope_name, scope_version, severity_text, severity_number,
//     observed_timestamp, trace_id and span_id (hex), flags and dropped attribute counts;
//   - the body, as a string (maps and arrays as JSON), is the line; the timestamp is
//     time_unix_nano, else observed_time_unix_nano, else `now`.
// Records with the same labels are gathered into one stream, in request order.
//
// Errors (all kInvalidArgument, Loki's 400, nothing of the request used): an unsupported
// Content-Type, a truncated or malformed protobuf body, invalid JSON or a JSON value of the wrong
// type, a bad trace or span id, values nested deeper than kMaxValueDepth. Labels and metadata are
// checked afterwards by the distributor's usual push validation (lengths, counts, sizes).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "otlp/otlp_config.h"
#include "push/push_request.h"
#include "util/result.h"

namespace otlp {

enum class Encoding { kProtobuf, kJson };

// application/x-protobuf (and application/protobuf) -> protobuf, application/json -> JSON,
// parameters such as `; charset=utf-8` ignored; anything else is Loki's
// "content type: <type> is not supported".
util::Result<Encoding> encoding_of(std::string_view content_type);

// The service_name of streams whose resource has no service.name (Loki's ServiceUnknown).
inline constexpr const char* kUnknownService = "unknown_service";

util::Result<push::PushRequest> parse_logs_request(Encoding encoding, std::string_view body, const OtlpConfig& config,
                                                   int64_t now_ns);

// The success answer (Loki answers 204 without a body) and the error body OTLP/HTTP asks for:
// a protobuf google.rpc.Status with `message`.
std::string encode_error_status(std::string_view message);

}  // namespace otlp
