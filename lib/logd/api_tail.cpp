// /loki/api/v1/tail: Loki's live tail over a WebSocket.
//
// The connection first gets the most recent `limit` entries since `start` (default: one hour
// ago), then every entry pushed afterwards whose stream matches the selector, passed through the
// query's pipeline. Live entries are buffered and sent in batches (at least every 500ms, or every
// `delay_for` seconds, Loki's allowance for late entries); a batch is run through the LogQL
// engine over an in-memory source, so the pipeline semantics are exactly the query engine's.
// When the client reads too slowly and the buffer is full (tail_max_buffered_bytes of lines and
// labels, or 10,000 entries), entries are dropped and reported in the next message's
// "dropped_entries", as Loki does; a client that stops reading altogether is dropped once a
// message has waited write_timeout to be written.
//
// Before the upgrade (tail_accept) the request is checked as Loki's middleware and handler do:
// 401 without an org ID, 400 for a bad query or parameter, 413 past http_max_query_bytes. After
// it, a tenant over max_concurrent_tail_requests gets Loki's message in a 1011 close.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "logd/api.h"
#include "logd/json_response.h"
#include "logd/request_params.h"
#include "logql/eval/matchers.h"
#include "logql/eval/memory_source.h"
#include "logql/parser.h"
#include "query/encoding_flags.h"

namespace logd {
namespace {

constexpr size_t kMaxBufferedEntries = 10000;
constexpr size_t kMaxDroppedReported = 1000;
constexpr int64_t kMaxDelayFor = 5;  // seconds, Loki's maximum

struct TailBuffer {
  std::mutex mu;
  std::vector<std::pair<model::LabelSet, model::Entry>> entries;
  size_t bytes = 0;  // lines, metadata and labels of `entries`
  std::vector<DroppedEntry> dropped;
};

size_t buffered_size(const model::LabelSet& labels, const model::Entry& e) {
  size_t n = e.line.size() + sizeof(model::Entry);
  for (const auto& l : labels) n += l.name.size() + l.value.size();
  for (const auto& l : e.metadata) n += l.name.size() + l.value.size();
  return n;
}

// The parts of a tail request checked before the upgrade.
struct TailRequest {
  std::string query;
  logql::ast::Expr expr;
  int64_t delay_for = 0;
  RangeQueryParams range;
};

util::Result<TailRequest> parse_tail_request(const http::Params& p, int64_t now) {
  TailRequest t;
  t.query = param(p, "query");
  auto expr = logql::parse(t.query);
  if (!expr.ok()) return expr.status_error();
  if (!std::holds_alternative<logql::ast::LogSelector>(expr->node)) {
    return util::invalid_argument("tail only supports log queries");
  }
  t.expr = std::move(*expr);
  if (std::string d = param(p, "delay_for"); !d.empty()) {
    t.delay_for = std::atoll(d.c_str());
    if (t.delay_for < 0 || t.delay_for > kMaxDelayFor) return util::invalid_argument("delay_for can't be greater than 5");
  }
  http::Params hist = p;
  hist.erase("end");
  auto range = parse_range_query(hist, now);
  if (!range.ok()) return range.status_error();
  t.range = std::move(*range);
  return t;
}

std::vector<logql::Stream> ascending(std::vector<logql::Stream> streams) {
  for (auto& s : streams) {
    std::stable_sort(s.entries.begin(), s.entries.end(),
                     [](const model::Entry& a, const model::Entry& b) { return a.timestamp < b.timestamp; });
  }
  return streams;
}

}  // namespace

std::optional<http::Response> Api::tail_accept(const http::Request& req) const {
  auto t = tenants(req, true);
  if (!t.ok()) return error_response(t.status_error());
  if (auto st = check_query_size(req); !st.ok()) return error_response(st.status_error());
  if (auto tr = parse_tail_request(req.query, clock_.now_ns()); !tr.ok()) return error_response(tr.status_error());
  return std::nullopt;
}

// Counts a tenant's open tails for as long as it lives; over the limit when the count passes it.
class Api::TailSlot {
 public:
  TailSlot(Api& api, std::string key) : api_(api), key_(std::move(key)) {
    std::lock_guard lock(api_.tails_mu_);
    count_ = ++api_.tails_[key_];
  }
  ~TailSlot() {
    std::lock_guard lock(api_.tails_mu_);
    if (--api_.tails_[key_] == 0) api_.tails_.erase(key_);
  }
  int64_t count() const { return count_; }

