#include "sources/docker_log_cursor.h"

#include <charconv>
#include <cstdio>

namespace sources {
namespace {

constexpr int64_t kNanos = 1'000'000'000;

template <typename T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

bool DockerLogCursor::already_delivered(int64_t ts, uint64_t& seen_at_timestamp) const {
  if (timestamp_ns == 0) return false;
  if (ts < timestamp_ns) return true;
  if (ts > timestamp_ns) return false;
  return ++seen_at_timestamp <= delivered_at_timestamp;
}

DockerLogCursor DockerLogCursor::after(int64_t ts) const {
  if (ts == timestamp_ns) return {ts, delivered_at_timestamp + 1};
  return {ts, 1};
}

std::string DockerLogCursor::since() const {
  if (timestamp_ns <= 0) return "0";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(timestamp_ns / kNanos),
                static_cast<long long>(timestamp_ns % kNanos));
  return buf;
}

std::string DockerLogCursor::to_string() const { return since() + ":" + std::to_string(delivered_at_timestamp); }

std::optional<DockerLogCursor> parse_docker_log_cursor(std::string_view text) {
  DockerLogCursor c;
  int64_t seconds = 0;
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {  // Promtail's whole seconds: nothing known delivered
    if (!parse_number(text, seconds) || seconds < 0) return std::nullopt;
    c.timestamp_ns = seconds * kNanos;
    return c;
  }
  std::string_view time = text.substr(0, colon);
  size_t dot = time.find('.');
  int64_t nanos = 0;
  if (dot == std::string_view::npos || time.size() - dot - 1 != 9 || !parse_number(time.substr(0, dot), seconds) ||
      !parse_number(time.substr(dot + 1), nanos) || seconds < 0 || nanos < 0 ||
      !parse_number(text.substr(colon + 1), c.delivered_at_timestamp)) {
    return std::nullopt;
  }
  c.timestamp_ns = seconds * kNanos + nanos;
  return c;
}

std::string docker_cursor_key(std::string_view container_id) { return "cursor-" + std::string(container_id); }

}  // namespace sources
