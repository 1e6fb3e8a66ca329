// A log entry: a nanosecond timestamp, the line, and its structured metadata.
#pragma once

#include <cstdint>
#include <string>

#include "model/labels.h"

namespace model {

struct Entry {
  int64_t timestamp = 0;  // nanoseconds since the Unix epoch
  std::string line;
  LabelSet metadata;  // structured metadata (Loki 3.x), not part of the stream's identity
  bool operator==(const Entry&) const = default;
};

}  // namespace model
