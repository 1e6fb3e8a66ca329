// PipelineRunner (see pipeline_runner.h).
#include "logtail/pipeline_runner.h"

#include <algorithm>
#include <chrono>

#include "logtail/dry_run.h"

namespace logtail {
namespace {

constexpr int64_t kFlushEveryNs = 100 * model::kNanosPerMilli;
constexpr size_t kPopBatch = 512;
constexpr size_t kRecentLabelSets = 16;

}  // namespace

PipelineRunner::PipelineRunner(std::vector<stages::Pipeline>* pipelines,
                               std::vector<std::unique_ptr<client::Client>>* clients, AckRouter* acks,
                               ScrapeLineQueue* queue, std::FILE* dry_run_out, util::Clock& clock)
    : pipelines_(pipelines), clients_(clients), acks_(acks), queue_(queue), dry_run_out_(dry_run_out),
      clock_(clock) {}

PipelineRunner::~PipelineRunner() {
  finishing_ = true;
  join();
}

void PipelineRunner::set_readline_limit(const ReadlineLimit& limit, std::shared_ptr<stages::MetricRegistry> registry) {
  readline_bucket_.emplace(limit.rate, static_cast<double>(limit.burst), clock_.now_ns());
  readline_drop_ = limit.drop;
  registry_ = std::move(registry);
}

PipelineRunner::Admission PipelineRunner::admit_readline() {
  if (!readline_bucket_) return Admission::kShip;
  int64_t now = clock_.now_ns();
  if (readline_drop_) {
    if (readline_bucket_->allow(now)) return Admission::kShip;
    if (registry_) registry_->count_drop("global_rate_limiter_drop");
    return Admission::kDrop;
  }
  // Back-pressure: wait for a token (the config check rejects a burst of 0, which never has one).
  while (!readline_bucket_->allow(now)) {
    if (shipping_cancellable_ && unqueued_cancel_.load(std::memory_order_acquire)) return Admission::kGiveUp;
    clock_.sleep_for(std::clamp<int64_t>(readline_bucket_->wait_ns(now), 1000, 100 * model::kNanosPerMilli), {});
    now = clock_.now_ns();
  }
  return Admission::kShip;
}

void PipelineRunner::start() { thread_ = std::thread([this] { run(); }); }

bool PipelineRunner::finish(std::chrono::steady_clock::time_point deadline) {
  finishing_ = true;
  std::unique_lock lock(done_mu_);
  return done_cv_.wait_until(lock, deadline, [&] { return done_; });
}

void PipelineRunner::join() {
  if (thread_.joinable()) thread_.join();
}

void PipelineRunner::run() {
  std::vector<QueuedScrapeLine> batch;
  batch.reserve(kPopBatch);
  int64_t last_flush = clock_.now_ns();
  int64_t last_forget = last_flush;
  for (;;) {
    batch.clear();
    size_t n = queue_->pop(batch, kPopBatch, 100);
    {
      std::lock_guard lock(run_mu_);
      for (auto& line : batch) handle(line);
      int64_t now = clock_.now_ns();
      if (now - last_flush >= kFlushEveryNs) {
        flush_buffered(now);
        last_flush = now;
      }
      deliver();
      if (now - last_forget >= 5 * model::kNanosPerSecond) {
        acks_->forget_idle();
        last_cursor_ = nullptr;
        last_forget = now;
      }
    }
    if (n == 0 && finishing_.load() && queue_->size() == 0) break;
  }
  drain_all();
  std::lock_guard lock(done_mu_);
  done_ = true;
  done_cv_.notify_all();
}

void PipelineRunner::handle(QueuedScrapeLine& line) {
  stages::Pipeline& pipeline = (*pipelines_)[line.scrape_index];
  // Lines come in runs from one file: ask the router (a lock and a hash) only when the file
  // changes. The router keeps the cursor alive until forget_idle(), which clears this cache.
  if (line.cursor.get() != last_cursor_) {
    last_source_ = acks_->source_for(line.cursor);
    last_cursor_ = line.cursor.get();
  }
  uint64_t source = last_source_;
  stages::Entry& e = scratch_;
  e.labels = line.cursor->labels();
  e.extracted.clear();
  e.timestamp = line.read_time_ns;
  e.line = std::move(line.line);
  e.metadata = model::LabelSet();
  e.tenant.clear();
  run_pipeline(pipeline, e, client::SourcePosition{source, line.end_offset});
}

void PipelineRunner::run_pipeline(stages::Pipeline& pipeline, stages::Entry& e, client::SourcePosition position) {
  if (!pipeline.buffers()) {
    if (pipeline.process_in_place(e)) {
      ship(e, position);
    } else {
      acks_->settle_unsent(position);
    }
    return;
  }
  if (position.source == 0) {  // nothing to credit
    pipeline.process(e, [&](stages::Entry& out) { ship(out, {}); });
    return;
  }
  Fed& fed = fed_[position.source];
  int64_t before = fed.last_fed;
  fed.last_fed = position.offset;
  pipeline.process(e, [&](stages::Entry& out) {
    client::SourcePosition credit{};
    if (before > fed.last_pushed) {
      credit = {position.source, before};
      fed.last_pushed = before;
    }
    ship(out, credit);
  });
}

void PipelineRunner::ship(stages::Entry& e, client::SourcePosition position) {
  switch (admit_readline()) {
    case Admission::kShip:
      break;
    case Admission::kDrop:
      acks_->settle_unsent(position);
      return;
    case Admission::kGiveUp:  // shutting down a source that re-reads what it did not get acknowledged
      return;
  }
  if (clients_->empty()) {
    if (dry_run_out_) {
      std::string text = format_dry_run_entry(e.timestamp, e.labels, e.line);
      std::fwrite(text.data(), 1, text.size(), dry_run_out_);
      std::fflush(dry_run_out_);
    }
    acks_->settle_unsent(position);
    return;
  }
  // Recorded as pushed now, in read order (a later line settled unsent must come after it).
  for (size_t i = 0; i < clients_->size(); ++i) acks_->pushed(i, position);
  outbox_.push_back(client::Entry{shared_labels(e.labels),
                                  model::Entry{e.timestamp, std::move(e.line), std::move(e.metadata)},
                                  std::move(e.tenant), position});
  // A waiting readline limit paces entries one by one: let each go at once.
  if (readline_bucket_ && !readline_drop_) deliver();
}

void PipelineRunner::deliver() {
  if (outbox_.empty()) return;
  const size_t n = clients_->size();
  const std::atomic<bool>* cancel = shipping_cancellable_ ? &unqueued_cancel_ : nullptr;
  for (size_t i = 0; i < n; ++i) {
    if (i + 1 < n) {
      std::vector<client::Entry> copy = outbox_;
      (*clients_)[i]->push_all(copy, cancel);
    } else {
      (*clients_)[i]->push_all(outbox_, cancel);
    }
  }
  outbox_.clear();
}

std::shared_ptr<const model::LabelSet> PipelineRunner::shared_labels(const model::LabelSet& labels) {
  auto& recent = recent_labels_;
  for (size_t i = 0; i < recent.size(); ++i) {
    if (*recent[i] == labels) {
      // Move to the front: the next line most likely has the same labels.
      std::rotate(recent.begin(), recent.begin() + static_cast<std::ptrdiff_t>(i), recent.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      return recent.front();
    }
  }
  if (recent.size() == kRecentLabelSets) recent.pop_back();
  recent.insert(recent.begin(), std::make_shared<const model::LabelSet>(labels));
  return recent.front();
}

void PipelineRunner::cancel_unqueued() {
  unqueued_cancel_.store(true, std::memory_order_release);
  for (auto& c : *clients_) c->wake_producers();
}

void PipelineRunner::flush_buffered(int64_t now) {
  for (auto& p : *pipelines_) {
    if (p.buffers()) p.flush(now, [&](stages::Entry& out) { ship(out, {}); });
  }
}

void PipelineRunner::drain_all() {
  std::lock_guard lock(run_mu_);
  for (auto& p : *pipelines_) {
    if (p.buffers()) p.drain([&](stages::Entry& out) { ship(out, {}); });
  }
  deliver();
}

void PipelineRunner::process_unqueued(size_t scrape_index, const model::LabelSet& labels, std::string line,
                                      int64_t read_time_ns, client::SourcePosition position, bool cancellable) {
  std::lock_guard lock(run_mu_);
  stages::Pipeline& pipeline = (*pipelines_)[scrape_index];
  stages::Entry& e = scratch_;
  e.labels = labels;
  e.extracted.clear();
  e.timestamp = read_time_ns;
  e.line = std::move(line);
  e.metadata = model::LabelSet();
  e.tenant.clear();
  shipping_cancellable_ = cancellable;
  run_pipeline(pipeline, e, position);
  deliver();
  shipping_cancellable_ = false;
}

void PipelineRunner::acknowledge_all_fed() {
  for (const auto& [source, fed] : fed_) acks_->acknowledge(source, fed.last_fed);
}

}  // namespace logtail
