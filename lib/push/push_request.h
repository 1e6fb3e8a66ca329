// The decoded form of a Loki push request (POST /loki/api/v1/push), whatever its wire format.
// Plain data: no synchronization; one request belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/entry.h"
#include "model/labels.h"

namespace push {

struct Stream {
  model::LabelSet labels;
  std::vector<model::Entry> entries;  // in request order; duplicates and disorder allowed
};

// A stream the decoder could not accept as a whole (unparsable or duplicate label names).
// Loki drops such a stream and keeps the rest of the request, answering 400 with `message`,
// so the decoder reports it here instead of failing the request.
struct InvalidStream {
  std::string labels;   // the label text as sent
  std::string message;  // Loki's wording
  size_t entries = 0;
  size_t bytes = 0;     // line bytes, for discard accounting
};

struct PushRequest {
  std::vector<Stream> streams;
  std::vector<InvalidStream> invalid_streams;
  size_t empty_streams = 0;  // streams sent without entries; ignored, as Loki does
};

// Total number of entries and of line bytes in the request's valid streams.
size_t entry_count(const PushRequest& request);
size_t line_bytes(const PushRequest& request);

}  // namespace push
