// Frontend: the query-frontend's scheduling (Loki's v1 frontend with its queue built in). A
// client request becomes work items (the pieces of a split range query, or one forwarded API
// request), queued fairly per tenant (TenantQueue); queriers' workers take them with poll() (over
// POST /internal/v1/frontend/next, see frontend_worker.h) and hand the answers back with their
// next poll. run() waits for every answer of its request.
//
// - At most max_parallelism items of one request are queued or running at once; the rest follow
//   as answers come in.
// - A request that would take the tenant past max_outstanding_per_tenant queued items is refused
//   at once (kRateLimited, "too many outstanding requests", answered 429).
// - A piece that fails with a server error (5xx, a querier that did not answer within
//   piece_timeout) is queued again, up to max_retries times; a client error (4xx) fails the
//   request with that answer.
// - Ready once a worker polled within the last worker_window: a frontend no querier takes work
//   from cannot answer queries.
//
// Thread-safety: every method may be called concurrently; one lock guards the queue and the
// requests. Waits are in real time (they are network waits) but deadlines and ages are read from
// the util::Clock, so tests drive expiry with a FakeClock.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/tenant_queue.h"
#include "http/server.h"
#include "cluster/wire.h"
#include "util/clock.h"
#include "util/result.h"

namespace cluster {

inline constexpr const char* kFrontendPollPath = "/internal/v1/frontend/next";
// How long a worker's poll waits for work before answering with none.
inline constexpr int64_t kFrontendPollWaitMs = 1000;

struct FrontendOptions {
  size_t max_outstanding_per_tenant = 2048;
  int max_retries = 5;
  size_t max_parallelism = 32;
  int64_t piece_timeout_ns = 65'000'000'000;   // query_timeout plus a margin
  int64_t worker_window_ns = 10'000'000'000;   // a worker that polled this recently counts as connected
  util::Clock* clock = nullptr;                // null: the system clock
  bool background_expiry = true;               // a thread requeues pieces past piece_timeout
};

struct FrontendStats {
  std::map<std::string, size_t> queued;  // per tenant
  size_t in_flight = 0;
  size_t workers = 0;  // polled within worker_window
  uint64_t requests = 0, rejected = 0, retries = 0, timeouts = 0, pieces = 0;
};

class Frontend {
 public:
  explicit Frontend(FrontendOptions options);
  ~Frontend();
  Frontend(const Frontend&) = delete;
  Frontend& operator=(const Frontend&) = delete;

  // Runs `items` for one client request of `tenant` (the X-Scope-OrgID as sent: the queue's key)
  // and returns their answers in the items' order, or the first failure. `deadline_ns` (on the
  // clock) bounds the wait: kDeadlineExceeded past it.
  util::Result<std::vector<WorkResult>> run(const std::string& tenant, std::vector<WorkItem> items, int64_t deadline_ns);

  // A worker hands in its answers and asks for work: returns at most one item, waiting up to
  // `wait_ms` (real time) for one; empty when there is none.
  std::vector<WorkItem> poll(const std::string& worker, std::vector<WorkResult> results, int64_t wait_ms);

  // POST kFrontendPollPath: a WorkerPoll in, the items for the worker out.
  void register_routes(http::Server& server);

  // Queues again the pieces whose worker has not answered within piece_timeout (the background
  // thread calls it; tests call it).
  void expire_in_flight();

  util::Status ready() const;
  FrontendStats stats() const;

 private:
  struct Request;
  struct Job;

  void enqueue_more(Request& request);  // fills the parallelism window; under mu_
  void finish(Job& job, WorkResult result);
  void fail_request(Request& request, util::Error error);
  void retry_or_fail(Job& job, util::Error error);

  const FrontendOptions options_;
  util::Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable work_;  // a job was queued
  TenantQueue queue_;
  std::map<uint64_t, std::shared_ptr<Job>> jobs_;  // queued or running
  std::map<std::string, int64_t> workers_;        // last poll per worker
  uint64_t next_id_ = 1;
  FrontendStats counters_;
  std::jthread expiry_;
};

}  // namespace cluster
