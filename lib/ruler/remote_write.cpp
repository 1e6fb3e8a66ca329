#include "ruler/remote_write.h"

#include <snappy.h>

#include <algorithm>
#include <limits>
#include <map>

#include "remote_write.pb.h"

namespace ruler {

std::string encode_write_request(const std::vector<Sample>& samples) {
  prometheus::WriteRequest req;
  std::map<const model::LabelSet*, prometheus::TimeSeries*, bool (*)(const model::LabelSet*, const model::LabelSet*)>
      series([](const model::LabelSet* a, const model::LabelSet* b) { return *a < *b; });
  for (const Sample& s : samples) {
    auto [it, inserted] = series.emplace(&s.labels, nullptr);
    if (inserted) {
      it->second = req.add_timeseries();
      for (const auto& l : s.labels) {
        auto* lp = it->second->add_labels();
        lp->set_name(l.name);
        lp->set_value(l.value);
      }
    }
    auto* sp = it->second->add_samples();
    sp->set_value(s.v);
    sp->set_timestamp(s.t_ns / 1'000'000);
  }
  std::string raw = req.SerializeAsString();
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

util::Result<std::vector<Sample>> decode_write_request(std::string_view body) {
  std::string raw;
  if (!snappy::Uncompress(body.data(), body.size(), &raw)) return util::invalid_argument("snappy: corrupt input");
  prometheus::WriteRequest req;
  if (!req.ParseFromString(raw)) return util::invalid_argument("not a remote-write WriteRequest");
  std::vector<Sample> out;
  for (const auto& ts : req.timeseries()) {
    std::vector<model::Label> labels;
    for (const auto& l : ts.labels()) labels.push_back({l.name(), l.value()});
    model::LabelSet set = model::LabelSet::from_unsorted(std::move(labels));
    for (const auto& s : ts.samples()) out.push_back(Sample{set, s.timestamp() * 1'000'000, s.value()});
  }
  return out;
}

RemoteWriteQueue::RemoteWriteQueue(RemoteWriteConfig config, std::string org_id, util::Clock& clock)
    : config_(std::move(config)), org_id_(std::move(org_id)), clock_(clock) {
  if (config_.max_samples_per_send == 0) config_.max_samples_per_send = 1;
}

RemoteWriteQueue::~RemoteWriteQueue() { stop(); }

void RemoteWriteQueue::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stop_.stop_requested()) return;
  thread_ = std::thread([this] { run(); });
}

void RemoteWriteQueue::stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_.stop_requested()) return;
    stop_.request_stop();
    wake_.request_stop();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  counters_.samples_dropped += queue_.size();
  queue_.clear();
  counters_.pending = 0;
}

void RemoteWriteQueue::append(const std::vector<Sample>& samples) {
  std::lock_guard lock(mu_);
  if (stop_.stop_requested()) {
    counters_.samples_dropped += samples.size();
    return;
  }
  if (queue_.empty() && !samples.empty()) wake_.request_stop();  // the sender now has a deadline
  for (const Sample& s : samples) {
    if (queue_.size() >= config_.capacity) {
      ++counters_.samples_dropped;
      continue;
    }
    if (queue_.empty()) oldest_enqueued_ = clock_.now_ns();
    queue_.push_back(s);
  }
  counters_.pending = queue_.size();
  if (queue_.size() >= config_.max_samples_per_send) wake_.request_stop();
}

RemoteWriteCounters RemoteWriteQueue::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

void RemoteWriteQueue::run() {
  std::unique_lock lock(mu_);
  while (!stop_.stop_requested()) {
    bool full = queue_.size() >= config_.max_samples_per_send;
    int64_t deadline = queue_.empty() ? std::numeric_limits<int64_t>::max()
                                      : oldest_enqueued_ + config_.batch_send_deadline_ns;
    if (!full && (queue_.empty() || clock_.now_ns() < deadline)) {
      if (wake_.stop_requested()) wake_ = std::stop_source();
      std::stop_token token = wake_.get_token();
      lock.unlock();
      clock_.sleep_until(deadline, token);
      lock.lock();
      continue;
    }
    size_t n = std::min(queue_.size(), config_.max_samples_per_send);
    std::vector<Sample> batch(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
    queue_.erase(queue_.begin(), queue_.begin() + n);
    oldest_enqueued_ = clock_.now_ns();
    lock.unlock();
    send(batch);
    lock.lock();
    counters_.pending = queue_.size();
  }
}

void RemoteWriteQueue::send(std::vector<Sample>& batch) {
  const std::string body = encode_write_request(batch);
  httpclient::Request req;
  req.method = "POST";
  req.url = config_.url;
  req.body = body;
  req.timeout_ms = config_.remote_timeout_ns / 1'000'000;
  req.tls = config_.tls;
  req.headers = {"Content-Type: application/x-protobuf", "Content-Encoding: snappy",
                 "X-Prometheus-Remote-Write-Version: 0.1.0", "User-Agent: logd-ruler", "Expect:"};
  for (const auto& [k, v] : config_.headers) req.headers.push_back(k + ": " + v);
  if (!org_id_.empty()) req.headers.push_back("X-Scope-OrgID: " + org_id_);
  if (!config_.bearer_token.empty()) req.headers.push_back("Authorization: Bearer " + config_.bearer_token);
  if (!config_.basic_auth_username.empty()) req.userpwd = config_.basic_auth_username + ":" + config_.basic_auth_password;

  int64_t backoff = config_.min_backoff_ns;
  for (bool first = true; !stop_.stop_requested(); first = false) {
    if (!first) {
      std::lock_guard lock(mu_);
      counters_.samples_retried += batch.size();
    }
    httpclient::Response resp = conn_.perform(req);
    if (resp.ok()) {
      std::lock_guard lock(mu_);
      counters_.samples_sent += batch.size();
      return;
    }
    bool retry = !resp.transport_ok() || resp.status / 100 == 5 || (resp.status == 429 && config_.retry_on_http_429);
    {
      std::lock_guard lock(mu_);
      ++counters_.requests_failed;
      if (!retry) {
        counters_.samples_failed += batch.size();
        return;
      }
    }
    clock_.sleep_for(backoff, stop_.get_token());
    backoff = std::min(backoff * 2, config_.max_backoff_ns);
  }
  std::lock_guard lock(mu_);
  counters_.samples_dropped += batch.size();
}

}  // namespace ruler
