// Loki push requests as OTLP logs: the body logtail's `format: otlp` client sends to any OTLP/HTTP
// endpoint (logd's and Loki's /otlp/v1/logs, an OpenTelemetry Collector's /v1/logs). The mapping
// is the reverse of logs_request.h's, so that Loki's default OTLP ingest gives the streams back:
//   - one ResourceLogs per stream; each stream label is a resource attribute (string value),
//     named with the dotted attribute Loki's default index-label list normalizes to it
//     (service_name -> service.name, k8s_pod_name -> k8s.pod.name, ...; see
//     default_index_label_attributes()), other labels under their own name (job -> job);
//   - one ScopeLogs without a scope; each entry a LogRecord with time_unix_nano = the entry's
//     timestamp, the line as a string body, and its structured metadata as string attributes.
// On the receiving side, labels outside Loki's default list become structured metadata unless the
// tenant's otlp_config makes them index labels.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "push/push_request.h"

namespace otlp {

// The resource attribute a stream label is sent as.
std::string label_attribute_name(std::string_view label_name);

// An ExportLogsServiceRequest, protobuf-encoded (Content-Type: application/x-protobuf).
std::string encode_logs_request(const push::PushRequest& request);

}  // namespace otlp
