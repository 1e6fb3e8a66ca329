#include "ring/ring_page.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "model/time.h"

namespace ring {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;

std::string shown_state(const InstanceStatus& s) {
  return s.healthy ? std::string(state_name(s.desc.state)) : "UNHEALTHY";
}

// Go's zero time for "never", as dskit's JSON prints an unset registration time.
std::string time_of_ms(int64_t unix_ms) {
  return unix_ms == 0 ? "0001-01-01T00:00:00Z" : model::format_rfc3339nano(unix_ms * kNanosPerMilli);
}

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string percent(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", p);
  return buf;
}

std::string age(int64_t now_ns, int64_t unix_ms) {
  if (unix_ms == 0) return "never";
  return model::format_duration_go((now_ns / kNanosPerMilli - unix_ms) * kNanosPerMilli) + " ago";
}

}  // namespace

RingPage ring_page_of(const Ring& view, bool show_tokens) {
  RingPage page;
  page.instances = view.instances();
  page.now_ns = view.clock().now_ns();
  page.heartbeat_timeout_ns = view.config().heartbeat_timeout_ns;
  auto status = view.status();
  page.stale = status.stale;
  page.stale_since_ns = status.stale_since_ns;
  page.show_tokens = show_tokens;
  return page;
}

std::string render_ring_json(const RingPage& page) {
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& s : page.instances) {
    shards.push_back({{"id", s.desc.id},
                      {"state", shown_state(s)},
                      {"address", s.desc.addr},
                      {"timestamp", time_of_ms(s.desc.heartbeat_unix_ms)},
                      {"registered_timestamp", time_of_ms(s.desc.registered_unix_ms)},
                      {"zone", s.desc.zone},
                      {"tokens", s.desc.tokens}});
  }
  return nlohmann::json{{"shards", shards}, {"now", model::format_rfc3339nano(page.now_ns)}}.dump();
}

std::string render_ring_html(const RingPage& page) {
  std::string h;
  h += "<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>" + escape_html(page.title) + "</title>";
  h += "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 8px;text-align:left}"
       ".UNHEALTHY{color:#b00}</style></head><body>\n";
  h += "<h1>" + escape_html(page.title) + "</h1>\n";
  h += "<p>Current time: " + model::format_rfc3339nano(page.now_ns) + "</p>\n";
  if (page.stale) {
    h += "<p class=\"UNHEALTHY\">The key-value store has not answered since " +
         model::format_rfc3339nano(page.stale_since_ns) + ": this is the last copy read.</p>\n";
  }
  h += "<table>\n<thead><tr><th>Instance ID</th><th>Availability Zone</th><th>State</th><th>Address</th>"
       "<th>Registered At</th><th>Last Heartbeat</th><th>Tokens</th><th>Ownership</th></tr></thead>\n<tbody>\n";
  for (const auto& s : page.instances) {
    std::string state = shown_state(s);
    h += "<tr class=\"" + state + "\"><td>" + escape_html(s.desc.id) + "</td><td>" + escape_html(s.desc.zone) +
         "</td><td>" + state + "</td><td>" + escape_html(s.desc.addr) + "</td><td>" +
         (s.desc.registered_unix_ms ? time_of_ms(s.desc.registered_unix_ms) : "") + "</td><td>" +
         age(page.now_ns, s.desc.heartbeat_unix_ms) + "</td><td>" + std::to_string(s.desc.tokens.size()) +
         "</td><td>" + percent(s.ownership_percent) + "</td></tr>\n";
  }
  h += "</tbody></table>\n";
  if (page.show_tokens) {
    for (const auto& s : page.instances) {
      h += "<h2>Instance: " + escape_html(s.desc.id) + "</h2>\n<p>Tokens:<br>";
      for (size_t i = 0; i < s.desc.tokens.size(); ++i) h += (i ? " " : "") + std::to_string(s.desc.tokens[i]);
      h += "</p>\n";
    }
  } else {
    h += "<p><a href=\"?tokens=true\">Show tokens</a></p>\n";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace ring
