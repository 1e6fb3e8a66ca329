// Chooses the decoder for a push body from its HTTP headers, the way Loki's push handler does.
// Pure functions; thread-safe.
//
// The HTTP server has already undone gzip/deflate Content-Encoding (lib/http); what reaches
// here is the identity body, or a protobuf body that is snappy-compressed by definition.
#pragma once

#include <cstddef>
#include <string_view>

#include "push/push_request.h"
#include "util/result.h"

namespace push {

enum class BodyFormat { Json, Protobuf };

// application/json -> Json; application/x-protobuf (Promtail), application/protobuf,
// application/octet-stream or no Content-Type -> Protobuf (Loki treats everything that is not
// JSON as protobuf). Anything else is an error the caller answers with 415.
util::Result<BodyFormat> body_format(std::string_view content_type);

// "", "identity" and "snappy" are accepted (a snappy protobuf body is snappy whatever the header
// says; Loki tolerates clients that set it). Anything else is Loki's 400 error.
util::Status check_content_encoding(std::string_view content_encoding);

struct DecodeOptions {
  size_t max_decompressed_bytes = 100 << 20;  // bound on a JSON body or the snappy-decompressed protobuf
};

// Malformed bodies (bad JSON, truncated protobuf, corrupt snappy, invalid UTF-8) are errors the
// caller answers with 400. Streams with unusable labels are not errors here: they come back in
// PushRequest::invalid_streams, so the rest of the request can still be accepted.
util::Result<PushRequest> decode_body(BodyFormat format, std::string_view body, const DecodeOptions& options = {});

}  // namespace push
