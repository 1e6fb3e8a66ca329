// A pushed stream's labels, from the two shapes clients send them in: the LogQL selector text of
// the protobuf form (`{app="x", env="prod"}`) and the name/value object of the JSON form.
// Failures carry Loki's messages, as its distributor words them. Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "model/labels.h"
#include "util/result.h"

namespace push {

// Parses the selector text with model::parse_label_set, and rejects invalid UTF-8 and repeated
// label names (which the label set would otherwise silently merge).
util::Result<model::LabelSet> parse_stream_labels(std::string_view text);

// Builds the label set of a JSON stream object; rejects invalid label names.
util::Result<model::LabelSet> stream_labels_from_pairs(std::vector<model::Label> pairs);

}  // namespace push
