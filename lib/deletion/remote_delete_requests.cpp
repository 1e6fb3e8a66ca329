#include "deletion/remote_delete_requests.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "httpclient/http_request.h"

namespace deletion {

struct RemoteDeleteRequests::HttpState {
  httpclient::ConnectionPool pool{4};
};

namespace {

// Loki's model.Time in JSON: seconds, as a number with millisecond decimals.
util::Result<int64_t> seconds_to_ns(const nlohmann::json& v, std::string_view field) {
  if (!v.is_number()) return util::invalid_argument("delete request without a numeric " + std::string(field));
  double ms = std::round(v.get<double>() * 1000.0);
  return static_cast<int64_t>(ms) * 1'000'000;
}

}  // namespace

util::Result<std::vector<ActiveDelete>> parse_delete_list(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_array()) {
    return util::invalid_argument("the compactor's delete list is not a JSON array");
  }
  std::vector<ActiveDelete> out;
  out.reserve(doc.size());
  for (const nlohmann::json& r : doc) {
    if (!r.is_object() || !r.contains("query") || !r["query"].is_string()) {
      return util::invalid_argument("a delete request in the compactor's list has no query");
    }
    auto start = seconds_to_ns(r.value("start_time", nlohmann::json()), "start_time");
    if (!start.ok()) return start.status_error();
    auto end = seconds_to_ns(r.value("end_time", nlohmann::json()), "end_time");
    if (!end.ok()) return end.status_error();
    auto query = DeleteQuery::compile(r["query"].get<std::string>());
    if (!query.ok()) return util::prefixed("a delete request from the compactor: ", query.status_error());
    out.push_back(ActiveDelete{*start, *end, std::move(*query)});
  }
  return out;
}

RemoteDeleteRequests::RemoteDeleteRequests(RemoteDeleteRequestsOptions options, util::Clock& clock, Fetch fetch)
    : options_(std::move(options)), clock_(clock), fetch_(std::move(fetch)) {
  if (!fetch_) {
    http_ = std::make_unique<HttpState>();
    fetch_ = [this](const std::string& tenant) { return fetch_over_http(tenant); };
  }
}

RemoteDeleteRequests::~RemoteDeleteRequests() = default;

util::Result<std::string> RemoteDeleteRequests::fetch_over_http(const std::string& tenant) const {
  std::string base = options_.compactor_address;
  while (!base.empty() && base.back() == '/') base.pop_back();
  httpclient::Request req;
  req.url = base + "/loki/api/v1/delete";
  req.headers.push_back("X-Scope-OrgID: " + tenant);
  req.timeout_ms = options_.timeout_ms;
  req.max_body_bytes = 64u << 20;
  httpclient::Response resp = http_->pool.perform(req);
  const std::string where = "fetching delete requests from the compactor at " + base + ": ";
  if (!resp.transport_ok()) return util::unavailable(where + resp.error);
  // The compactor's deletion_mode for the tenant is disabled: it keeps no requests for it.
  if (resp.status == 403) return std::string("[]");
  if (resp.status != 200) {
    std::string body = resp.body.substr(0, 200);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    return util::unavailable(where + "HTTP " + std::to_string(resp.status) + ": " + body);
  }
  if (resp.body_truncated) return util::unavailable(where + "the list is larger than 64 MiB");
  return std::move(resp.body);
}

void RemoteDeleteRequests::invalidate(const std::string& tenant) {
  std::lock_guard lock(mu_);
  cache_.erase(tenant);
}

util::Result<std::vector<ActiveDelete>> RemoteDeleteRequests::active_deletes(const std::string& tenant) const {
  const int64_t now = clock_.now_ns();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(tenant);
    if (it != cache_.end() && now - it->second.fetched_at < options_.refresh) return it->second.deletes;
  }
  auto body = fetch_(tenant);
  util::Result<std::vector<ActiveDelete>> parsed =
      body.ok() ? parse_delete_list(*body) : util::Result<std::vector<ActiveDelete>>(body.status_error());
  std::lock_guard lock(mu_);
  auto it = cache_.find(tenant);
  if (!parsed.ok()) {
    ++failed_refreshes_;
    if (it != cache_.end()) {
      it->second.fetched_at = now;  // ask again after `refresh`, not on every query meanwhile
      return it->second.deletes;    // the last good list
    }
    return util::prefixed("query-time deletes: ", parsed.status_error());
  }
  Cached& c = cache_[tenant];
  c.fetched_at = now;
  c.deletes = *parsed;
  return std::move(*parsed);
}

}  // namespace deletion
