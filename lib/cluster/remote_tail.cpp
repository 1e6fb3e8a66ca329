#include "cluster/remote_tail.h"

#include <functional>
#include <set>
#include <thread>

namespace cluster {
namespace {

constexpr int64_t kSeenWindowNs = 120'000'000'000;       // replicas deliver within seconds; keep two minutes
constexpr auto kRingCheck = std::chrono::seconds(1);     // how often the subscription follows the ring
constexpr auto kReopenDelay = std::chrono::seconds(1);   // after a session broke or failed to open

// Sleeps `d` unless `stop` is requested first; false when stopped.
bool pause(std::stop_token stop, std::chrono::milliseconds d) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  return !cv.wait_for(lock, stop, d, [] { return false; });
}

}  // namespace

bool SeenEntries::first_time(const model::LabelSet& stream, const model::Entry& entry, int64_t now_ns) {
  uint64_t key = stream.fingerprint();
  key = key * 0x9E3779B97F4A7C15ULL ^ std::hash<std::string_view>{}(entry.line);
  key = key * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(entry.timestamp);
  std::lock_guard lock(mu_);
  if (now_ns - last_prune_ > window_ns_ / 4) {
    std::erase_if(seen_, [&](const auto& kv) { return now_ns - kv.second > window_ns_; });
    last_prune_ = now_ns;
  }
  return seen_.emplace(key, now_ns).second;
}

// One ingester's tail session, polled on its own thread until stopped.
class IngesterTail {
 public:
  IngesterTail(std::shared_ptr<IngesterClient> client, std::string tenant,
               std::function<void(const model::LabelSet&, const model::Entry&)> deliver)
      : client_(std::move(client)), tenant_(std::move(tenant)), deliver_(std::move(deliver)) {
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  }
  ~IngesterTail() {
    cancel_ = true;
    thread_.request_stop();
    thread_.join();
  }

 private:
  void run(std::stop_token stop) {
    while (!stop.stop_requested()) {
      auto session = client_->tail_open(tenant_);
      if (!session.ok()) {
        if (!pause(stop, kReopenDelay)) return;
        continue;
      }
      while (!stop.stop_requested()) {
        auto batch = client_->tail_poll(*session, &cancel_);
        if (!batch.ok()) break;  // the ingester restarted or went away: reopen
        for (const auto& [stream, entry] : batch->entries) deliver_(batch->streams[stream], entry);
      }
      client_->tail_close(*session);
      if (!pause(stop, kReopenDelay)) return;
    }
  }

  std::shared_ptr<IngesterClient> client_;
  std::string tenant_;
  std::function<void(const model::LabelSet&, const model::Entry&)> deliver_;
  std::atomic<bool> cancel_{false};
  std::jthread thread_;
};

class RemoteTail::Subscription {
 public:
  Subscription(ring::Ring& ring, IngesterClients& clients, std::string tenant, TailCallback callback)
      : ring_(ring), clients_(clients), tenant_(std::move(tenant)), callback_(std::move(callback)),
        seen_(kSeenWindowNs) {
    follow_ring();  // sessions on the current ingesters before subscribe() returns
    thread_ = std::jthread([this](std::stop_token stop) {
      while (pause(stop, kRingCheck)) follow_ring();
    });
  }
  ~Subscription() {
    thread_.request_stop();
    thread_.join();
    std::lock_guard lock(mu_);
    tails_.clear();  // joins the pollers
  }

 private:
  void follow_ring() {
    std::set<std::string> want;
    for (const auto& inst : ring_.get_all_healthy(ring::kRead).instances) want.insert(inst.addr);
    std::lock_guard lock(mu_);
    std::erase_if(tails_, [&](const auto& kv) { return !want.count(kv.first); });
    for (const auto& addr : want) {
      if (tails_.count(addr)) continue;
      tails_[addr] = std::make_unique<IngesterTail>(
          clients_.get(addr), tenant_, [this](const model::LabelSet& stream, const model::Entry& entry) {
            if (seen_.first_time(stream, entry, ring_.clock().now_ns())) callback_(stream, entry);
          });
    }
  }

  ring::Ring& ring_;
  IngesterClients& clients_;
  std::string tenant_;
  TailCallback callback_;
  SeenEntries seen_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<IngesterTail>> tails_;  // by address
  std::jthread thread_;
};

RemoteTail::RemoteTail(ring::Ring& ring, IngesterClients& clients) : ring_(ring), clients_(clients) {}

RemoteTail::~RemoteTail() {
  std::map<uint64_t, std::unique_ptr<Subscription>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(subscriptions_);
  }
}

uint64_t RemoteTail::subscribe(const std::string& tenant, TailCallback on_entry) {
  auto sub = std::make_unique<Subscription>(ring_, clients_, tenant, std::move(on_entry));
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  subscriptions_[id] = std::move(sub);
  return id;
}

void RemoteTail::unsubscribe(uint64_t id) {
  std::unique_ptr<Subscription> sub;
  {
    std::lock_guard lock(mu_);
    auto it = subscriptions_.find(id);
    if (it == subscriptions_.end()) return;
    sub = std::move(it->second);
    subscriptions_.erase(it);
  }
}

}  // namespace cluster
