#include "client/client.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "client/backoff.h"
#include "client/batch.h"
#include "client/http_transport.h"

namespace client {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Batch ages and waits are intervals on the monotonic clock, waited for on condition variables
// that producers notify; they are not times of day, so they do not come from util::Clock.
int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch()).count();
}

// What an entry costs while queued: its strings plus a fixed allowance for the objects.
size_t queued_cost(const Entry& e) {
  size_t n = 96 + e.tenant.size() + entry_size(e.entry);
  if (e.labels) {
    for (const auto& l : *e.labels) n += l.name.size() + l.value.size() + 16;
  }
  return n;
}

}  // namespace

util::Result<std::unique_ptr<Client>> Client::create(const ClientConfig& config, ClientOptions options) {
  auto settings = transport_settings(config);
  if (!settings.ok()) return settings.status_error();
  std::string host = settings->host;
  if (!options.transport) options.transport = std::make_unique<HttpTransport>(std::move(*settings));
  if (!options.metrics) options.metrics = std::make_shared<ClientMetrics>();
  if (options.seed == 0) options.seed = static_cast<uint64_t>(monotonic_ns());
  return std::unique_ptr<Client>(new Client(config, std::move(options), std::move(host)));
}

Client::Client(const ClientConfig& config, ClientOptions options, std::string host)
    : config_(config), options_(std::move(options)), host_(std::move(host)), metrics_(options_.metrics) {
  metrics_->init_host(host_);
  thread_ = std::thread([this] { run(); });
}

Client::~Client() { stop(std::chrono::milliseconds(0)); }

Client::PushStatus Client::push(Entry&& entry, const std::atomic<bool>* cancel) {
  size_t cost = queued_cost(entry);
  std::unique_lock lock(mu_);
  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_acquire); };
  not_full_.wait(lock, [&] {
    return stopping_ || cancelled() || queue_.empty() || queued_bytes_ + cost <= options_.max_queued_bytes;
  });
  if (stopping_ || cancelled()) return PushStatus::kStopped;
  bool was_empty = queue_.empty();
  queue_.push_back(std::move(entry));
  queued_bytes_ += cost;
  if (was_empty) not_empty_.notify_one();
  return PushStatus::kQueued;
}

Client::PushStatus Client::push_all(std::vector<Entry>& entries, const std::atomic<bool>* cancel) {
  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_acquire); };
  bool wake_sender = false;
  PushStatus status = PushStatus::kQueued;
  std::unique_lock lock(mu_);
  for (Entry& entry : entries) {
    size_t cost = queued_cost(entry);
    auto room = [&] {
      return stopping_ || cancelled() || queue_.empty() || queued_bytes_ + cost <= options_.max_queued_bytes;
    };
    if (!room()) {
      // The sender must know there is something to drain before we wait for it to.
      if (wake_sender) not_empty_.notify_one();
      wake_sender = false;
      not_full_.wait(lock, room);
    }
    if (stopping_ || cancelled()) {
      status = PushStatus::kStopped;
      break;
    }
    wake_sender |= queue_.empty();
    queue_.push_back(std::move(entry));
    queued_bytes_ += cost;
  }
  lock.unlock();
  if (wake_sender) not_empty_.notify_one();
  return status;
}

void Client::wake_producers() {
  std::lock_guard lock(mu_);
  not_full_.notify_all();
}

Client::PushStatus Client::try_push(Entry& entry) {
  size_t cost = queued_cost(entry);
  std::lock_guard lock(mu_);
  if (stopping_) return PushStatus::kStopped;
  if (!queue_.empty() && queued_bytes_ + cost > options_.max_queued_bytes) return PushStatus::kFull;
  bool was_empty = queue_.empty();
  queue_.push_back(std::move(entry));
  queued_bytes_ += cost;
  if (was_empty) not_empty_.notify_one();
  return PushStatus::kQueued;
}

