// FrontendWorker: a querier's workers taking work from a query-frontend (Loki's
// frontend_worker.frontend_address): `parallelism` threads, each polling the frontend
// (POST /internal/v1/frontend/next), running what it gets with the executor, and handing the
// answer back with its next poll. When the frontend does not answer, a thread keeps its answers
// and polls again after a second (an answer the frontend already had, or gave up on, is ignored).
//
// Thread-safety: start/stop from one thread; the executor is called from the worker threads
// concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/wire.h"

namespace cluster {

using WorkExecutor = std::function<WorkResult(const WorkItem&)>;

struct FrontendWorkerOptions {
  std::string frontend_address;  // host:port of the frontend's internal API
  int parallelism = 10;
  std::string worker_id;  // unique per querier process; threads append "-<n>"
};

struct FrontendWorkerStats {
  uint64_t polls = 0;
  uint64_t poll_failures = 0;
  uint64_t items = 0;
};

class FrontendWorker {
 public:
  FrontendWorker(FrontendWorkerOptions options, WorkExecutor executor);
  ~FrontendWorker();  // stop()
  FrontendWorker(const FrontendWorker&) = delete;
  FrontendWorker& operator=(const FrontendWorker&) = delete;

  void start();
  void stop();  // abandons waiting polls; a running item finishes first
  FrontendWorkerStats stats() const;

 private:
  void run(int n, std::stop_token stop);

  const FrontendWorkerOptions options_;
  WorkExecutor executor_;
  std::atomic<bool> cancel_{false};
  std::atomic<uint64_t> polls_{0}, failures_{0}, items_{0};
  std::vector<std::jthread> threads_;
};

}  // namespace cluster
