// The read calls a query-frontend hands whole to a querier (everything but query_range, which it
// splits): one table, so the routes the frontend registers and the ones the querier's work
// executor answers cannot drift apart (they did: Drilldown's calls were forwarded by the frontend
// and answered 404 by the querier).
//
// Thread-safety: an immutable table.
#pragma once

#include <string_view>
#include <vector>

#include "http/message.h"

namespace logd {

class Api;

struct ForwardedRoute {
  const char* path;  // exact path, or a prefix when `prefix`
  bool prefix;
  const char* name;  // the route's name in metrics (Loki's)
  http::Response (Api::*handler)(const http::Request&);
};

const std::vector<ForwardedRoute>& forwarded_routes();

// The route answering `path`, or nullptr.
const ForwardedRoute* find_forwarded_route(std::string_view path);

}  // namespace logd
