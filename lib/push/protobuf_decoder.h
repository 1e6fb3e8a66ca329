// Decodes Loki's protobuf push body (logproto.PushRequest, proto/push.proto), as Promtail sends
// it: Content-Type application/x-protobuf, snappy block compression.
//
// A hand-written wire-format reader rather than the generated classes: it fills the model
// directly (no intermediate message objects), checks every length against the bytes that are
// actually there before using it, and so never over-allocates from a hostile length field.
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "push/push_request.h"
#include "util/result.h"

namespace push {

struct ProtobufLimits {
  // Bound on the snappy-decompressed size; the claimed size is checked before allocating.
  size_t max_decompressed_bytes = 100 << 20;
};

// Snappy block-compressed protobuf, as on the wire.
util::Result<PushRequest> decode_protobuf_snappy(std::string_view body, const ProtobufLimits& limits = {});

// Uncompressed protobuf bytes.
util::Result<PushRequest> decode_protobuf(std::string_view bytes);

}  // namespace push
