// The generated OTLP message classes (proto/otlp_*.proto), for lib/otlp's own translation units
// only: protobuf's generated headers are heavy, so nothing outside this module includes them.
#pragma once

#include "otlp_common.pb.h"
#include "otlp_logs.pb.h"
#include "otlp_resource.pb.h"

namespace otlp {

namespace pb {
using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::ArrayValue;
using opentelemetry::proto::common::v1::InstrumentationScope;
using opentelemetry::proto::common::v1::KeyValue;
using opentelemetry::proto::common::v1::KeyValueList;
using opentelemetry::proto::logs::v1::ExportLogsServiceRequest;
using opentelemetry::proto::logs::v1::ExportLogsServiceResponse;
using opentelemetry::proto::logs::v1::LogRecord;
using opentelemetry::proto::logs::v1::ResourceLogs;
using opentelemetry::proto::logs::v1::ScopeLogs;
using opentelemetry::proto::resource::v1::Resource;
}  // namespace pb

// The deepest nesting of attribute values (arrays and key/value lists inside each other) a
// request may carry; deeper is a 400, in both encodings, before anything is mapped.
inline constexpr int kMaxValueDepth = 32;

}  // namespace otlp
