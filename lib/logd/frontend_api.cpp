#include "logd/frontend_api.h"

#include "cluster/query_split.h"
#include "golang/duration.h"
#include "logd/forwarded_routes.h"
#include "logd/json_response.h"
#include "logd/request_params.h"
#include "logql/parser.h"
#include "model/time.h"
#include "query/encoding_flags.h"
#include "query/result_merge.h"

namespace logd {
namespace {

// The queue's key: the org ID as sent (Loki queues a multi-tenant query under "a|b").
std::string queue_key(const http::Request& req) { return std::string(req.headers.get_or("X-Scope-OrgID", "fake")); }

}  // namespace

FrontendApi::FrontendApi(FrontendApiOptions options, cluster::Frontend& frontend, Api& api, util::Clock& clock)
    : options_(options), frontend_(frontend), api_(api), clock_(clock) {}

void FrontendApi::register_routes(http::Server& server) {
  for (const char* method : {"GET", "POST"}) {
    api_.add_route(server, method, "/loki/api/v1/query_range", "loki_api_v1_query_range",
                   [this](const http::Request& req) { return query_range(req); });
    for (const ForwardedRoute& r : forwarded_routes()) {
      auto forward = [this](const http::Request& req) { return this->forward(req); };
      if (r.prefix) {
        api_.add_route_prefix(server, method, r.path, r.name, forward);
      } else {
        api_.add_route(server, method, r.path, r.name, forward);
      }
    }
  }
}

http::Response FrontendApi::query_range(const http::Request& req) {
  auto tenants = api_.tenants(req, true);
  if (!tenants.ok()) return error_response(tenants.status_error());
  auto p = api_.params(req);
  if (!p.ok()) return error_response(p.status_error());
  const int64_t now = clock_.now_ns();
  auto q = parse_range_query(*p, now);
  if (!q.ok()) return error_response(q.status_error());
  // Loki's categorize-labels travels with each piece; the merge keeps each entry's categories.
  const bool categorized = query::has_categorize_labels(req.headers.get_or(query::kEncodingFlagsHeader, ""));
  q->params.categorize_labels = categorized;
  auto expr = logql::parse(q->query);
  if (!expr.ok()) return error_response(expr.status_error());
  const query::Limits limits = api_.query_limits(*tenants);
  // Checked on the whole query: its pieces are each shorter.
  if (limits.max_query_length > 0 && q->params.end - q->params.start > limits.max_query_length) {
    return error_response(util::invalid_argument(
        "the query time range exceeds the limit (query length: " +
        golang::format_duration(q->params.end - q->params.start) +
        ", limit: " + golang::format_duration(limits.max_query_length) + ")"));
  }
  const bool log_query = expr->is_log_query();
  std::vector<logql::QueryParams> pieces =
      cluster::split_by_interval(q->params, log_query, options_.split_queries_by_interval);
  std::vector<cluster::WorkItem> items;
  items.reserve(pieces.size());
  for (const auto& piece : pieces) {
    cluster::WorkItem item;
    item.org_id = std::string(req.headers.get_or("X-Scope-OrgID", ""));
    item.is_query = true;
    item.query.query = q->query;
    item.query.params = piece;
    items.push_back(std::move(item));
  }
  auto answers = frontend_.run(queue_key(req), std::move(items), now + limits.query_timeout);
  if (!answers.ok()) return error_response(answers.status_error());
  std::vector<logql::QueryResult> results;
  query::ExecStats stats;
  stats.splits = 0;
  for (auto& a : *answers) {
    stats.lines_processed += a.query.stats.lines_processed;
    stats.bytes_processed += a.query.stats.bytes_processed;
    stats.exec_seconds = std::max(stats.exec_seconds, a.query.stats.exec_seconds);
    stats.splits += a.query.stats.splits;
    results.push_back(std::move(a.query.result));
  }
  logql::QueryResult merged = log_query ? query::merge_stream_pieces(std::move(results), q->params.direction,
                                                                     q->params.limit)
                                        : query::merge_matrix_pieces(std::move(results));
  if (!log_query && limits.max_query_series != 0 && merged.matrix.size() > limits.max_query_series) {
    return error_response(util::invalid_argument(
        "maximum number of series (" + std::to_string(limits.max_query_series) +
        ") reached for a single query; consider reducing query cardinality by adding more specific stream "
        "selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()"));
  }
  for (const auto& s : merged.streams) stats.entries_returned += s.entries.size();
  return http::Response::json(200, encode_query_response(merged, stats, categorized));
}

http::Response FrontendApi::forward(const http::Request& req) {
  auto p = api_.params(req);
  if (!p.ok()) return error_response(p.status_error());
  cluster::WorkItem item;
  item.org_id = std::string(req.headers.get_or("X-Scope-OrgID", ""));
  item.http.method = req.method;
  item.http.path = req.path;
  for (const auto& [k, v] : *p) item.http.params.emplace_back(k, v);
  // Headers the querier's API reads besides the org ID (which travels as org_id).
  if (auto flags = req.headers.get(query::kEncodingFlagsHeader))
    item.http.headers.emplace_back(std::string(query::kEncodingFlagsHeader), std::string(*flags));
  // The tenant's query_timeout; a request without a valid org ID gets the defaults' (the querier
  // answers it with the error).
  auto tenants = api_.tenants(req, true);
  const int64_t timeout = api_.query_limits(tenants.ok() ? *tenants : std::vector<std::string>{}).query_timeout;
  auto answers = frontend_.run(queue_key(req), {std::move(item)}, clock_.now_ns() + timeout);
  if (!answers.ok()) return error_response(answers.status_error());
  cluster::ForwardedResponse& a = (*answers)[0].http;
  http::Response r{a.status, {}, std::move(a.body)};
  if (!a.content_type.empty()) r.headers.set("Content-Type", a.content_type);
  return r;
}

}  // namespace logd
