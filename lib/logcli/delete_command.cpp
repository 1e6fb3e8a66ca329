#include "logcli/delete_command.h"

#include <simdjson.h>

#include <cmath>

#include "logcli/url_params.h"
#include "model/time.h"

namespace logcli {
namespace {

constexpr const char* kPath = "/loki/api/v1/delete";

// Loki's times in the list are seconds (with millisecond decimals); logcli shows RFC3339.
std::string rfc3339_of_seconds(double seconds) {
  return model::format_rfc3339nano(static_cast<int64_t>(std::llround(seconds * 1000)) * 1'000'000);
}

}  // namespace

int run_delete_create(HttpClient& client, const DeleteCreateOptions& o, std::FILE* out, std::FILE* err,
                      util::Clock& clock) {
  auto range = resolve_range(o.range.since, o.range.from, o.range.to, clock.now_ns());
  if (!range.ok()) {
    std::fprintf(err, "logcli: %s\n", range.error().c_str());
    return 1;
  }
  // Unix seconds, as the delete API parses them (its end is inclusive).
  QueryString q;
  q.set("query", o.query).set("start", range->start / 1'000'000'000).set("end", range->end / 1'000'000'000);
  if (!o.max_interval.empty()) q.set("max_interval", o.max_interval);
  auto r = client.send("POST", kPath, q.encode());
  if (!r.ok()) {
    std::fprintf(err, "logcli: %s\n", r.error().c_str());
    return 1;
  }
  std::fprintf(out, "delete request created\n");
  return 0;
}

int run_delete_list(HttpClient& client, std::FILE* out, std::FILE* err) {
  auto r = client.send("GET", kPath, "");
  if (!r.ok()) {
    std::fprintf(err, "logcli: %s\n", r.error().c_str());
    return 1;
  }
  simdjson::dom::parser parser;
  simdjson::dom::array list;
  if (parser.parse(*r).get(list)) {
    std::fprintf(err, "logcli: unexpected answer: %s\n", r->c_str());
    return 1;
  }
  for (simdjson::dom::element e : list) {
    std::string_view id, status, query;
    double start = 0, end = 0;
    if (e["request_id"].get(id) || e["status"].get(status) || e["query"].get(query) || e["start_time"].get(start) ||
        e["end_time"].get(end)) {
      std::fprintf(err, "logcli: unexpected answer: %s\n", r->c_str());
      return 1;
    }
    std::fprintf(out, "%.*s\t%.*s\t%s\t%s\t%.*s\n", static_cast<int>(id.size()), id.data(),
                 static_cast<int>(status.size()), status.data(), rfc3339_of_seconds(start).c_str(),
                 rfc3339_of_seconds(end).c_str(), static_cast<int>(query.size()), query.data());
  }
  return 0;
}

int run_delete_cancel(HttpClient& client, const std::string& request_id, bool force, std::FILE* out,
                      std::FILE* err) {
  QueryString q;
  q.set("request_id", request_id);
  if (force) q.set("force", "true");
  auto r = client.send("DELETE", kPath, q.encode());
  if (!r.ok()) {
    std::fprintf(err, "logcli: %s\n", r.error().c_str());
    return 1;
  }
  std::fprintf(out, "delete request %s cancelled\n", request_id.c_str());
  return 0;
}

}  // namespace logcli
