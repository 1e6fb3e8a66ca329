// The two wire forms of an ExportLogsServiceRequest, decoded into the generated message:
// binary protobuf, and OTLP/JSON (protobuf's JSON mapping with OTLP's exceptions: trace and span
// ids in hex, enums as integers or names, 64-bit integers as strings or numbers, field names in
// lowerCamelCase or as in the .proto; unknown fields ignored). lib/otlp internal.
#pragma once

#include <string_view>

#include "otlp/logs_message.h"
#include "util/result.h"

namespace otlp {

// Both fill `out` (which may live on an arena) and fail with kInvalidArgument naming the problem.
util::Status decode_protobuf(std::string_view body, pb::ExportLogsServiceRequest& out);
util::Status decode_json(std::string_view body, pb::ExportLogsServiceRequest& out);

}  // namespace otlp
