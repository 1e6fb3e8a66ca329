// What the client is handed and what it hands back: an entry bound for Loki, with the source
// position the tailer needs acknowledged, and the outcome of each batch (accepted or dropped).
// Plain data; no synchronization.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/entry.h"
#include "model/labels.h"

namespace client {

// Where an entry came from, opaque to the client: the tailer's id for a file (0: no source, e.g.
// stdin) and the byte offset just past the entry's line. Returned verbatim in the batch's ack so
// the tailer advances its positions only past data Loki has acknowledged.
struct SourcePosition {
  uint64_t source = 0;
  int64_t offset = 0;
  bool operator==(const SourcePosition&) const = default;
};

struct Entry {
  // May carry __tenant_id__ (Promtail's tenant stage; never sent). Shared and immutable: a
  // producer shipping many lines of one stream hands each the same set (no label copies per
  // line), and the sender resolves a stream's tenant and labels once per run of equal pointers.
  // Null: no labels.
  std::shared_ptr<const model::LabelSet> labels;
  model::Entry entry;      // timestamp, line, structured metadata
  std::string tenant;      // overrides both __tenant_id__ and the config's tenant_id when set
  SourcePosition position;
};

// Promtail's reason label values on promtail_dropped_entries_total / _bytes_total.
inline constexpr const char* kReasonGeneric = "ingester_error";
inline constexpr const char* kReasonRateLimited = "rate_limited";
inline constexpr const char* kReasonStreamLimited = "stream_limited";
inline constexpr const char* kReasonLineTooLong = "line_too_long";

// The final fate of a batch (or of one entry dropped before batching). Delivered exactly once
// for every entry the client accepted, except those still pending when stop() ran out of time:
// those are never acknowledged, so a restart re-reads them.
struct BatchOutcome {
  std::string tenant;
  bool accepted = false;    // true: Loki answered 2xx; false: dropped for good
  std::string drop_reason;  // one of kReason*; empty when accepted
  int status = 0;           // last HTTP status; -1: connection-level error; 0: never sent
  std::string error;        // last error message; empty when accepted
  size_t entries = 0;
  size_t bytes = 0;  // entry bytes (lines + structured metadata), as counted for batchsize
  // The positions of the batch's entries that had a source, in the order they were pushed.
  std::vector<SourcePosition> positions;
};

// Called on the client's sender thread; must not call back into the client's push().
using AckCallback = std::function<void(const BatchOutcome&)>;

}  // namespace client
