#include "logd/api.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "golang/duration.h"
#include "http/url.h"
#include "logd/json_response.h"
#include "logd/request_params.h"
#include "logql/parser.h"
#include "logql/printer.h"
#include "golang/quote.h"
#include "model/time.h"
#include "push/tenant.h"
#include "query/encoding_flags.h"

namespace logd {
namespace {

constexpr const char* kFakeTenant = "fake";  // Loki's tenant when auth_enabled is false
constexpr int64_t kLabelsLookback = 6 * model::kNanosPerHour;  // Loki's default for label/series APIs

ApiOptions with_default_limits(ApiOptions o) {
  if (!o.limits) o.limits = std::make_shared<const TenantLimits>(LimitsConfig{});
  return o;
}

}  // namespace

http::Response error_response(const util::Error& error) {
  return http::Response::text(util::http_status_of(error.code), error.message + "\n");
}

Api::Api(ApiOptions options, query::Querier* querier, Distributor* distributor, ingest::TailSource* ingester,
         Metrics& metrics, util::Clock& clock)
    : options_(with_default_limits(std::move(options))),
      querier_(querier),
      distributor_(distributor),
      ingester_(ingester),
      metrics_(metrics),
      clock_(clock) {}

util::Result<std::vector<std::string>> Api::tenants(const http::Request& req, bool allow_multiple) const {
  if (!options_.auth_enabled) return std::vector<std::string>{kFakeTenant};
  auto org = req.headers.get("X-Scope-OrgID");
  if (!org || org->empty()) return util::unauthenticated("no org id");
  if (!allow_multiple) {
    if (auto st = push::validate_tenant_id(*org); !st.ok()) return st.status_error();
    return std::vector<std::string>{std::string(*org)};
  }
  return push::split_tenant_ids(*org);
}

size_t Api::max_decoded_body(const http::Request& req) const {
  if (distributor_ && (req.path == "/loki/api/v1/push" || req.path == "/otlp/v1/logs")) {
    auto t = tenants(req, /*allow_multiple=*/false);
    if (t.ok()) return max_decoded_push_bytes(*tenant_limits((*t)[0]));
  }
  if (options_.max_query_bytes == 0) return size_t{64} << 20;
  return std::max(options_.max_query_bytes, size_t{1} << 20);
}

util::Status Api::check_query_size(const http::Request& req) const {
  if (options_.max_query_bytes == 0) return {};
  size_t q = req.target.find('?');
  size_t n = q == std::string::npos ? 0 : req.target.size() - q - 1;
  if (req.method == "POST") n += req.body.size();
  if (n <= options_.max_query_bytes) return {};
  return util::too_large("query request too large: " + std::to_string(n) + " bytes of parameters, the limit is " +
                         std::to_string(options_.max_query_bytes) + " (server.http_max_query_bytes)");
}

util::Result<http::Params> Api::params(const http::Request& req) const {
  if (auto st = check_query_size(req); !st.ok()) return st.status_error();
  http::Params p = req.query;
  if (req.method == "POST") {
    if (auto st = http::merge_form_body(req, p); !st.ok()) return st.status_error();
  }
  return p;
}

http::Handler Api::timed(std::string route, http::Handler handler) {
  // Every route is timed under its path, Loki's `route` label style.
  return [this, route = std::move(route), handler = std::move(handler)](const http::Request& req) {
    auto started = std::chrono::steady_clock::now();
    http::Response resp = handler(req);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string code = std::to_string(resp.status);
    metrics_.requests.add({route, code}, 1);
    metrics_.request_duration.observe({route, code}, secs);
    LogLevel level = resp.status >= 500 ? LogLevel::kWarn : LogLevel::kDebug;
    if (options_.logger && options_.logger->enabled(level)) {
      std::string fields = "method=" + req.method + " path=" + golang::quote(req.path) +
                           " status=" + code + " duration=" + golang::format_duration(
                               static_cast<int64_t>(secs * 1e9));
      if (resp.status >= 500) fields += " err=" + golang::quote(resp.body);
      options_.logger->log(level, "request", fields);
    }
    return resp;
  };
}

void Api::add_route(http::Server& server, const std::string& method, const std::string& path, const std::string& name,
                    http::Handler handler) {
  server.route(method, path, timed(name, std::move(handler)));
}

void Api::add_route_prefix(http::Server& server, const std::string& method, const std::string& prefix,
                           const std::string& name, http::Handler handler) {
  server.route_prefix(method, prefix, timed(name, std::move(handler)));
}

void Api::register_routes(http::Server& server) {
  auto timed = [this](std::string route, http::Response (Api::*handler)(const http::Request&)) {
    return this->timed(std::move(route), [this, handler](const http::Request& req) { return (this->*handler)(req); });
  };
  if (distributor_) {
    server.route("POST", "/loki/api/v1/push", timed("loki_api_v1_push", &Api::push));
    server.route("POST", "/otlp/v1/logs", timed("otlp_v1_logs", &Api::otlp_push));
  }
  for (const char* method : {"GET", "POST"}) {
    if (!querier_ || !options_.serve_queries) break;
    server.route(method, "/loki/api/v1/query_range", timed("loki_api_v1_query_range", &Api::query_range));
    server.route(method, "/loki/api/v1/query", timed("loki_api_v1_query", &Api::query));
    server.route(method, "/loki/api/v1/labels", timed("loki_api_v1_labels", &Api::labels));
    server.route(method, "/loki/api/v1/label", timed("loki_api_v1_labels", &Api::labels));
    server.route_prefix(method, "/loki/api/v1/label/", timed("loki_api_v1_label_name_values", &Api::label_values));
    server.route(method, "/loki/api/v1/series", timed("loki_api_v1_series", &Api::series));
    server.route(method, "/loki/api/v1/index/stats", timed("loki_api_v1_index_stats", &Api::index_stats));
    server.route(method, "/loki/api/v1/index/volume", timed("loki_api_v1_index_volume", &Api::volume));
    server.route(method, "/loki/api/v1/index/volume_range",
                 timed("loki_api_v1_index_volume_range", &Api::volume_range));
    server.route(method, "/loki/api/v1/detected_fields", timed("loki_api_v1_detected_fields", &Api::detected_fields));
    server.route_prefix(method, "/loki/api/v1/detected_field/",
                        timed("loki_api_v1_detected_field_name_values", &Api::detected_field_values));
    server.route(method, "/loki/api/v1/detected_labels", timed("loki_api_v1_detected_labels", &Api::detected_labels));
    server.route(method, "/loki/api/v1/patterns", timed("loki_api_v1_patterns", &Api::patterns));
    server.route(method, "/loki/api/v1/format_query", timed("loki_api_v1_format_query", &Api::format_query));
  }
  server.route("GET", "/ready", timed("ready", &Api::ready));
  server.route("GET", "/metrics", timed("metrics", &Api::metrics));
  server.route("GET", "/loki/api/v1/status/buildinfo", timed("loki_api_v1_status_buildinfo", &Api::buildinfo));
  if (querier_) {
    server.websocket(
        "/loki/api/v1/tail", [this](const http::Request& req, http::WebSocket& ws) { tail(req, ws); },
        [this](const http::Request& req) { return tail_accept(req); });
  }
}

http::Response Api::push(const http::Request& req) {
  auto t = tenants(req, /*allow_multiple=*/false);
  if (!t.ok()) return error_response(t.status_error());
  util::Status st = distributor_->push((*t)[0], req.headers.get_or("Content-Type", ""),
                                      req.headers.get_or("Content-Encoding", ""), req.body);
  if (st.ok()) return http::Response::empty(204);
  return error_response(st.status_error());
}

query::Limits Api::query_limits(const std::vector<std::string>& tenants) const {
  return logd::query_limits(*options_.limits, tenants, options_.max_concurrent);
}

std::shared_ptr<const LimitsConfig> Api::tenant_limits(const std::string& tenant) const {
  return options_.limits->get(tenant);
}

util::Cancellation Api::query_cancellation(const query::Limits& limits) const {
  const int64_t timeout = limits.query_timeout;
  return util::Cancellation(clock_, timeout > 0 ? clock_.now_ns() + timeout : 0);
}

http::Response Api::run_query(const http::Request& req, bool instant) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  const int64_t now = clock_.now_ns();
  auto q = instant ? parse_instant_query(*p, now) : parse_range_query(*p, now);
  if (!q.ok()) return error_response(q.status_error());
  const bool categorized = query::has_categorize_labels(req.headers.get_or(query::kEncodingFlagsHeader, ""));
  q->params.categorize_labels = categorized;
  if (q->limit_wrapped_to_zero && !instant) {
    // Loki's readStreams stops before the first entry at limit 0: a log query answers no streams.
    if (auto expr = logql::parse(q->query); expr.ok() && expr->is_log_query()) {
      logql::QueryResult none;
      none.type = logql::ResultType::Streams;
      return http::Response::json(200, encode_query_response(none, query::ExecStats{}, categorized));
    }
  }
  auto started = std::chrono::steady_clock::now();
  query::SourceFactory sources = [&]() { return querier_->source(*t); };
  // query_timeout and a client that hangs up both stop the evaluation where it is.
  const query::Limits limits = query_limits(*t);
  util::Cancellation cancel = query_cancellation(limits);
  if (req.client_gone) cancel.set_probe(req.client_gone);
  query::Outcome out = query::execute(q->query, q->params, sources, limits, &cancel);
  metrics_.query_duration.observe({instant ? "instant" : "range"},
                                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!out.status.ok()) return error_response(out.status.status_error());
  return http::Response::json(200, encode_query_response(out.result, out.stats, categorized));
}

