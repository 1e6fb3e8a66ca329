// The /ring page as Loki serves it, rendered from a ring view (no HTTP here: the server routes
// call these). JSON for `Accept: application/json`, in dskit's shape:
//   {"shards":[{"id":"ingester-1","state":"ACTIVE","address":"127.0.0.1:3100",
//               "timestamp":"2024-01-01T00:00:00Z","registered_timestamp":"2024-01-01T00:00:00Z",
//               "zone":"","tokens":[...]}],
//    "now":"2024-01-01T00:00:05.123Z"}
// where state is "UNHEALTHY" for an instance whose heartbeat is too old; otherwise an HTML table
// (id, zone, state, address, registered, last heartbeat, tokens, ownership).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ring/ring.h"

namespace ring {

struct RingPage {
  std::string title = "Ring Status";
  std::vector<InstanceStatus> instances;
  int64_t now_ns = 0;
  int64_t heartbeat_timeout_ns = 0;
  bool stale = false;           // the store is away: the page shows the last good copy
  int64_t stale_since_ns = 0;
  bool show_tokens = false;     // HTML: list every token (Loki's ?tokens=true)
};

// The page's content from a view, now.
RingPage ring_page_of(const Ring& view, bool show_tokens = false);

std::string render_ring_json(const RingPage& page);
std::string render_ring_html(const RingPage& page);

}  // namespace ring