 private:
  Api& api_;
  std::string key_;
  int64_t count_;
};

void Api::tail(const http::Request& req, http::WebSocket& ws) {
  auto fail = [&](const std::string& message) { ws.close(1011, message); };
  auto t = tenants(req, true);
  if (!t.ok()) return fail(t.error());
  const int64_t now = clock_.now_ns();
  auto parsed = parse_tail_request(req.query, now);
  if (!parsed.ok()) return fail(parsed.error());
  TailRequest& tr = *parsed;
  std::string org;
  for (const auto& id : *t) org += (org.empty() ? "" : "|") + id;
  TailSlot slot(*this, org);
  // A multi-tenant tail is bounded by the smallest set limit of its tenants.
  int64_t max_tails = 0;
  for (const auto& id : *t) {
    int64_t l = tenant_limits(id)->max_concurrent_tail_requests;
    if (l > 0 && (max_tails == 0 || l < max_tails)) max_tails = l;
  }
  const query::Limits limits = query_limits(*t);
  if (max_tails > 0 && slot.count() > max_tails) {
    // Loki's querier message (checkTailRequestLimit), sent as Loki sends tail errors: in the close.
    return fail("max concurrent tail requests limit exceeded, count > limit (" + std::to_string(slot.count()) +
                " > " + std::to_string(max_tails) + ")");
  }
  const std::string& query = tr.query;
  const logql::ast::Expr* expr = &tr.expr;
  const auto* selector = &std::get<logql::ast::LogSelector>(expr->node);
  const int64_t delay_for = tr.delay_for;
  const RangeQueryParams* range = &tr.range;
  const bool multi = t->size() > 1;
  auto matchers = logql::LabelMatchers::compile(selector->matchers);
  if (!matchers.ok()) return fail(matchers.error());
  const size_t max_buffered_bytes = options_.tail_max_buffered_bytes;
  // Loki's categorize-labels: the backfill and every batch keep the label categories apart.
  const bool categorized = query::has_categorize_labels(req.headers.get_or(query::kEncodingFlagsHeader, ""));

  // Subscribe before the backfill query, so nothing pushed in between is missed.
  auto buffer = std::make_shared<TailBuffer>();
  std::vector<uint64_t> subscriptions;
  if (ingester_) {
    for (const auto& tenant : *t) {
      auto* m = &*matchers;
      subscriptions.push_back(ingester_->subscribe(
          tenant, [buffer, m, multi, tenant, max_buffered_bytes](const model::LabelSet& stream,
                                                                  const model::Entry& entry) {
            model::LabelSet labels = stream;
            if (multi) labels.set(query::kTenantLabel, tenant);
            if (!m->matches(labels)) return;
            const size_t size = buffered_size(labels, entry);
            std::lock_guard lock(buffer->mu);
            if (buffer->entries.size() >= kMaxBufferedEntries ||
                (max_buffered_bytes > 0 && buffer->bytes + size > max_buffered_bytes)) {
              if (buffer->dropped.size() < kMaxDroppedReported) buffer->dropped.push_back({labels, entry.timestamp});
              return;
            }
            buffer->bytes += size;
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
    hp.categorize_labels = categorized;
    query::SourceFactory sources = [&]() { return querier_->source(*t); };
    util::Cancellation cancel = query_cancellation(limits);
    cancel.set_probe([&ws] { return !ws.is_open(); });
    query::Outcome out = query::execute(query, hp, sources, limits, &cancel);
    if (!out.status.ok()) {
      unsubscribe();
      return fail(out.status.error());
    }
    if (!out.result.streams.empty() && !ws.send_text(encode_tail(ascending(std::move(out.result.streams)), {}, categorized))) {
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
      buffer->bytes = 0;
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
      qp.templates = limits.templates;
      qp.categorize_labels = categorized;
      auto result = logql::evaluate(*expr, qp, source);
      if (!result.ok()) {
        unsubscribe();
        return fail(result.error());
      }
      streams = std::move(result->streams);
    }
    if (streams.empty() && dropped.empty()) continue;
    if (!ws.send_text(encode_tail(streams, dropped, categorized))) break;
  }
  unsubscribe();
  if (ws.is_open()) ws.close(1000);
}

}  // namespace logd
