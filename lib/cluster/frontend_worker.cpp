#include "cluster/frontend_worker.h"

#include <condition_variable>
#include <mutex>

#include "cluster/frontend.h"
#include "httpclient/http_request.h"

namespace cluster {

FrontendWorker::FrontendWorker(FrontendWorkerOptions options, WorkExecutor executor)
    : options_(std::move(options)), executor_(std::move(executor)) {}

FrontendWorker::~FrontendWorker() { stop(); }

void FrontendWorker::start() {
  cancel_ = false;
  for (int i = 0; i < options_.parallelism; ++i) {
    threads_.emplace_back([this, i](std::stop_token stop) { run(i, stop); });
  }
}

void FrontendWorker::stop() {
  cancel_ = true;
  for (auto& t : threads_) t.request_stop();
  threads_.clear();  // joins
}

void FrontendWorker::run(int n, std::stop_token stop) {
  const std::string id = options_.worker_id + "-" + std::to_string(n);
  httpclient::Connection conn;  // one kept-alive connection per worker thread
  WorkerPoll poll;
  poll.worker = id;
  while (!stop.stop_requested()) {
    std::string body = encode_worker_poll(poll);
    httpclient::Request req;
    req.method = "POST";
    req.url = "http://" + options_.frontend_address + kFrontendPollPath;
    req.headers = {std::string("Content-Type: ") + kProtobufContentType, "Expect:"};
    req.body = body;
    req.timeout_ms = kFrontendPollWaitMs + 30'000;
    req.connect_timeout_ms = 2000;
    req.cancel = &cancel_;
    httpclient::Response resp = conn.perform(req);
    polls_.fetch_add(1);
    std::optional<std::vector<WorkItem>> items;
    if (resp.ok()) {
      auto decoded = decode_work_items(resp.body);
      if (decoded.ok()) items = std::move(*decoded);
    }
    if (!items) {
      failures_.fetch_add(1);
      // Keep the answers: the frontend may not have them yet.
      std::mutex mu;
      std::condition_variable_any cv;
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
      continue;
    }
    poll.results.clear();
    for (const auto& item : *items) {
      items_.fetch_add(1);
      poll.results.push_back(executor_(item));
      poll.results.back().id = item.id;
    }
  }
}

FrontendWorkerStats FrontendWorker::stats() const { return {polls_.load(), failures_.load(), items_.load()}; }

}  // namespace cluster
