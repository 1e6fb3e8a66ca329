// What a querier does with a work item from the query-frontend (cluster::WorkItem): a piece of a
// split range query runs on the querier's engine and comes back typed (the frontend merges the
// pieces); any other request is answered by the querier's own HTTP API, exactly as if a client
// had sent it (so the frontend passes on Loki's status codes and bodies).
//
// Thread-safety: the executor may run on several worker threads at once (Api and Querier are
// thread-safe).
#pragma once

#include "cluster/frontend_worker.h"
#include "logd/api.h"
#include "query/querier.h"

namespace logd {

// `api` and `querier` must outlive the executor.
cluster::WorkExecutor make_work_executor(Api& api, query::Querier& querier);

}  // namespace logd
