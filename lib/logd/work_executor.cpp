#include "logd/work_executor.h"

#include "logd/forwarded_routes.h"
#include "query/executor.h"

namespace logd {
namespace {

cluster::WorkResult run_piece(Api& api, query::Querier& querier, const cluster::WorkItem& item) {
  cluster::WorkResult out;
  out.id = item.id;
  out.is_query = true;
  http::Request req;
  if (!item.org_id.empty()) req.headers.add("X-Scope-OrgID", item.org_id);
  auto tenants = api.tenants(req, /*allow_multiple=*/true);
  if (!tenants.ok()) {
    out.error_status = util::http_status_of(tenants.code());
    out.error = tenants.error();
    return out;
  }
  query::SourceFactory sources = [&]() { return querier.source(*tenants); };
  const query::Limits limits = api.query_limits(*tenants);
  util::Cancellation cancel = api.query_cancellation(limits);
  query::Outcome o = query::execute(item.query.query, item.query.params, sources, limits, &cancel);
  if (!o.status.ok()) {
    out.error_status = util::http_status_of(o.status.code());
    out.error = o.status.error();
    return out;
  }
  out.query.result = std::move(o.result);
  out.query.stats = o.stats;
  return out;
}

cluster::WorkResult run_http(Api& api, const cluster::WorkItem& item) {
  http::Request req;
  req.method = "GET";  // the frontend sends the parameters decoded, form body included
  req.path = item.http.path;
  req.target = item.http.path;
  for (const auto& [k, v] : item.http.params) req.query.emplace(k, v);
  for (const auto& [k, v] : item.http.headers) req.headers.add(k, v);
  if (!item.org_id.empty() && !req.headers.has("X-Scope-OrgID")) req.headers.add("X-Scope-OrgID", item.org_id);
  http::Response resp;
  const ForwardedRoute* route = find_forwarded_route(req.path);
  if (route) {
    resp = (api.*(route->handler))(req);
  } else if (req.path == "/loki/api/v1/query_range") {
    resp = api.query_range(req);
  } else {
    resp = http::Response::text(404, "404 page not found\n");
  }
  cluster::WorkResult out;
  out.id = item.id;
  out.http.status = resp.status;
  out.http.content_type = std::string(resp.headers.get_or("Content-Type", ""));
  out.http.body = std::move(resp.body);
  return out;
}

}  // namespace

cluster::WorkExecutor make_work_executor(Api& api, query::Querier& querier) {
  return [&api, &querier](const cluster::WorkItem& item) {
    return item.is_query ? run_piece(api, querier, item) : run_http(api, item);
  };
}

}  // namespace logd
