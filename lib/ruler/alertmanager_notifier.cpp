#include "ruler/alertmanager_notifier.h"

#include <nlohmann/json.hpp>

#include "model/time.h"
#include "relabel/relabel.h"

namespace ruler {
namespace {

constexpr size_t kMaxBatch = 64;  // Prometheus's maxBatchSize

std::string endpoint(std::string base, bool v2) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + (v2 ? "/api/v2/alerts" : "/api/v1/alerts");
}

}  // namespace

std::string encode_alerts_json(const std::vector<NotifierAlert>& alerts) {
  nlohmann::json arr = nlohmann::json::array();
  for (const NotifierAlert& a : alerts) {
    nlohmann::json j;
    nlohmann::json labels = nlohmann::json::object(), annotations = nlohmann::json::object();
    for (const auto& l : a.labels) labels[l.name] = l.value;
    for (const auto& [k, v] : a.annotations) annotations[k] = v;
    j["labels"] = labels;
    j["annotations"] = annotations;
    if (a.starts_at != 0) j["startsAt"] = model::format_rfc3339nano(a.starts_at);
    if (a.ends_at != 0) j["endsAt"] = model::format_rfc3339nano(a.ends_at);
    j["generatorURL"] = a.generator_url;
    arr.push_back(std::move(j));
  }
  return arr.dump();
}

AlertmanagerNotifier::AlertmanagerNotifier(AlertmanagerConfig config, std::string tenant, util::Clock& clock)
    : config_(std::move(config)), tenant_(std::move(tenant)), clock_(clock) {
  for (const std::string& u : config_.urls) {
    auto t = std::make_unique<Target>();
    t->url = endpoint(u, config_.api_v2);
    t->counters.url = u;
    targets_.push_back(std::move(t));
  }
}

AlertmanagerNotifier::~AlertmanagerNotifier() { stop(); }

void AlertmanagerNotifier::start() {
  std::lock_guard lock(mu_);
  if (started_) return;
  started_ = true;
  for (auto& t : targets_) {
    Target* p = t.get();
    t->thread = std::thread([this, p] { run(*p); });
  }
}

void AlertmanagerNotifier::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_.stop_requested()) return;
    stop_.request_stop();
  }
  cv_.notify_all();
  for (auto& t : targets_) {
    if (t->thread.joinable()) t->thread.join();
  }
}

void AlertmanagerNotifier::send(std::vector<NotifierAlert> alerts) {
  std::vector<NotifierAlert> ready;
  for (NotifierAlert& a : alerts) {
    for (const auto& l : config_.external_labels) {
      if (!a.labels.has(l.name)) a.labels.set(l.name, l.value);
    }
    if (!config_.relabel_configs.empty()) {
      auto r = relabel::relabel(a.labels, config_.relabel_configs);
      if (!r) continue;  // dropped by a relabel rule
      a.labels = std::move(*r);
    }
    ready.push_back(std::move(a));
  }
  if (ready.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (auto& t : targets_) {
      for (const NotifierAlert& a : ready) {
        if (t->queue.size() >= config_.queue_capacity) {
          t->queue.pop_front();  // the oldest goes: newer state matters more
          ++t->counters.dropped;
        }
        t->queue.push_back(a);
      }
      t->counters.queue_length = t->queue.size();
    }
  }
  cv_.notify_all();
}

std::vector<AlertmanagerCounters> AlertmanagerNotifier::counters() const {
  std::lock_guard lock(mu_);
  std::vector<AlertmanagerCounters> out;
  for (const auto& t : targets_) out.push_back(t->counters);
  return out;
}

void AlertmanagerNotifier::run(Target& t) {
  std::stop_token stop = stop_.get_token();
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, stop, [&] { return !t.queue.empty(); });
    if (stop.stop_requested()) return;
    size_t n = std::min(kMaxBatch, t.queue.size());
    std::vector<NotifierAlert> batch(t.queue.begin(), t.queue.begin() + static_cast<long>(n));
    t.queue.erase(t.queue.begin(), t.queue.begin() + static_cast<long>(n));
    t.counters.queue_length = t.queue.size();
    lock.unlock();

    std::string body = encode_alerts_json(batch);
    httpclient::Request req;
    req.method = "POST";
    req.url = t.url;
    req.body = body;
    req.timeout_ms = config_.timeout_ns / 1'000'000;
    req.connect_timeout_ms = std::min<int64_t>(req.timeout_ms, 10'000);
    req.tls = config_.tls;
    req.headers = {"Content-Type: application/json", "User-Agent: logd-ruler", "Expect:"};
    if (!tenant_.empty()) req.headers.push_back("X-Scope-OrgID: " + tenant_);
    if (!config_.authorization_credentials.empty()) {
      req.headers.push_back("Authorization: " + config_.authorization_type + " " + config_.authorization_credentials);
    }
    if (!config_.basic_auth_username.empty()) req.userpwd = config_.basic_auth_username + ":" + config_.basic_auth_password;
    bool delivered = false;
    for (int attempt = 0; attempt < std::max(1, config_.max_attempts) && !stop.stop_requested(); ++attempt) {
      if (attempt > 0 && !clock_.sleep_for(config_.retry_backoff_ns << (attempt - 1), stop)) break;
      httpclient::Response resp = t.conn.perform(req);
      if (resp.ok()) {
        delivered = true;
        break;
      }
      std::lock_guard count_lock(mu_);
      t.counters.errors += batch.size();
    }
    lock.lock();
    if (delivered) t.counters.sent += batch.size();
    else t.counters.dropped += batch.size();
  }
}

}  // namespace ruler
