// One line of logcli's jsonl form, the form `logcli query -o jsonl` prints and `logcli query
// --stdin --stdin-format=jsonl` and `logcli push` read:
//   {"labels":{"app":"x"},"line":"...","timestamp":"2026-12-07T10:00:00.123456789Z"}
// "ts" (integer nanoseconds, or any time logcli's --from takes) may stand for "timestamp", and
// "structured_metadata" (an object of strings) carries Loki 3's per-entry metadata.
#pragma once

#include <string>
#include <string_view>

#include "model/entry.h"
#include "model/labels.h"
#include "util/result.h"

namespace logcli {

struct JsonlEntry {
  model::LabelSet labels;
  model::Entry entry;  // timestamp, line, structured metadata
};

// Errors say what is wrong with the object ("missing string field \"line\"", ...) without a
// position: callers prefix the input line number.
util::Result<JsonlEntry> parse_jsonl_entry(std::string_view line);

}  // namespace logcli
