#include "push/protobuf_decoder.h"

#include <snappy.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "golang/quote.h"
#include "push/stream_labels.h"
#include "push/utf8.h"

namespace push {
namespace {

// Wire types (protobuf encoding spec).
constexpr int kVarint = 0;
constexpr int kFixed64 = 1;
constexpr int kLengthDelimited = 2;
constexpr int kFixed32 = 5;

// A bounds-checked cursor over one message's bytes. Every read checks what remains first.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }

  bool varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      out |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;  // more than 10 bytes
  }

  // Reads a tag; field numbers of 0 are invalid on the wire.
  bool tag(uint32_t& field, int& wire_type) {
    uint64_t t;
    if (!varint(t) || (t >> 3) == 0 || (t >> 3) > 0x1fffffff) return false;
    field = static_cast<uint32_t>(t >> 3);
    wire_type = static_cast<int>(t & 7);
    return true;
  }

  bool bytes(std::string_view& out) {
    uint64_t len;
    if (!varint(len) || len > data_.size() - pos_) return false;
    out = data_.substr(pos_, len);
    pos_ += len;
    return true;
  }

  // Skips a field of a type we do not read (unknown fields must be ignored, per proto3).
  bool skip(int wire_type) {
    uint64_t v;
    std::string_view s;
    switch (wire_type) {
      case kVarint: return varint(v);
      case kFixed64: return advance(8);
      case kLengthDelimited: return bytes(s);
      case kFixed32: return advance(4);
      default: return false;  // groups (3, 4) are not used by this schema; 6, 7 do not exist
    }
  }

