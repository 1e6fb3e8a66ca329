// DockerLogCursor: where a container's logs resume after a restart, as kept in the positions
// file under "cursor-<container id>" (Promtail's key). Promtail saves whole Unix seconds and asks
// the daemon for `since=<seconds>`, so a restart repeats the lines of that second; we save the
// last delivered entry's time in nanoseconds and how many entries carried exactly that time,
// ask for `since=<seconds>.<nanoseconds>` (the daemon includes entries at that time) and skip
// those already delivered. Text form: "<seconds>.<9 digits>:<count>"; Promtail's plain
// "<seconds>" is read as "from that second on".
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sources {

struct DockerLogCursor {
  int64_t timestamp_ns = 0;  // the last delivered entry's time; 0: from the beginning
  uint64_t delivered_at_timestamp = 0;  // entries at exactly timestamp_ns already delivered

  // Whether an entry at `ts` (read in order from `since()`) was already delivered; counts it.
  bool already_delivered(int64_t ts, uint64_t& seen_at_timestamp) const;
  // The cursor after delivering an entry at `ts`.
  DockerLogCursor after(int64_t ts) const;
  // The `since` query parameter ("0": everything).
  std::string since() const;
  std::string to_string() const;
  bool operator==(const DockerLogCursor&) const = default;
};

std::optional<DockerLogCursor> parse_docker_log_cursor(std::string_view text);

// The positions file key of a container's cursor (Promtail's positions.CursorKey).
std::string docker_cursor_key(std::string_view container_id);

}  // namespace sources
