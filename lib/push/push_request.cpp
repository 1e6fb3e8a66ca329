#include "push/push_request.h"

namespace push {

size_t entry_count(const PushRequest& request) {
  size_t n = 0;
  for (const auto& s : request.streams) n += s.entries.size();
  return n;
}

size_t line_bytes(const PushRequest& request) {
  size_t n = 0;
  for (const auto& s : request.streams)
    for (const auto& e : s.entries) n += e.line.size();
  return n;
}

}  // namespace push
