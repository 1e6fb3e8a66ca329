#include "logd/delete_api.h"

#include <nlohmann/json.hpp>

#include "httpclient/http_request.h"
#include "logd/request_params.h"
#include "model/time.h"

namespace logd {
namespace {

using json = nlohmann::ordered_json;

http::Response disabled() {
  return http::Response::text(403, "deletion is not available for this tenant\n");
}

}  // namespace

std::string seconds_json(int64_t ns) {
  int64_t ms = ns / 1'000'000;
  std::string out = std::to_string(ms / 1000);
  int64_t rem = ms % 1000;
  if (rem != 0) {
    std::string frac = std::to_string(rem);
    frac.insert(0, 3 - frac.size(), '0');
    while (frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out;
}

void DeleteApi::register_routes(http::Server& server) {
  server.route("POST", "/loki/api/v1/delete", [this](const http::Request& r) { return add(r); });
  server.route("PUT", "/loki/api/v1/delete", [this](const http::Request& r) { return add(r); });
  server.route("GET", "/loki/api/v1/delete", [this](const http::Request& r) { return list(r); });
  server.route("DELETE", "/loki/api/v1/delete", [this](const http::Request& r) { return cancel(r); });
}

http::Response DeleteApi::add(const http::Request& req) {
  auto t = api_.tenants(req, false);
  if (!t.ok()) return error_response(t.status_error());
  if (api_.tenant_limits((*t)[0])->deletion_mode == "disabled") return disabled();
  // The delete's LogQL is bounded as a query's is (server.http_max_query_bytes).
  if (auto st = api_.check_query_size(req); !st.ok()) return error_response(st.status_error());
  const int64_t now = clock_.now_ns();
  std::string query = param(req.query, "query");
  if (query.empty()) return error_response(util::invalid_argument("query parameter must be specified"));
  std::string start_text = param(req.query, "start");
  if (start_text.empty()) return error_response(util::invalid_argument("start parameter must be specified"));
  auto start = model::parse_time(start_text);
  if (!start.ok()) return error_response(util::invalid_argument("invalid start time: " + start.error()));
  int64_t end = now;
  if (std::string e = param(req.query, "end"); !e.empty()) {
    auto parsed = model::parse_time(e);
    if (!parsed.ok()) return error_response(util::invalid_argument("invalid end time: " + parsed.error()));
    end = *parsed;
    if (end > now) return error_response(util::invalid_argument("deletes in the future are not allowed"));
  }
  int64_t max_interval = 0;
  if (std::string m = param(req.query, "max_interval"); !m.empty()) {
    auto d = model::parse_duration(m);
    if (!d.ok() || *d <= 0) return error_response(util::invalid_argument("invalid max_interval: " + m));
    max_interval = *d;
  }
  auto id = store_.add((*t)[0], query, *start, end, max_interval, now);
  if (!id.ok()) return error_response(id.status_error());
  return http::Response::empty(204);
}

http::Response DeleteApi::list(const http::Request& req) {
  auto t = api_.tenants(req, false);
  if (!t.ok()) return error_response(t.status_error());
  if (api_.tenant_limits((*t)[0])->deletion_mode == "disabled") return disabled();
  std::string out = "[";
  for (const deletion::ListedRequest& r : store_.list((*t)[0])) {
    if (out.size() > 1) out += ',';
    out += "{\"request_id\":" + json(r.request_id).dump() + ",\"start_time\":" + seconds_json(r.start) +
           ",\"end_time\":" + seconds_json(r.end) + ",\"query\":" + json(r.query).dump() +
           ",\"status\":" + json(r.status).dump() + ",\"created_at\":" + seconds_json(r.created_at) + "}";
  }
  out += "]";
  return http::Response::json(200, out);
}

http::Response DeleteApi::cancel(const http::Request& req) {
  auto t = api_.tenants(req, false);
  if (!t.ok()) return error_response(t.status_error());
  if (api_.tenant_limits((*t)[0])->deletion_mode == "disabled") return disabled();
  std::string id = param(req.query, "request_id");
  if (id.empty()) return error_response(util::invalid_argument("request_id parameter must be specified"));
  std::string force_text = param(req.query, "force");
  bool force = force_text == "true" || force_text == "1";
  if (!force_text.empty() && !force && force_text != "false" && force_text != "0") {
    return error_response(util::invalid_argument("invalid force parameter: " + force_text));
  }
  util::Status st = store_.cancel((*t)[0], id, force, clock_.now_ns(), options_.cancel_period);
  if (!st.ok()) return error_response(st.status_error());
  return http::Response::empty(204);
}

void register_forwarded_delete_routes(http::Server& server, const std::string& compactor_address,
                                      std::function<void(const std::string& tenant)> changed) {
  std::string base = compactor_address;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto pool = std::make_shared<httpclient::ConnectionPool>(4);
  auto forward = [base, pool, changed = std::move(changed)](const http::Request& req) {
    if (base.empty()) {
      return http::Response::text(404, "the delete API is served by the compactor (-target=all, compactor or backend); "
                                       "set common.compactor_address to forward it from this role\n");
    }
    httpclient::Request out;
    out.method = req.method;
    out.url = base + req.target;
    for (std::string_view name : {"X-Scope-OrgID", "Authorization", "Content-Type"}) {
      if (auto v = req.headers.get(name)) out.headers.push_back(std::string(name) + ": " + std::string(*v));
    }
    out.body = req.body;
    out.timeout_ms = 30'000;
    httpclient::Response in = pool->perform(out);
    if (!in.transport_ok()) {
      return http::Response::text(502, "forwarding the delete request to the compactor at " + base + ": " + in.error + "\n");
    }
    if (in.status / 100 == 2 && req.method != "GET" && changed) {
      changed(std::string(req.headers.get_or("X-Scope-OrgID", "fake")));
    }
    http::Response r{in.status, {}, std::move(in.body)};
    if (std::string_view ct = in.header("content-type"); !ct.empty()) r.headers.set("Content-Type", std::string(ct));
    return r;
  };
  for (const char* method : {"POST", "PUT", "GET", "DELETE"}) server.route(method, "/loki/api/v1/delete", forward);
}

}  // namespace logd
