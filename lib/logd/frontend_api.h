// The query-frontend's side of Loki's HTTP API: query_range is split by
// split_queries_by_interval and its pieces run on the queriers (through cluster::Frontend's fair
// queue), then merged into one answer; the other read endpoints (query, labels, label values,
// series, index/stats, volume, detected fields and labels, patterns, format_query) are forwarded
// whole to a querier, whose answer is passed on as it is. Tails are served by the Api of the
// same process.
//
// Thread-safety: handlers run concurrently; the frontend and the Api are thread-safe.
#pragma once

#include <cstdint>

#include "cluster/frontend.h"
#include "http/server.h"
#include "logd/api.h"
#include "util/clock.h"

namespace logd {

struct FrontendApiOptions {
  int64_t split_queries_by_interval = 0;  // ns; 0: range queries go whole to one querier
};

class FrontendApi {
 public:
  // `frontend` and `api` (for tenants, limits and timed routes) must outlive this.
  FrontendApi(FrontendApiOptions options, cluster::Frontend& frontend, Api& api, util::Clock& clock);

  void register_routes(http::Server& server);

  http::Response query_range(const http::Request& req);
  http::Response forward(const http::Request& req);

 private:
  FrontendApiOptions options_;
  cluster::Frontend& frontend_;
  Api& api_;
  util::Clock& clock_;
};

}  // namespace logd
