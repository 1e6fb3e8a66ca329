// One tenant's pending push request: entries grouped into streams by their labels, sized the way
// Promtail sizes batches (line bytes plus structured metadata bytes), encoded as Loki's
// snappy-compressed protobuf on demand. Entries are moved in, never copied.
//
// Also the stream-label rule Promtail applies before batching: external_labels merged under the
// entry's own labels (the entry's value wins on a clash, as Prometheus' LabelSet.Merge does), and
// the reserved __tenant_id__ label removed.
//
// Not thread-safe: a batch belongs to the client's sender thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "client/config.h"
#include "client/entry.h"
#include "model/labels.h"
#include "push/push_request.h"

namespace client {

inline constexpr const char* kTenantLabel = "__tenant_id__";

// Loki's EntryTotalSize: the line plus every structured metadata name and value.
size_t entry_size(const model::Entry& entry);

// Applies external labels and drops __tenant_id__, remembering the last input so that a run of
// entries with identical labels (the common case: one file, one label set) costs one comparison,
// not a merge and its allocations each.
class StreamLabeler {
 public:
  explicit StreamLabeler(model::LabelSet external) : external_(std::move(external)) {}
  // The labels the stream is sent with: `labels` itself when nothing changes, else a set owned
  // by the labeler, valid until the next call.
  const model::LabelSet& apply(const model::LabelSet& labels);

 private:
  model::LabelSet external_;
  model::LabelSet last_in_, last_out_;
  bool have_last_ = false;
};

// Memory the sender reuses for every body it encodes. Fresh multi-megabyte strings per batch
// cost page faults and zeroing (a fifth of logtail's CPU at full speed); these keep their pages.
class BodyBuffers {
 public:
  std::string& raw() { return raw_; }
  // Room for at least `n` bytes of output, kept between calls.
  char* reserve_output(size_t n);

 private:
  std::string raw_;
  std::unique_ptr<char[]> out_;
  size_t out_capacity_ = 0;
};

class Batch {
 public:
  // `max_streams` 0: unlimited (limits_config.max_streams). `format`: the body encode() builds.
  // For Loki's protobuf each entry is encoded as it is added, while its line is still in the
  // cache, into one buffer per batch, and the entry itself is not kept.
  Batch(int64_t created_ns, size_t max_streams, PushFormat format = PushFormat::kLoki);

  // Empties the batch for reuse, keeping its buffers' memory.
  void reset(int64_t created_ns);

  // Appends the entry to the stream with these labels (already StreamLabeler-applied; copied only
  // when they open a new stream). Returns false, leaving the batch and `entry` unchanged, when it
  // would open a stream beyond max_streams.
  bool add(const model::LabelSet& labels, model::Entry&& entry, SourcePosition position);

  size_t bytes() const { return bytes_; }
  size_t entries() const { return entries_; }
  bool empty() const { return entries_ == 0; }
  int64_t created_ns() const { return created_ns_; }
  size_t bytes_after(const model::Entry& entry) const { return bytes_ + entry_size(entry); }

  const std::vector<SourcePosition>& positions() const { return positions_; }
  std::vector<SourcePosition> take_positions() { return std::move(positions_); }

  // The body of the POST: snappy-compressed protobuf for /loki/api/v1/push, or an OTLP logs
  // request for /otlp/v1/logs (and any OTLP/HTTP endpoint), as the batch's format says.
  std::string encode() const;
  // The same body, built in `buffers` (valid until their next use).
  std::string_view encode(BodyBuffers& buffers) const;

 private:
  int64_t created_ns_;
  size_t max_streams_;
  PushFormat format_;
  // The streams' labels; their entries only for OTLP (Loki's are in wire_).
  push::PushRequest request_;
  // Loki: the encoded entry fields of every stream, in arrival order, and per stream the
  // [begin, end) ranges of wire_ holding its own (consecutive entries share one range).
  std::string wire_;
  std::vector<std::vector<std::pair<size_t, size_t>>> ranges_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> streams_by_fingerprint_;
  size_t last_stream_ = SIZE_MAX;  // where the previous entry went: runs of one stream skip hashing
  std::vector<SourcePosition> positions_;
  size_t bytes_ = 0;
  size_t entries_ = 0;
};

}  // namespace client
