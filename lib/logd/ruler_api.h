// The ruler's HTTP API, as Loki serves it, tenant-scoped like every other route (X-Scope-OrgID
// with auth enabled, "fake" without):
//   GET    /loki/api/v1/rules                         every namespace's groups (YAML)
//   GET    /loki/api/v1/rules/{namespace}             one namespace (YAML)
//   GET    /loki/api/v1/rules/{namespace}/{group}     one group (YAML)
//   POST   /loki/api/v1/rules/{namespace}             add or replace a group (YAML body) -> 202
//   DELETE /loki/api/v1/rules/{namespace}/{group}     -> 202
//   DELETE /loki/api/v1/rules/{namespace}             -> 202
//   GET    /prometheus/api/v1/rules, /prometheus/api/v1/alerts   Prometheus's JSON shapes
// (the /rules routes also under Loki's legacy /api/prom/rules prefix). A change is validated first (400 with every
// problem), written to the rule store, and takes effect at once.
//
// Thread-safety: handlers run concurrently; store changes are serialized by the ruler's mutex.
#pragma once

#include <string>

#include "http/message.h"
#include "http/server.h"
#include "logd/api.h"
#include "ruler/ruler.h"

namespace logd {

class RulerApi {
 public:
  RulerApi(ruler::Ruler& ruler, const Api& api) : ruler_(ruler), api_(api) {}

  // `rules_api`: the /loki/api/v1/rules routes (ruler.enable_api); the Prometheus-shaped reads
  // are always served.
  void register_routes(http::Server& server, bool rules_api);

  http::Response list(const http::Request& req, const std::string& prefix);
  http::Response change(const http::Request& req, const std::string& prefix);
  http::Response prometheus_rules(const http::Request& req);
  http::Response prometheus_alerts(const http::Request& req);

 private:
  ruler::Ruler& ruler_;
  const Api& api_;
};

}  // namespace logd
