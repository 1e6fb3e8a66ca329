#include "logcli/url_params.h"

#include <algorithm>
#include <cstdio>

namespace logcli {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

void append_percent(std::string& out, unsigned char c) {
  static const char* kHex = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace

std::string query_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3 / 2);
  for (unsigned char c : s) {
    if (unreserved(c)) out += static_cast<char>(c);
    else if (c == ' ') out += '+';
    else append_percent(out, c);
  }
  return out;
}

std::string path_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    // Go keeps these sub-delimiters in a path segment; '/' ';' ',' '?' are escaped.
    bool keep = unreserved(c) || c == '$' || c == '&' || c == '+' || c == '=' || c == ':' || c == '@';
    if (keep) out += static_cast<char>(c);
    else append_percent(out, c);
  }
  return out;
}

QueryString& QueryString::set(std::string key, std::string value) {
  for (auto& p : params_) {
    if (p.first == key) {
      p.second = {std::move(value)};
      return *this;
    }
  }
  params_.push_back({std::move(key), {std::move(value)}});
  return *this;
}

QueryString& QueryString::add(std::string key, std::string value) {
  for (auto& p : params_) {
    if (p.first == key) {
      p.second.push_back(std::move(value));
      return *this;
    }
  }
  params_.push_back({std::move(key), {std::move(value)}});
  return *this;
}

std::string QueryString::encode() const {
  std::vector<const std::pair<std::string, std::vector<std::string>>*> sorted;
  for (const auto& p : params_) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string out;
  for (const auto* p : sorted) {
    for (const auto& v : p->second) {
      if (!out.empty()) out += '&';
      out += query_escape(p->first);
      out += '=';
      out += query_escape(v);
    }
  }
  return out;
}

std::string build_url(std::string_view addr, std::string_view path, const std::string& query) {
  std::string out(addr);
  // The address may carry a path prefix (a reverse proxy); join without doubling slashes.
  while (!out.empty() && out.back() == '/') out.pop_back();
  out += path;
  if (!query.empty()) {
    out += '?';
    out += query;
  }
  return out;
}

std::string format_seconds(int64_t ns) {
  // Shortest decimal that round-trips, never an exponent (Go's 'f' with precision -1).
  std::string s = std::to_string(ns / 1'000'000'000);
  int64_t frac = ns % 1'000'000'000;
  if (frac < 0) frac = -frac;
  if (frac) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    if (ns < 0 && s[0] != '-') s = "-" + s;
    s += f;
  }
  return s;
}

std::string query_range_params(const RangeRequest& r) {
  QueryString q;
  q.set("query", r.query).set("limit", int64_t{r.limit}).set("start", r.start).set("end", r.end);
  q.set("direction", r.forward ? "FORWARD" : "BACKWARD");
  if (r.step != 0) q.set("step", format_seconds(r.step));
  if (r.interval != 0) q.set("interval", format_seconds(r.interval));
  return q.encode();
}

std::string instant_query_params(const std::string& query, uint32_t limit, int64_t time, bool forward) {
  QueryString q;
  q.set("query", query).set("limit", int64_t{limit}).set("time", time);
  q.set("direction", forward ? "FORWARD" : "BACKWARD");
  return q.encode();
}

std::string time_range_params(int64_t start, int64_t end) {
  return QueryString().set("start", start).set("end", end).encode();
}

std::string series_params(const std::vector<std::string>& matchers, int64_t start, int64_t end) {
  QueryString q;
  q.set("start", start).set("end", end);
  for (const auto& m : matchers) q.add("match", m);  // Loki's logcli sends "match"; servers accept it beside "match[]"
  return q.encode();
}

std::string index_stats_params(const std::string& query, int64_t start, int64_t end) {
  return QueryString().set("query", query).set("start", start).set("end", end).encode();
}

std::string volume_params(const VolumeQuery& v) {
  QueryString q;
  q.set("query", v.query).set("start", v.start).set("end", v.end).set("limit", int64_t{v.limit});
  if (v.step != 0) q.set("step", format_seconds(v.step));
  if (!v.target_labels.empty()) {
    std::string joined;
    for (const auto& t : v.target_labels) joined += (joined.empty() ? "" : ",") + t;
    q.set("targetLabels", joined);
  }
  if (v.aggregate_by_labels) q.set("aggregateBy", "labels");
  return q.encode();
}

std::string detected_fields_params(const DetectedFieldsQuery& d) {
  return QueryString()
      .set("query", d.query)
      .set("start", d.start)
      .set("end", d.end)
      .set("line_limit", int64_t{d.line_limit})
      .set("limit", int64_t{d.limit})
      .encode();
}

std::string patterns_params(const PatternsQuery& q) {
  QueryString qs;
  qs.set("query", q.query).set("start", q.start).set("end", q.end);
  if (q.step > 0) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.9g", static_cast<double>(q.step) / 1e9);  // float seconds, as Loki reads them
    qs.set("step", std::string(secs));
  }
  return qs.encode();
}

std::string detected_field_values_path(std::string_view name) {
  return "/loki/api/v1/detected_field/" + path_escape(name) + "/values";
}

std::string tail_params(const std::string& query, int64_t delay_for_seconds, uint32_t limit, int64_t start) {
  QueryString q;
  q.set("query", query);
  if (delay_for_seconds != 0) q.set("delay_for", delay_for_seconds);
  q.set("limit", int64_t{limit}).set("start", start);
  return q.encode();
}

std::string label_values_path(std::string_view name) { return "/loki/api/v1/label/" + path_escape(name) + "/values"; }

}  // namespace logcli
