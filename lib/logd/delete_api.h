// The delete API as Loki's compactor serves it, tenant-scoped like every route:
//   POST   /loki/api/v1/delete?query=<selector with line filters>&start=&end=&max_interval=  -> 204
//   GET    /loki/api/v1/delete                                   the tenant's requests (JSON)
//   DELETE /loki/api/v1/delete?request_id=<id>[&force=true]      cancel -> 204
// Requests hide matching entries from queries at once (the querier's wrapper) and, with
// deletion_mode filter-and-delete, are carried out in the chunks by the compactor pass after
// compactor.delete_request_cancel_period. deletion_mode disabled: 403.
//
// Thread-safety: handlers run concurrently; the store is thread-safe.
#pragma once

#include <functional>
#include <string>

#include "deletion/delete_store.h"
#include "http/message.h"
#include "http/server.h"
#include "logd/api.h"
#include "util/clock.h"

namespace logd {

// The tenant's deletion_mode comes from its limits (Api::tenant_limits), at each request.
struct DeleteApiOptions {
  int64_t cancel_period = 0;  // ns
};

class DeleteApi {
 public:
  DeleteApi(deletion::DeleteRequestStore& store, const Api& api, DeleteApiOptions options, util::Clock& clock)
      : store_(store), api_(api), options_(std::move(options)), clock_(clock) {}

  void register_routes(http::Server& server);

  http::Response add(const http::Request& req);
  http::Response list(const http::Request& req);
  http::Response cancel(const http::Request& req);

 private:
  deletion::DeleteRequestStore& store_;
  const Api& api_;
  const DeleteApiOptions options_;
  util::Clock& clock_;
};

// A role without the compactor (queriers, frontends, distributors run apart): the same routes
// forwarded to the compactor at `compactor_address` (common.compactor_address) with the caller's
// tenant and credentials, so a delete sent to any role lands where it is carried out. Without an
// address they answer 404 naming the key, never accept a request nothing would carry out.
// `changed` is called with the tenant after a forwarded POST/PUT/DELETE succeeded.
void register_forwarded_delete_routes(http::Server& server, const std::string& compactor_address,
                                      std::function<void(const std::string& tenant)> changed);

// Loki's model.Time in JSON: seconds with up to millisecond decimals ("1711929600.123").
std::string seconds_json(int64_t ns);

}  // namespace logd
