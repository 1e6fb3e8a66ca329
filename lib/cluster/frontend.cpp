#include "cluster/frontend.h"

#include <algorithm>
#include <chrono>

#include "cluster/ingester_client.h"

namespace cluster {

struct Frontend::Request {
  std::weak_ptr<Request> self;  // for the jobs enqueue_more() makes
  std::string tenant;
  std::vector<WorkItem> items;
  std::vector<WorkResult> results;
  size_t next_to_queue = 0;
  size_t outstanding = 0;  // queued or running
  size_t answered = 0;
  bool failed = false;
  util::Error error;
  std::condition_variable done;
};

struct Frontend::Job {
  uint64_t id = 0;
  std::shared_ptr<Request> request;
  size_t index = 0;
  int attempts = 0;
  bool running = false;
  int64_t started_ns = 0;
  std::string worker;
};

Frontend::Frontend(FrontendOptions options)
    : options_(options),
      clock_(options.clock ? *options.clock : util::system_clock()),
      queue_(options.max_outstanding_per_tenant) {
  if (options_.background_expiry) {
    expiry_ = std::jthread([this](std::stop_token stop) {
      const int64_t period = std::clamp<int64_t>(options_.piece_timeout_ns / 10, 100'000'000, 5'000'000'000);
      while (clock_.sleep_for(period, stop)) expire_in_flight();
    });
  }
}

Frontend::~Frontend() {
  if (expiry_.joinable()) {
    expiry_.request_stop();
    expiry_.join();
  }
}

void Frontend::enqueue_more(Request& request) {
  while (request.outstanding < options_.max_parallelism && request.next_to_queue < request.items.size()) {
    auto job = std::make_shared<Job>();
    job->id = next_id_++;
    job->index = request.next_to_queue++;
    job->request = request.self.lock();
    jobs_[job->id] = job;
    queue_.push_back(request.tenant, job->id);
    ++request.outstanding;
    ++counters_.pieces;
    work_.notify_one();
  }
}

util::Result<std::vector<WorkResult>> Frontend::run(const std::string& tenant, std::vector<WorkItem> items,
                                                    int64_t deadline_ns) {
  std::unique_lock lock(mu_);
  ++counters_.requests;
  const size_t n = items.size();
  if (n == 0) return std::vector<WorkResult>{};
  const size_t window = std::min(n, options_.max_parallelism);
  if (!queue_.fits(tenant, window)) {
    ++counters_.rejected;
    return util::rate_limited("too many outstanding requests");
  }
  auto request = std::make_shared<Request>();
  request->self = request;
  request->tenant = tenant;
  request->items = std::move(items);
  request->results.resize(n);
  enqueue_more(*request);

  while (!request->failed && request->answered < n) {
    if (clock_.now_ns() >= deadline_ns) {
      request->failed = true;
      request->error = util::deadline_exceeded("context deadline exceeded");
      break;
    }
    request->done.wait_for(lock, std::chrono::milliseconds(100));
  }
  // Given up or done: what is still queued or running for this request is dropped.
  std::vector<uint64_t> queued;
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second->request == request) {
      if (!it->second->running) queued.push_back(it->first);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
  queue_.remove(tenant, queued);
  if (request->failed) return request->error;
  return std::move(request->results);
}

void Frontend::finish(Job& job, WorkResult result) {
  Request& request = *job.request;
  request.results[job.index] = std::move(result);
  ++request.answered;
  --request.outstanding;
  auto keep = job.request;  // jobs_ may hold the last reference
  jobs_.erase(job.id);
  enqueue_more(request);
  request.done.notify_all();
}

void Frontend::fail_request(Request& request, util::Error error) {
  if (!request.failed) {
    request.failed = true;
    request.error = std::move(error);
  }
  request.done.notify_all();
}

void Frontend::retry_or_fail(Job& job, util::Error error) {
  if (++job.attempts > options_.max_retries) {
    fail_request(*job.request, std::move(error));
    return;
  }
  ++counters_.retries;
  job.running = false;
  job.worker.clear();
  queue_.push_front(job.request->tenant, job.id);
  work_.notify_one();
}

std::vector<WorkItem> Frontend::poll(const std::string& worker, std::vector<WorkResult> results, int64_t wait_ms) {
  std::unique_lock lock(mu_);
  const int64_t now = clock_.now_ns();
  workers_[worker] = now;
  for (auto& r : results) {
    auto it = jobs_.find(r.id);
    if (it == jobs_.end() || !it->second->running || it->second->worker != worker) continue;  // given up meanwhile
    std::shared_ptr<Job> job = it->second;
    const int status = r.error_status != 0 ? r.error_status : (r.is_query ? 200 : r.http.status);
    if (status >= 500) {
      std::string message = r.error_status != 0 ? r.error : r.http.body;
      while (!message.empty() && message.back() == '\n') message.pop_back();
      retry_or_fail(*job, util::Error{message, error_code_of_status(status)});
    } else if (r.error_status != 0) {
      fail_request(*job->request, util::Error{r.error, error_code_of_status(r.error_status)});
      jobs_.erase(it);
    } else {
      finish(*job, std::move(r));
    }
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  for (;;) {
    if (auto next = queue_.pop()) {
      auto it = jobs_.find(next->second);
      if (it == jobs_.end()) continue;
      Job& job = *it->second;
      job.running = true;
      job.started_ns = clock_.now_ns();
      job.worker = worker;
      WorkItem item = job.request->items[job.index];
      item.id = job.id;
      return {std::move(item)};
    }
    if (work_.wait_until(lock, until) == std::cv_status::timeout && queue_.total() == 0) return {};
  }
}

void Frontend::register_routes(http::Server& server) {
  server.route("POST", kFrontendPollPath, [this](const http::Request& req) {
    auto p = decode_worker_poll(req.body);
    if (!p.ok()) return http::Response::text(400, p.error() + "\n");
    http::Response r{200, {}, encode_work_items(poll(p->worker, std::move(p->results), kFrontendPollWaitMs))};
    r.headers.set("Content-Type", kProtobufContentType);
    return r;
  });
}

void Frontend::expire_in_flight() {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.now_ns();
  std::vector<std::shared_ptr<Job>> late;
  for (const auto& [id, job] : jobs_) {
    if (job->running && now - job->started_ns > options_.piece_timeout_ns) late.push_back(job);
  }
  for (const auto& job : late) {
    ++counters_.timeouts;
    retry_or_fail(*job, util::deadline_exceeded("querier " + job->worker + " did not answer a query piece in time"));
  }
}

util::Status Frontend::ready() const {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.now_ns();
  for (const auto& [worker, last] : workers_) {
    if (now - last <= options_.worker_window_ns) return {};
  }
  return util::unavailable("not ready: number of queriers connected to query-frontend is 0");
}

FrontendStats Frontend::stats() const {
  std::lock_guard lock(mu_);
  FrontendStats s = counters_;
  s.queued = queue_.sizes();
  for (const auto& [id, job] : jobs_) s.in_flight += job->running;
  const int64_t now = clock_.now_ns();
  for (const auto& [worker, last] : workers_) s.workers += now - last <= options_.worker_window_ns;
  return s;
}

}  // namespace cluster
