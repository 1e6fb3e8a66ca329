// Loki's HTTP API over logd's distributor and querier: push, query, query_range, labels, label
// values, series, index/stats, format_query, tail (WebSocket), ready, metrics and buildinfo. A
// process serves the part its roles have: push with a distributor, the query routes with a querier.
// Each handler turns a request into Loki's response: its JSON shapes (json_response.h), its
// status codes, and its plain-text error bodies.
//
// Tenancy: with auth disabled every request is tenant "fake"; with auth enabled X-Scope-OrgID is
// required (401 "no org id"), pushes take exactly one valid tenant ID, and queries accept
// several joined by `|`.
//
// Thread-safety: handlers run concurrently on the server's threads; Api holds no mutable state
// of its own beyond what its (thread-safe) collaborators hold.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "http/server.h"
#include "http/websocket.h"
#include "ingest/tail_source.h"
#include "logd/distributor.h"
#include "logd/logger.h"
#include "logd/metrics.h"
#include "logd/request_params.h"
#include "logd/tenant_limits.h"
#include "query/detected_fields.h"
#include "query/executor.h"
#include "query/querier.h"
#include "util/cancellation.h"
#include "util/clock.h"
#include "util/result.h"

namespace logd {

struct ApiOptions {
  bool auth_enabled = false;
  // Each tenant's limits (query limits, tails, otlp_config); null: limits_config's defaults for all.
  std::shared_ptr<const TenantLimits> limits;
  int max_concurrent = 4;  // querier.max_concurrent: workers of one range metric query
  int64_t tail_max_duration = 3600LL * 1'000'000'000;  // ns a tail connection may stay open
  // Lines and labels a tail buffers for a client that reads slower than entries arrive; past it
  // entries are dropped and reported in dropped_entries. 0: only the 10,000-entry bound.
  size_t tail_max_buffered_bytes = 4 << 20;
  // The largest query request the read endpoints take: the URL's query string plus, for a POST,
  // the form body (the query, match[] and the other parameters). 0: unlimited.
  size_t max_query_bytes = 64 << 10;
  std::string version = "3.0.0-logd";
  // Request lines: every request at debug, 5xx answers at warn. Null: none.
  const Logger* logger = nullptr;
  // /ready: an error (answered 503 with its message) while the process cannot serve yet, or no
  // longer can (an ingester replaying its WAL, a role without its ring). Empty: always ready.
  std::function<util::Status()> ready;
  // False: the query routes are served by someone else (a query-frontend in this process); the
  // querier is then used for tails only.
  bool serve_queries = true;
  // pattern_ingester.enabled: false answers /loki/api/v1/patterns 404, as Loki's querier does.
  bool patterns_enabled = false;
};

class Api {
 public:
  // `querier` null: no query routes; `distributor` null: no push route; `tail` null: tails get
  // the backfill only. What is given must outlive the Api. `clock` gives "now" for default query
  // ranges.
  Api(ApiOptions options, query::Querier* querier, Distributor* distributor, ingest::TailSource* tail,
      Metrics& metrics, util::Clock& clock);

  // Registers the routes this process serves on `server` (before it starts).
  void register_routes(http::Server& server);
  // Registers another route, timed and logged as the API's own are (the /ring page, ...).
  void add_route(http::Server& server, const std::string& method, const std::string& path, const std::string& name,
                 http::Handler handler);
  void add_route_prefix(http::Server& server, const std::string& method, const std::string& prefix,
                        const std::string& name, http::Handler handler);

  http::Response push(const http::Request& req);
  // POST /otlp/v1/logs (otlp_api.cpp): OTLP logs, protobuf or JSON; 204, or an OTLP error.
  http::Response otlp_push(const http::Request& req);
  http::Response query_range(const http::Request& req);
  http::Response query(const http::Request& req);
  http::Response labels(const http::Request& req);
  http::Response label_values(const http::Request& req);  // /loki/api/v1/label/<name>/values
  http::Response series(const http::Request& req);
  http::Response index_stats(const http::Request& req);
  // Grafana Logs Drilldown (drilldown_api.cpp): index/volume, index/volume_range.
  http::Response volume(const http::Request& req);
  http::Response volume_range(const http::Request& req);
  http::Response detected_fields(const http::Request& req);
  http::Response detected_field_values(const http::Request& req);  // detected_field/<name>/values
  http::Response detected_labels(const http::Request& req);
  // /loki/api/v1/patterns (drilldown_api.cpp): the patterns the ingesters mined.
  http::Response patterns(const http::Request& req);
  http::Response format_query(const http::Request& req);
  http::Response ready(const http::Request& req);
  http::Response metrics(const http::Request& req);
  http::Response buildinfo(const http::Request& req);
  void tail(const http::Request& req, http::WebSocket& ws);
  // The checks a tail request passes before its upgrade: a refusal to send as plain HTTP, or
  // nullopt.
  std::optional<http::Response> tail_accept(const http::Request& req) const;

  // The tenant IDs of a request: ["fake"] without auth; the validated X-Scope-OrgID otherwise
  // (kUnauthenticated without one, kInvalidArgument for a bad one).
  util::Result<std::vector<std::string>> tenants(const http::Request& req, bool allow_multiple) const;
  // Query and form-body parameters merged (Loki accepts both on GET and POST); too large
  // (413) past max_query_bytes.
  util::Result<http::Params> params(const http::Request& req) const;
  // How far the server decodes a gzip/deflate body of this request: a push route's tenant's
  // max_decoded_push_bytes; on any other route, what a query or form may hold
  // (max(max_query_bytes, 1 MiB); 64 MiB when max_query_bytes is 0).
  size_t max_decoded_body(const http::Request& req) const;
  // 413 when the query string plus a POST's body pass max_query_bytes.
  util::Status check_query_size(const http::Request& req) const;
  const ApiOptions& options() const { return options_; }
  // The limits of a query over `tenants` (tenant_limits.h).
  query::Limits query_limits(const std::vector<std::string>& tenants) const;
  // One tenant's limits.
  std::shared_ptr<const LimitsConfig> tenant_limits(const std::string& tenant) const;
  // A query's cancellation: its deadline the query's query_timeout from now (a query-frontend's
  // piece run by a querier worker gets the same bound as a query sent to the querier directly).
  util::Cancellation query_cancellation(const query::Limits& limits) const;

 private:
  http::Response run_query(const http::Request& req, bool instant);
  http::Response run_volume(const http::Request& req, bool range);
  // Runs a detected-fields request's log query (backward, line_limit lines) and feeds every
  // line read to a detector keeping at most `field_limit` fields.
  util::Result<std::unique_ptr<query::FieldDetector>> detect_fields(const http::Request& req,
                                                                    const std::vector<std::string>& tenants,
                                                                    const DetectedFieldsRequest& r, size_t field_limit);

  class TailSlot;
  http::Handler timed(std::string route, http::Handler handler);

  ApiOptions options_;
  query::Querier* querier_;
  Distributor* distributor_;
  ingest::TailSource* ingester_;
  Metrics& metrics_;
  util::Clock& clock_;
  std::mutex tails_mu_;
  std::map<std::string, int64_t> tails_;  // open tails per org ID
};

// Loki's error answer: the status of the error's code, the message as a plain-text body (with
// the newline Go's http.Error adds).
http::Response error_response(const util::Error& error);

}  // namespace logd
