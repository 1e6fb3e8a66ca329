// A log entry: a nanosecond timestamp, the line, and its structured metadata; in a query's
// answer with categorized labels, also the labels the query's parsers extracted.
#pragma once

#include <cstdint>
#include <string>

#include "model/labels.h"

namespace model {

struct Entry {
  int64_t timestamp = 0;  // nanoseconds since the Unix epoch
  std::string line;
  LabelSet metadata;  // structured metadata (Loki 3.x), not part of the stream's identity
  // Query results with categorized labels only (Loki's Entry.Parsed, the `categorize-labels`
  // encoding flag): labels the pipeline's parsers and templates added, with `__error__`. Never
  // stored or pushed; empty everywhere else.
  LabelSet parsed{};
  bool operator==(const Entry&) const = default;
};

}  // namespace model
