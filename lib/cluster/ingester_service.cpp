#include "cluster/ingester_service.h"

#include <random>
#include <unordered_map>

#include "cluster/wire.h"
#include "logql/log/line_filter.h"
#include "push/protobuf_decoder.h"
#include "push/tenant.h"
#include "query/ingester_reader.h"

namespace cluster {
namespace {

http::Response error_response(const util::Error& e) {
  return http::Response::text(util::http_status_of(e.code), e.message + "\n");
}

http::Response protobuf_response(std::string body) {
  http::Response r{200, {}, std::move(body)};
  r.headers.set("Content-Type", kProtobufContentType);
  return r;
}

}  // namespace

struct IngesterService::SelectSession {
  std::mutex mu;  // one batch at a time
  std::unique_ptr<logql::EntryIterator> it;
  std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters;
  uint32_t batch_entries = 0;
  uint32_t batch_bytes = 0;
  std::atomic<int64_t> last_used{0};
};

struct IngesterService::TailSession {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<model::LabelSet, model::Entry>> entries;
  uint64_t dropped = 0;
  uint64_t subscription = 0;
  std::atomic<int64_t> last_used{0};
};

IngesterService::IngesterService(ingest::Ingester& ingester, IngesterServiceOptions options)
    : ingester_(ingester),
      options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : util::system_clock()),
      next_id_(std::random_device{}() | 1) {
  reaper_ = std::jthread([this](std::stop_token stop) { reaper(stop); });
}

IngesterService::~IngesterService() {
  reaper_.request_stop();
  if (reaper_.joinable()) reaper_.join();
  std::lock_guard lock(mu_);
  for (auto& [id, t] : tails_) ingester_.unsubscribe(t->subscription);
  tails_.clear();
  sessions_.clear();
}

util::Status IngesterService::check_readable() const { return options_.readable ? options_.readable() : util::Status{}; }

void IngesterService::register_routes(http::Server& server) {
  auto route = [&](const char* path, http::Response (IngesterService::*handler)(const http::Request&)) {
    server.route("POST", path, [this, handler](const http::Request& req) { return (this->*handler)(req); });
  };
  route(kPushPath, &IngesterService::push);
  route(kSelectPath, &IngesterService::select);
  route(kSelectNextPath, &IngesterService::select_next);
  route(kSelectClosePath, &IngesterService::select_close);
  route(kLabelNamesPath, &IngesterService::label_names);
  route(kLabelValuesPath, &IngesterService::label_values);
  route(kSeriesPath, &IngesterService::series);
  route(kStatsPath, &IngesterService::stats);
  route(kPatternsPath, &IngesterService::patterns);
  route(kTailOpenPath, &IngesterService::tail_open);
  route(kTailPollPath, &IngesterService::tail_poll);
  route(kTailClosePath, &IngesterService::tail_close);
}

http::Response IngesterService::push(const http::Request& req) {
  if (options_.writable) {
    if (auto st = options_.writable(); !st.ok()) return error_response(st.status_error());
  }
  auto tenant = req.headers.get("X-Scope-OrgID");
  if (!tenant) return error_response(util::unauthenticated("no org id"));
  if (auto st = push::validate_tenant_id(*tenant); !st.ok()) return error_response(st.status_error());
  auto request = push::decode_protobuf(req.body);
  if (!request.ok()) return error_response(request.status_error());
  pushes_.fetch_add(1);
  if (auto st = ingester_.push(std::string(*tenant), request->streams); !st.ok()) {
    push_failures_.fetch_add(1);
    // The WAL failed: the distributor counts this replica as failed.
    return error_response(st.code() == util::ErrorCode::kRateLimited ? st.status_error()
                                                                       : util::internal(st.error()));
  }
  return http::Response::empty(204);
}

http::Response IngesterService::select(const http::Request& req) {
  if (auto st = check_readable(); !st.ok()) return error_response(st.status_error());
  auto r = decode_select_request(req.body);
  if (!r.ok()) return error_response(r.status_error());
  auto session = std::make_shared<SelectSession>();
  for (const auto& f : r->line_filters) {
    auto stage = logql::log::LineFilterStage::compile(f);
    if (!stage.ok()) return error_response(stage.status_error());
    session->filters.push_back(std::move(*stage));
  }
  logql::SelectParams p;
  p.matchers = r->matchers;
  p.start = r->start;
  p.end = r->end;
  p.direction = r->backward ? logql::Direction::Backward : logql::Direction::Forward;
  auto it = ingester_.source(r->tenant)->select(p);
  if (!it.ok()) return error_response(it.status_error());
  session->it = std::move(*it);
  session->batch_entries = r->batch_entries ? std::min(r->batch_entries, options_.batch_entries) : options_.batch_entries;
  session->batch_bytes = r->batch_bytes ? std::min(r->batch_bytes, options_.batch_bytes) : options_.batch_bytes;
  session->last_used = clock_.now_ns();
  selects_.fetch_add(1);
  uint64_t id;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    sessions_[id] = session;
  }
  return next_batch(session, id);
}