http::Response Api::query_range(const http::Request& req) { return run_query(req, false); }
http::Response Api::query(const http::Request& req) { return run_query(req, true); }

http::Response Api::labels(const http::Request& req) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto range = parse_time_range(*p, clock_.now_ns(), kLabelsLookback);
  if (!range.ok()) return error_response(range.status_error());
  auto names = querier_->label_names(*t, range->start, range->end);
  if (!names.ok()) return error_response(util::internal(names.error()));
  return http::Response::json(200, encode_string_list(*names));
}

http::Response Api::label_values(const http::Request& req) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  // /loki/api/v1/label/<name>/values
  auto found = name_before_values(req.path, "/loki/api/v1/label/");
  if (!found) return error_response(util::not_found("404 page not found"));
  const std::string& name = *found;
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto range = parse_time_range(*p, clock_.now_ns(), kLabelsLookback);
  if (!range.ok()) return error_response(range.status_error());
  std::vector<logql::ast::Matcher> matchers;
  if (std::string q = param(*p, "query"); !q.empty()) {
    auto m = logql::parse_matchers(q);
    if (!m.ok()) return error_response(m.status_error());
    matchers = std::move(*m);
  }
  auto values = querier_->label_values(*t, name, matchers, range->start, range->end);
  if (!values.ok()) return error_response(util::internal(values.error()));
  return http::Response::json(200, encode_string_list(*values));
}