size_t Client::queued_entries() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool Client::stop(std::chrono::milliseconds timeout) {
  {
    std::unique_lock lock(mu_);
    stopping_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
    if (!done_cv_.wait_for(lock, timeout, [&] { return done_; })) {
      abort_.store(true);
      abort_cv_.notify_all();
    }
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  std::lock_guard lock(mu_);
  return all_settled_;
}

void Client::acknowledge(BatchOutcome&& outcome) {
  if (options_.on_ack) options_.on_ack(outcome);
}

void Client::drop_entry(const std::string& tenant, const Entry& entry, const char* reason, std::string error) {
  size_t bytes = entry.entry.line.size();
  metrics_->dropped(host_, tenant, reason, 1, bytes);
  BatchOutcome out;
  out.tenant = tenant;
  out.drop_reason = reason;
  out.error = std::move(error);
  out.entries = 1;
  out.bytes = entry_size(entry.entry);
  if (entry.position.source != 0) out.positions.push_back(entry.position);
  acknowledge(std::move(out));
}

void Client::send_batch(const std::string& tenant, Batch& batch, BodyBuffers& buffers) {
  if (batch.empty() || abort_.load()) return;
  std::string_view body = batch.encode(buffers);
  metrics_->encoded(host_, body.size());
  BatchOutcome out;
  out.tenant = tenant;
  out.entries = batch.entries();
  out.bytes = batch.bytes();
  Backoff backoff(config_.backoff_config, options_.seed++);
  PostResult result;
  for (;;) {
    auto start = SteadyClock::now();
    result = options_.transport->post(body, tenant, abort_);
    metrics_->request_done(result.status, host_, std::chrono::duration<double>(SteadyClock::now() - start).count());
    if (abort_.load()) break;
    // drop_rate_limited_batches: a throttled tenant must not hold up the others behind retries.
    if (config_.drop_rate_limited_batches && result.status == 429) break;
    if (result.ok()) {
      metrics_->sent(host_, out.entries, body.size());
      out.accepted = true;
      out.status = result.status;
      out.positions = batch.take_positions();
      acknowledge(std::move(out));
      return;
    }
    // Only 429, 5xx and connection-level errors are worth another attempt.
    if (result.status > 0 && result.status != 429 && result.status / 100 != 5) break;
    metrics_->retried(host_, tenant);
    int64_t delay = backoff.next_delay();
    // Promtail sleeps once more before noticing the retries are exhausted; that sleep is skipped.
    if (!backoff.ongoing()) break;
    std::unique_lock lock(mu_);
    if (abort_cv_.wait_for(lock, std::chrono::nanoseconds(delay), [&] { return abort_.load(); })) break;
  }
  if (abort_.load()) {
    std::lock_guard lock(mu_);
    all_settled_ = false;  // abandoned: never acknowledged, so the tailer re-reads it after a restart
    return;
  }
  const char* reason = result.status == 429 ? kReasonRateLimited : kReasonGeneric;
  metrics_->dropped(host_, tenant, reason, out.entries, body.size());
  out.drop_reason = reason;
  out.status = result.status;
  out.error = result.error;
  out.positions = batch.take_positions();
  acknowledge(std::move(out));
}

void Client::run() {
  std::map<std::string, Batch> batches;  // one per tenant, as in Promtail
  BodyBuffers buffers;
  std::set<std::string> seen_tenants;
  StreamLabeler labeler(config_.external_labels);
  std::vector<Entry> drained;
  std::string tenant;
  bool have_tenant = false;
  // What the last label set resolves to; held, so its address cannot be reused by another set.
  std::shared_ptr<const model::LabelSet> last_labels;
  const model::LabelSet empty_labels;
  const model::LabelSet* labeled = nullptr;  // labeler.apply(*last_labels)
  std::string labels_tenant;                 // the tenant when the entry names none
  const int64_t batchwait = config_.batchwait;
  const size_t batchsize = static_cast<size_t>(config_.batchsize);
  bool stopping = false;
  while (!stopping) {
    {
      std::unique_lock lock(mu_);
      int64_t deadline = INT64_MAX;
      for (const auto& [_, b] : batches) deadline = std::min(deadline, b.created_ns() + batchwait);
      while (queue_.empty() && !stopping_ && monotonic_ns() < deadline) {
        if (deadline == INT64_MAX) {
          not_empty_.wait(lock);
        } else {
          not_empty_.wait_for(lock, std::chrono::nanoseconds(deadline - monotonic_ns()));
        }
      }
      drained.swap(queue_);  // both keep their capacity: no allocation per entry in the steady state
      queued_bytes_ = 0;
      stopping = stopping_;
      not_full_.notify_all();
    }
    for (Entry& e : drained) {
      if (abort_.load()) break;
      if (!labeled || e.labels != last_labels) {
        last_labels = e.labels;
        const model::LabelSet& in = last_labels ? *last_labels : empty_labels;
        auto t = in.get(kTenantLabel);
        if (!t) t = config_.external_labels.get(kTenantLabel);
        labels_tenant.assign(t ? *t : std::string_view(config_.tenant_id));
        labeled = &labeler.apply(in);
      }
      std::string_view tenant_view = e.tenant.empty() ? std::string_view(labels_tenant) : std::string_view(e.tenant);
      if (!have_tenant || tenant_view != tenant) {
        tenant.assign(tenant_view);  // reuses the buffer: no allocation per entry
        have_tenant = true;
        if (seen_tenants.insert(tenant).second) metrics_->init_tenant(host_, tenant);
      }
      const model::LabelSet& labels = *labeled;
      std::string& line = e.entry.line;
      if (options_.max_line_size > 0 && line.size() > options_.max_line_size) {
        if (!options_.max_line_size_truncate) {
          drop_entry(tenant, e, kReasonLineTooLong, "line too long");
          continue;
        }
        metrics_->mutated(host_, tenant, kReasonLineTooLong, 1, line.size() - options_.max_line_size);
        line.resize(options_.max_line_size);
      }
      auto it = batches.find(tenant);
      if (it == batches.end()) {
        it = batches.emplace(tenant, Batch(monotonic_ns(), options_.max_streams, config_.format)).first;
      } else if (it->second.bytes_after(e.entry) > batchsize) {
        send_batch(tenant, it->second, buffers);
        it->second.reset(monotonic_ns());
      }
      if (!it->second.add(labels, std::move(e.entry), e.position)) {
        drop_entry(tenant, e, kReasonStreamLimited, "streams limit exceeded");
      }
    }
    drained.clear();
    int64_t now = monotonic_ns();
    for (auto it = batches.begin(); it != batches.end();) {
      if (stopping || now - it->second.created_ns() >= batchwait) {
        send_batch(it->first, it->second, buffers);
        it = batches.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::lock_guard lock(mu_);
  if (abort_.load()) all_settled_ = false;
  done_ = true;
  done_cv_.notify_all();
}

}  // namespace client
