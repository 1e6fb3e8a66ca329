#include "push/protobuf_encoder.h"

#include <snappy.h>

#include <cstdint>
#include <string_view>

namespace push {
namespace {

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void put_tag(std::string& out, uint32_t field, int wire_type) { put_varint(out, (field << 3) | wire_type); }

void put_bytes(std::string& out, uint32_t field, std::string_view s) {
  put_tag(out, field, 2);
  put_varint(out, s.size());
  out.append(s);
}

// Sizes first, then one pass of writes: nested messages are length-prefixed, so each size is
// computed before its bytes are appended (no temporary buffers per entry).
size_t bytes_field_size(uint32_t field, size_t len) { return varint_size(field << 3) + varint_size(len) + len; }

size_t timestamp_size(int64_t ns, int64_t& seconds, int32_t& nanos) {
  seconds = ns / 1'000'000'000;
  nanos = static_cast<int32_t>(ns % 1'000'000'000);
  if (nanos < 0) {  // Timestamp nanos are always non-negative
    nanos += 1'000'000'000;
    seconds -= 1;
  }
  size_t n = 0;
  if (seconds != 0) n += 1 + varint_size(static_cast<uint64_t>(seconds));
  if (nanos != 0) n += 1 + varint_size(static_cast<uint64_t>(nanos));
  return n;
}

size_t label_pair_size(const model::Label& l) {
  size_t n = 0;
  if (!l.name.empty()) n += bytes_field_size(1, l.name.size());
  if (!l.value.empty()) n += bytes_field_size(2, l.value.size());
  return n;
}

size_t entry_size(const model::Entry& e) {
  int64_t s;
  int32_t ns;
  size_t n = bytes_field_size(1, timestamp_size(e.timestamp, s, ns));
  if (!e.line.empty()) n += bytes_field_size(2, e.line.size());
  for (const auto& l : e.metadata) n += bytes_field_size(3, label_pair_size(l));
  return n;
}

void put_entry(std::string& out, const model::Entry& e) {
  put_tag(out, 2, 2);
  put_varint(out, entry_size(e));
  int64_t seconds;
  int32_t nanos;
  put_tag(out, 1, 2);
  put_varint(out, timestamp_size(e.timestamp, seconds, nanos));
  if (seconds != 0) {
    put_tag(out, 1, 0);
    put_varint(out, static_cast<uint64_t>(seconds));
  }
  if (nanos != 0) {
    put_tag(out, 2, 0);
    put_varint(out, static_cast<uint64_t>(nanos));
  }
  if (!e.line.empty()) put_bytes(out, 2, e.line);
  for (const auto& l : e.metadata) {
    put_tag(out, 3, 2);
    put_varint(out, label_pair_size(l));
    if (!l.name.empty()) put_bytes(out, 1, l.name);
    if (!l.value.empty()) put_bytes(out, 2, l.value);
  }
}

}  // namespace

std::string encode_protobuf(const PushRequest& request) {
  std::string out;
  size_t total = 0;
  for (const auto& s : request.streams) {
    total += 16 + s.labels.size() * 16;
    for (const auto& e : s.entries) total += e.line.size() + 24;
  }
  out.reserve(total);
  for (const auto& s : request.streams) append_protobuf_stream(out, s);
  return out;
}

void append_protobuf_stream(std::string& out, const Stream& s) {
  std::string labels = s.labels.to_string();
  size_t entry_bytes = 0;
  for (const auto& e : s.entries) entry_bytes += bytes_field_size(2, entry_size(e));
  append_protobuf_stream_header(out, labels, entry_bytes);
  for (const auto& e : s.entries) put_entry(out, e);
}

void append_protobuf_entry(std::string& out, const model::Entry& entry) { put_entry(out, entry); }

void append_protobuf_stream_header(std::string& out, std::string_view labels, size_t entry_bytes) {
  put_tag(out, 1, 2);
  put_varint(out, bytes_field_size(1, labels.size()) + entry_bytes);
  put_bytes(out, 1, labels);
}

std::string encode_protobuf_snappy(const PushRequest& request) {
  std::string raw = encode_protobuf(request);
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

}  // namespace push
