// Detected labels (Loki's /loki/api/v1/detected_labels, the label list of Grafana's Logs
// Drilldown): the stream labels of the selected series with the number of distinct values
// each has, leaving out labels that only hold IDs (every value a number or a UUID, Loki's
// containsAllIDTypes), except the ones Loki always keeps (cluster, namespace, instance, pod).
// Cardinality is exact (Loki estimates it with a HyperLogLog sketch).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"

namespace query {

struct DetectedLabel {
  std::string label;
  uint64_t cardinality = 0;
};

// Sorted by label.
std::vector<DetectedLabel> detect_labels(const std::vector<model::LabelSet>& series);

// Go's uuid.Parse: 8-4-4-4-12 hex digits, optionally in braces or after "urn:uuid:", or 32 hex
// digits.
bool is_uuid(std::string_view v);

}  // namespace query
