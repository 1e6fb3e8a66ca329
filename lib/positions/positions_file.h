// The positions file format of Promtail: a YAML document `positions:` mapping a key to a string.
// For files the key is the path and the value the byte offset already shipped ("1234"); journal
// targets store a cursor under a "journal-" or "cursor-" key. We keep that format exactly, so a
// Promtail positions file resumes under logtail and the other way round.
//
// Thread-safe: pure functions; write_positions_file() replaces the file atomically (a reader sees
// the old or the new content, never a mix) and durably (fsync of the file and the directory).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/result.h"

namespace positions {

using PositionMap = std::map<std::string, std::string>;

// Parses the YAML text. Empty text (or a document with no `positions`) is an empty map; unknown
// top-level keys and non-scalar values are errors, as with Promtail's strict decoder.
util::Result<PositionMap> parse_positions(std::string_view text);

// The YAML text, keys sorted and values double-quoted as Promtail writes them:
//   positions:
//     /var/log/syslog: "1234"
std::string format_positions(const PositionMap& positions);

// Reads `path`: a missing file is an empty map. A corrupt file is an error
// ("invalid yaml positions file [<path>]: ..."), or an empty map when `ignore_invalid_yaml`
// is set (Promtail's positions.ignore_invalid_yaml: the file is rewritten at the next sync).
util::Result<PositionMap> read_positions_file(const std::string& path, bool ignore_invalid_yaml);

// Writes `positions` to `path` atomically and durably.
util::Status write_positions_file(const std::string& path, const PositionMap& positions);

}  // namespace positions
