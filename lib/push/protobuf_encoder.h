// Encodes a push request in Loki's protobuf wire format (proto/push.proto), the client side of
// protobuf_decoder.h: what logtail sends, and what the push benchmarks generate.
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "push/push_request.h"

namespace push {

// Uncompressed protobuf bytes. Labels are written in LabelSet::to_string() form.
std::string encode_protobuf(const PushRequest& request);

// Appends one stream as a PushRequest `streams` field: a concatenation of such fields is a
// PushRequest (how a distributor builds each ingester's share of a push without copying entries).
void append_protobuf_stream(std::string& out, const Stream& stream);

// The same in two steps, for an encoder that writes entries as they come (logtail's client):
// append_protobuf_entry() writes one entry's `entries` field; a stream is then its header
// (labels, and the byte count of its entry fields) followed by those bytes.
void append_protobuf_entry(std::string& out, const model::Entry& entry);
void append_protobuf_stream_header(std::string& out, std::string_view labels, size_t entry_bytes);

// Snappy block-compressed, as POST /loki/api/v1/push expects with application/x-protobuf.
std::string encode_protobuf_snappy(const PushRequest& request);

}  // namespace push