http::Response IngesterService::next_batch(const std::shared_ptr<SelectSession>& session, uint64_t id) {
  EntryBatch batch;
  bool more = false;
  {
    std::lock_guard lock(session->mu);
    session->last_used = clock_.now_ns();
    std::unordered_map<const model::LabelSet*, uint32_t> index;
    size_t bytes = 0;
    while (batch.entries.size() < session->batch_entries && bytes < session->batch_bytes) {
      if (!session->it->next()) break;
      const model::Entry& e = session->it->entry();
      bool pass = true;
      for (const auto& f : session->filters) {
        if (!f->matches(e.line)) {
          pass = false;
          break;
        }
      }
      if (!pass) continue;
      const model::LabelSet* labels = &session->it->labels();
      auto [slot, fresh] = index.try_emplace(labels, static_cast<uint32_t>(batch.streams.size()));
      if (fresh) batch.streams.push_back(*labels);
      batch.entries.emplace_back(slot->second, e);
      bytes += e.line.size();
    }
    more = batch.entries.size() >= session->batch_entries || bytes >= session->batch_bytes;
    if (auto st = session->it->status(); !st.ok()) {
      std::lock_guard lock2(mu_);
      sessions_.erase(id);
      return error_response(util::internal("reading the ingester's streams: " + st.error()));
    }
  }
  if (more) {
    batch.session = id;
  } else {
    std::lock_guard lock(mu_);
    sessions_.erase(id);
  }
  return protobuf_response(encode_entry_batch(batch));
}

http::Response IngesterService::select_next(const http::Request& req) {
  auto id = decode_session(req.body);
  if (!id.ok()) return error_response(id.status_error());
  std::shared_ptr<SelectSession> session;
  {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(*id);
    if (it != sessions_.end()) session = it->second;
  }
  if (!session) return error_response(util::not_found("select session " + std::to_string(*id) + " is not open (expired?)"));
  return next_batch(session, *id);
}

http::Response IngesterService::select_close(const http::Request& req) {
  auto id = decode_session(req.body);
  if (!id.ok()) return error_response(id.status_error());
  std::lock_guard lock(mu_);
  sessions_.erase(*id);
  return http::Response::empty(204);
}

http::Response IngesterService::label_names(const http::Request& req) {
  if (auto st = check_readable(); !st.ok()) return error_response(st.status_error());
  auto r = decode_metadata_request(req.body);
  if (!r.ok()) return error_response(r.status_error());
  return protobuf_response(encode_string_list(ingester_.label_names(r->tenant, r->start, r->end)));
}

http::Response IngesterService::label_values(const http::Request& req) {
  if (auto st = check_readable(); !st.ok()) return error_response(st.status_error());
  auto r = decode_metadata_request(req.body);
  if (!r.ok()) return error_response(r.status_error());
  return protobuf_response(
      encode_string_list(ingester_.label_values(r->tenant, r->name, r->matchers, r->start, r->end)));
}

http::Response IngesterService::series(const http::Request& req) {
  if (auto st = check_readable(); !st.ok()) return error_response(st.status_error());
  auto r = decode_metadata_request(req.body);
  if (!r.ok()) return error_response(r.status_error());
  return protobuf_response(encode_series_list(ingester_.series(r->tenant, r->matchers, r->start, r->end)));
}

http::Response IngesterService::stats(const http::Request& req) {
  if (auto st = check_readable(); !st.ok()) return error_response(st.status_error());
  auto r = decode_metadata_request(req.body);
  if (!r.ok()) return error_response(r.status_error());
  // The parts' metadata, and their sums (what a querier's index/stats reads).
  std::vector<StreamStats> out;
  for (auto& one : ingester_.stream_spans(r->tenant, r->matchers, r->start, r->end)) {
    StreamStats s{std::move(one.labels), {}, std::move(one.spans)};
    s.stats.streams = 1;
    for (const auto& sp : s.spans) {
      ++s.stats.chunks;
      s.stats.entries += sp.entries;
      s.stats.bytes += sp.bytes;
    }
    out.push_back(std::move(s));
  }
  return protobuf_response(encode_stream_stats(out));
}