 private:
  bool advance(size_t n) {
    if (n > data_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
};

util::Error malformed(std::string_view where) {
  return util::Error{"malformed protobuf push request: truncated or invalid " + std::string(where)};
}

// google.protobuf.Timestamp -> nanoseconds since the epoch.
util::Result<int64_t> decode_timestamp(std::string_view bytes) {
  WireReader r(bytes);
  int64_t seconds = 0;
  int64_t nanos = 0;
  while (!r.done()) {
    uint32_t field;
    int wt;
    if (!r.tag(field, wt)) return malformed("EntryAdapter.timestamp");
    uint64_t v;
    if (field == 1 && wt == kVarint) {
      if (!r.varint(v)) return malformed("Timestamp.seconds");
      seconds = static_cast<int64_t>(v);
    } else if (field == 2 && wt == kVarint) {
      if (!r.varint(v)) return malformed("Timestamp.nanos");
      nanos = static_cast<int32_t>(static_cast<uint32_t>(v));  // int32 on the wire
    } else if (!r.skip(wt)) {
      return malformed("EntryAdapter.timestamp");
    }
  }
  if (nanos < 0 || nanos >= 1'000'000'000) {
    return util::Error{"invalid entry timestamp: nanos " + std::to_string(nanos) + " not in [0, 1e9)"};
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1'000'000'000;
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min() / 1'000'000'000;
  if (seconds >= kMax || seconds <= kMin) {
    return util::Error{"invalid entry timestamp: " + std::to_string(seconds) +
                       " seconds is outside the range of nanosecond timestamps (years 1678 to 2262)"};
  }
  return seconds * 1'000'000'000 + nanos;
}

util::Status decode_label_pair(std::string_view bytes, std::vector<model::Label>& out) {
  WireReader r(bytes);
  std::string_view name, value;
  while (!r.done()) {
    uint32_t field;
    int wt;
    if (!r.tag(field, wt)) return malformed("LabelPairAdapter");
    if (field == 1 && wt == kLengthDelimited) {
      if (!r.bytes(name)) return malformed("LabelPairAdapter.name");
    } else if (field == 2 && wt == kLengthDelimited) {
      if (!r.bytes(value)) return malformed("LabelPairAdapter.value");
    } else if (!r.skip(wt)) {
      return malformed("LabelPairAdapter");
    }
  }
  out.push_back({std::string(name), std::string(value)});
  return {};
}

util::Status decode_entry(std::string_view bytes, model::Entry& entry, std::vector<model::Label>& metadata) {
  WireReader r(bytes);
  metadata.clear();
  while (!r.done()) {
    uint32_t field;
    int wt;
    if (!r.tag(field, wt)) return malformed("EntryAdapter");
    std::string_view sub;
    if (field == 1 && wt == kLengthDelimited) {
      if (!r.bytes(sub)) return malformed("EntryAdapter.timestamp");
      auto ts = decode_timestamp(sub);
      if (!ts) return ts.status_error();
      entry.timestamp = *ts;
    } else if (field == 2 && wt == kLengthDelimited) {
      if (!r.bytes(sub)) return malformed("EntryAdapter.line");
      entry.line.assign(sub.data(), sub.size());
    } else if (field == 3 && wt == kLengthDelimited) {
      if (!r.bytes(sub)) return malformed("EntryAdapter.structuredMetadata");
      if (auto st = decode_label_pair(sub, metadata); !st) return st;
    } else if (!r.skip(wt)) {  // includes field 4, `parsed`, which clients must not send
      return malformed("EntryAdapter");
    }
  }
  if (!metadata.empty()) entry.metadata = model::LabelSet::from_unsorted(std::move(metadata));
  return {};
}

// Counts the entries of a stream message so its vector is sized once.
size_t count_entries(std::string_view bytes) {
  WireReader r(bytes);
  size_t n = 0;
  uint32_t field;
  int wt;
  while (!r.done() && r.tag(field, wt)) {
    if (field == 2 && wt == kLengthDelimited) ++n;
    if (!r.skip(wt)) break;
  }
  return n;
}

util::Status decode_stream(std::string_view bytes, PushRequest& out) {
  WireReader r(bytes);
  std::string_view labels_text;
  Stream stream;
  stream.entries.reserve(count_entries(bytes));
  std::vector<model::Label> metadata;
  while (!r.done()) {
    uint32_t field;
    int wt;
    if (!r.tag(field, wt)) return malformed("StreamAdapter");
    std::string_view sub;
    if (field == 1 && wt == kLengthDelimited) {
      if (!r.bytes(labels_text)) return malformed("StreamAdapter.labels");
    } else if (field == 2 && wt == kLengthDelimited) {
      if (!r.bytes(sub)) return malformed("StreamAdapter.entries");
      model::Entry& e = stream.entries.emplace_back();
      if (auto st = decode_entry(sub, e, metadata); !st) return st;
      // Lines and structured metadata are kept byte for byte, valid UTF-8 or not, as Loki's
      // protobuf decoder keeps them (query answers print invalid bytes as U+FFFD, as Go's JSON
      // encoder does).
    } else if (!r.skip(wt)) {  // includes field 3, `hash`
      return malformed("StreamAdapter");
    }
  }
  // As in Loki, a stream without entries is ignored before its labels are even looked at.
  if (stream.entries.empty()) {
    ++out.empty_streams;
    return {};
  }
  auto labels = parse_stream_labels(labels_text);
  if (!labels) {
    InvalidStream bad{std::string(labels_text), labels.error(), stream.entries.size(), 0};
    for (const auto& e : stream.entries) bad.bytes += e.line.size();
    out.invalid_streams.push_back(std::move(bad));
    return {};
  }
  stream.labels = std::move(*labels);
  out.streams.push_back(std::move(stream));
  return {};
}

}  // namespace

util::Result<PushRequest> decode_protobuf(std::string_view bytes) {
  PushRequest out;
  WireReader r(bytes);
  while (!r.done()) {
    uint32_t field;
    int wt;
    if (!r.tag(field, wt)) return malformed("PushRequest");
    std::string_view sub;
    if (field == 1 && wt == kLengthDelimited) {
      if (!r.bytes(sub)) return malformed("PushRequest.streams");
      if (auto st = decode_stream(sub, out); !st) return st.status_error();
    } else if (!r.skip(wt)) {  // includes field 2, `format`
      return malformed("PushRequest");
    }
  }
  return out;
}

util::Result<PushRequest> decode_protobuf_snappy(std::string_view body, const ProtobufLimits& limits) {
  size_t length = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &length)) {
    return util::Error{"snappy: corrupt input"};
  }
  if (length > limits.max_decompressed_bytes) {
    // validation.RequestBodyTooLargeErrorMsg
    return util::too_large("request body too large: " + std::to_string(length) +
                       " bytes, limit: " + std::to_string(limits.max_decompressed_bytes) + " bytes");
  }
  // Decompress into a per-thread buffer: the decoder copies what it keeps, and a fresh zeroed
  // string per request cost page faults and a memset on every push. Rare huge bodies are not
  // kept around.
  constexpr size_t kKeepBytes = 16 << 20;
  thread_local std::unique_ptr<char[]> kept;
  thread_local size_t kept_size = 0;
  std::unique_ptr<char[]> once;
  char* raw = nullptr;
  if (length <= kKeepBytes) {
    if (kept_size < length) {
      kept = std::make_unique_for_overwrite<char[]>(length);
      kept_size = length;
    }
    raw = kept.get();
  } else {
    once = std::make_unique_for_overwrite<char[]>(length);
    raw = once.get();
  }
  if (!snappy::RawUncompress(body.data(), body.size(), raw)) return util::Error{"snappy: corrupt input"};
  return decode_protobuf(std::string_view(raw, length));
}

}  // namespace push