http::Response Api::series(const http::Request& req) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto range = parse_time_range(*p, clock_.now_ns(), kLabelsLookback);
  if (!range.ok()) return error_response(range.status_error());
  auto groups = parse_match_params(*p);
  if (!groups.ok()) return error_response(groups.status_error());
  if (groups->empty()) groups->push_back({});  // Loki allows an empty match: every series
  std::set<model::LabelSet> all;
  for (const auto& matchers : *groups) {
    auto s = querier_->series(*t, matchers, range->start, range->end);
    if (!s.ok()) return error_response(util::internal(s.error()));
    all.insert(s->begin(), s->end());
  }
  return http::Response::json(200, encode_series(std::vector<model::LabelSet>(all.begin(), all.end())));
}

http::Response Api::index_stats(const http::Request& req) {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto range = parse_time_range(*p, clock_.now_ns(), model::kNanosPerHour);
  if (!range.ok()) return error_response(range.status_error());
  auto expr = logql::parse(param(*p, "query"));
  if (!expr.ok()) return error_response(expr.status_error());
  // Stats are per selector: the first stream selector of the query (Loki uses its matchers).
  std::vector<logql::ast::Matcher> matchers;
  if (auto* sel = std::get_if<logql::ast::LogSelector>(&expr->node)) {
    matchers = sel->matchers;
  } else {
    auto m = logql::parse_matchers(param(*p, "query"));
    if (!m.ok()) return error_response(util::prefixed("index stats need a stream selector: ", m.status_error()));
    matchers = std::move(*m);
  }
  auto s = querier_->stats(*t, matchers, range->start, range->end);
  if (!s.ok()) return error_response(util::internal(s.error()));
  return http::Response::json(200, encode_index_stats(*s));
}

http::Response Api::format_query(const http::Request& req) {
  auto p = params(req);
  if (!p.ok()) return error_response(p.status_error());
  auto expr = logql::parse(param(*p, "query"));
  if (!expr.ok()) return error_response(expr.status_error());
  return http::Response::json(200, encode_format_query(logql::prettify(*expr)));
}

http::Response Api::ready(const http::Request&) {
  if (options_.ready) {
    if (util::Status st = options_.ready(); !st.ok()) return http::Response::text(503, st.error() + "\n");
  }
  return http::Response::text(200, "ready\n");
}

http::Response Api::metrics(const http::Request&) {
  http::Response r = http::Response::text(200, metrics_.render());
  r.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return r;
}

http::Response Api::buildinfo(const http::Request&) {
  return http::Response::json(200, "{\"version\":\"" + options_.version +
                                       "\",\"revision\":\"\",\"branch\":\"\",\"buildUser\":\"\",\"buildDate\":\"\","
                                       "\"goVersion\":\"\"}");
}

}  // namespace logd