http::Response IngesterService::patterns(const http::Request& req) {
  if (auto st = check_readable(); !st.ok()) return error_response(st.status_error());
  auto r = decode_metadata_request(req.body);
  if (!r.ok()) return error_response(r.status_error());
  auto streams = query::read_local_ingester(ingester_)->patterns(r->tenant, r->matchers, r->start, r->end, r->step);
  if (!streams.ok()) return error_response(streams.status_error());
  return protobuf_response(encode_stream_patterns(*streams));
}

http::Response IngesterService::tail_open(const http::Request& req) {
  auto tenant = decode_tail_open(req.body);
  if (!tenant.ok()) return error_response(tenant.status_error());
  auto t = std::make_shared<TailSession>();
  t->last_used = clock_.now_ns();
  const size_t cap = options_.tail_buffer_entries;
  std::weak_ptr<TailSession> weak = t;
  t->subscription = ingester_.subscribe(*tenant, [weak, cap](const model::LabelSet& stream, const model::Entry& entry) {
    auto s = weak.lock();
    if (!s) return;
    {
      std::lock_guard lock(s->mu);
      if (s->entries.size() >= cap) {
        ++s->dropped;
        return;
      }
      s->entries.emplace_back(stream, entry);
    }
    s->cv.notify_one();
  });
  uint64_t id;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    tails_[id] = t;
  }
  return protobuf_response(encode_session(id));
}

http::Response IngesterService::tail_poll(const http::Request& req) {
  auto id = decode_session(req.body);
  if (!id.ok()) return error_response(id.status_error());
  std::shared_ptr<TailSession> t;
  {
    std::lock_guard lock(mu_);
    auto it = tails_.find(*id);
    if (it != tails_.end()) t = it->second;
  }
  if (!t) return error_response(util::not_found("tail session " + std::to_string(*id) + " is not open (expired?)"));
  t->last_used = clock_.now_ns();
  EntryBatch batch;
  {
    std::unique_lock lock(t->mu);
    if (t->entries.empty() && options_.tail_poll_wait_ms > 0) {
      t->cv.wait_for(lock, std::chrono::milliseconds(options_.tail_poll_wait_ms), [&] { return !t->entries.empty(); });
    }
    std::map<model::LabelSet, uint32_t> index;
    for (auto& [labels, entry] : t->entries) {
      auto [slot, fresh] = index.try_emplace(labels, static_cast<uint32_t>(batch.streams.size()));
      if (fresh) batch.streams.push_back(labels);
      batch.entries.emplace_back(slot->second, std::move(entry));
    }
    t->entries.clear();
    batch.dropped = t->dropped;
    t->dropped = 0;
  }
  batch.session = *id;
  return protobuf_response(encode_entry_batch(batch));
}

http::Response IngesterService::tail_close(const http::Request& req) {
  auto id = decode_session(req.body);
  if (!id.ok()) return error_response(id.status_error());
  std::shared_ptr<TailSession> t;
  {
    std::lock_guard lock(mu_);
    auto it = tails_.find(*id);
    if (it == tails_.end()) return http::Response::empty(204);
    t = it->second;
    tails_.erase(it);
  }
  ingester_.unsubscribe(t->subscription);
  return http::Response::empty(204);
}

void IngesterService::expire_sessions() {
  const int64_t cutoff = clock_.now_ns() - options_.session_idle_timeout_ns;
  std::vector<std::shared_ptr<TailSession>> dropped_tails;
  {
    std::lock_guard lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second->last_used.load() < cutoff) {
        it = sessions_.erase(it);
        expired_.fetch_add(1);
      } else {
        ++it;
      }
    }
    for (auto it = tails_.begin(); it != tails_.end();) {
      if (it->second->last_used.load() < cutoff) {
        dropped_tails.push_back(it->second);
        it = tails_.erase(it);
        expired_.fetch_add(1);
      } else {
        ++it;
      }
    }
  }
  for (const auto& t : dropped_tails) ingester_.unsubscribe(t->subscription);
}

void IngesterService::reaper(std::stop_token stop) {
  const int64_t period = std::max<int64_t>(options_.session_idle_timeout_ns / 4, 1'000'000);
  while (clock_.sleep_for(period, stop)) expire_sessions();
}

IngesterServiceStats IngesterService::service_stats() const {
  IngesterServiceStats s;
  s.pushes = pushes_.load();
  s.push_failures = push_failures_.load();
  s.selects = selects_.load();
  s.sessions_expired = expired_.load();
  std::lock_guard lock(mu_);
  s.open_sessions = sessions_.size();
  s.open_tails = tails_.size();
  return s;
}

}  // namespace cluster
