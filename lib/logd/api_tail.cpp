// /loki/api/v1/tail: Loki's live tail over a WebSocket.
//
// The connection first gets the most recent `limit` entries since `start` (default: one hour
// ago), then every entry pushed afterwards whose stream matches the selector, passed through the
// query's pipeline. Live entries are buffered and sent in batches (at least every 500ms, or every
// `delay_for` seconds, Loki's allowance for late entries); a batch is run through the LogQL
// engine over an in-memory source, so the pipeline semantics are exactly the query engine's.
// When the client reads too slowly and the buffer is full, entries are dropped and reported in
// the next message's "dropped_entries", as Loki does.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "logd/api.h"
#include "logd/json_response.h"
#include "logd/request_params.h"
#include "logql/eval/matchers.h"
#include "logql/eval/memory_source.h"
#include "logql/parser.h"

namespace logd {
namespace {

constexpr size_t kMaxBufferedEntries = 10000;
constexpr size_t kMaxDroppedReported = 1000;
constexpr int64_t kMaxDelayFor = 5;  // seconds, Loki's maximum

struct TailBuffer {
  std::mutex mu;
  std::vector<std::pair<model::LabelSet, model::Entry>> entries;
  std::vector<DroppedEntry> dropped;
};

std::vector<logql::Stream> ascending(std::vector<logql::Stream> streams) {
  for (auto& s : streams) {
    std::stable_sort(s.entries.begin(), s.entries.end(),
                     [](const model::Entry& a, const model::Entry& b) { return a.timestamp < b.timestamp; });
  }
  return streams;
}

}  // namespace

void Api::tail(const http::Request& req, http::WebSocket& ws) {
  auto fail = [&](const std::string& message) { ws.close(1011, message); };
  auto t = tenants(req, true);
  if (!t.ok()) return fail(t.error());
  const http::Params& p = req.query;
  std::string query = param(p, "query");
  auto expr = logql::parse(query);
  if (!expr.ok()) return fail(expr.error());
  auto* selector = std::get_if<logql::ast::LogSelector>(&expr->node);
  if (!selector) return fail("tail only supports log queries");
  int64_t delay_for = 0;
  if (std::string d = param(p, "delay_for"); !d.empty()) {
    delay_for = std::atoll(d.c_str());
    if (delay_for < 0 || delay_for > kMaxDelayFor) return fail("delay_for can't be greater than 5");
  }
  const int64_t now = clock_.now_ns();
  http::Params hist = p;
  hist.erase("end");
  auto range = parse_range_query(hist, now);
  if (!range.ok()) return fail(range.error());
  const bool multi = t->size() > 1;
  auto matchers = logql::LabelMatchers::compile(selector->matchers);
  if (!matchers.ok()) return fail(matchers.error());

  // Subscribe before the backfill query, so nothing pushed in between is missed.
  auto buffer = std::make_shared<TailBuffer>();
  std::vector<uint64_t> subscriptions;
  if (ingester_) {
    for (const auto& tenant : *t) {
      auto* m = &*matchers;
      subscriptions.push_back(ingester_->subscribe(
          tenant, [buffer, m, multi, tenant](const model::LabelSet& stream, const model::Entry& entry) {
            model::LabelSet labels = stream;
            if (multi) labels.set(query::kTenantLabel, tenant);
            if (!m->matches(labels)) return;
            std::lock_guard lock(buffer->mu);
            if (buffer->entries.size() >= kMaxBufferedEntries) {
              if (buffer->dropped.size() < kMaxDroppedReported) buffer->dropped.push_back({labels, entry.timestamp});
              return;
            }
            buffer->entries.emplace_back(std::move(labels), entry);
          }));
    }
  }
  auto unsubscribe = [&] {
    for (uint64_t id : subscriptions) ingester_->unsubscribe(id);
  };

  // Backfill: the newest `limit` entries since start, sent oldest first.
  const int64_t backfill_end = now;
  {
    logql::QueryParams hp = range->params;
    hp.end = backfill_end;
    hp.direction = logql::Direction::Backward;
    query::SourceFactory sources = [&]() { return querier_->source(*t); };
    query::Outcome out = query::execute(query, hp, sources, options_.query_limits);
    if (!out.status.ok()) {
      unsubscribe();
      return fail(out.status.error());
    }
    if (!out.result.streams.empty() && !ws.send_text(encode_tail(ascending(std::move(out.result.streams)), {}))) {
      unsubscribe();
      return;
    }
  }

  // Entries that arrived while the backfill ran may be in it too: those are not sent twice.
  size_t overlap = 0;
  {
    std::lock_guard lock(buffer->mu);
    overlap = buffer->entries.size();
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(options_.tail_max_duration);
  const auto batch_every = std::chrono::milliseconds(std::max<int64_t>(500, delay_for * 1000));
  auto next_batch = std::chrono::steady_clock::now() + batch_every;
  while (ws.is_open() && std::chrono::steady_clock::now() < deadline) {
    // Client messages are ignored; receive() also notices a close.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_batch - std::chrono::steady_clock::now());
    if (wait.count() > 0) {
      (void)ws.receive(wait);
      if (!ws.is_open()) break;
      if (std::chrono::steady_clock::now() < next_batch) continue;
    }
    next_batch = std::chrono::steady_clock::now() + batch_every;
    std::vector<std::pair<model::LabelSet, model::Entry>> batch;
    std::vector<DroppedEntry> dropped;
    {
      std::lock_guard lock(buffer->mu);
      batch.swap(buffer->entries);
      dropped.swap(buffer->dropped);
    }
    if (batch.empty() && dropped.empty()) continue;
    logql::MemorySource source;
    int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;
    for (size_t i = 0; i < batch.size(); ++i) {
      auto& [labels, entry] = batch[i];
      if (i < overlap && entry.timestamp < backfill_end) continue;
      min_ts = std::min(min_ts, entry.timestamp);
      max_ts = std::max(max_ts, entry.timestamp);
      source.append(labels, std::move(entry));
    }
    overlap = 0;  // only the first batch can overlap the backfill
    std::vector<logql::Stream> streams;
    if (min_ts <= max_ts) {
      logql::QueryParams qp;
      qp.start = min_ts;
      qp.end = max_ts + 1;
      qp.limit = 0;
      qp.direction = logql::Direction::Forward;
      auto result = logql::evaluate(*expr, qp, source);
      if (!result.ok()) {
        unsubscribe();
        return fail(result.error());
      }
      streams = std::move(result->streams);
    }
    if (streams.empty() && dropped.empty()) continue;
    if (!ws.send_text(encode_tail(streams, dropped))) break;
  }
  unsubscribe();
  if (ws.is_open()) ws.close(1000);
}

}  // namespace logd
