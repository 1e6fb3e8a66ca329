// IngesterService: an ingester's internal API, what distributors and queriers call (protobuf
// bodies, proto/cluster.proto; pushes are Loki's logproto.PushRequest):
//
//   POST /internal/v1/push          X-Scope-OrgID, PushRequest -> 204 once in the WAL
//   POST /internal/v1/select        SelectRequest -> the first EntryBatch of a session
//   POST /internal/v1/select/next   SessionRequest -> the next EntryBatch
//   POST /internal/v1/select/close  SessionRequest -> 204
//   POST /internal/v1/label_names, /label_values, /series, /stats   MetadataRequest -> lists
//   POST /internal/v1/patterns      MetadataRequest -> PatternsResponse (404 with patterns off)
//   POST /internal/v1/tail/open     TailOpenRequest -> SessionRequest
//   POST /internal/v1/tail/poll     SessionRequest -> EntryBatch (waits briefly for entries)
//   POST /internal/v1/tail/close    SessionRequest -> 204
//
// A select session holds an iterator over a snapshot of the streams taken when it was opened, so
// its batches together are one consistent answer; sessions and tails nobody asked about for
// `session_idle_timeout` are dropped. Line filters sent with a select are applied here (they are
// exact: a line that fails one can pass no pipeline), so only lines that may match travel.
//
// Gates: `writable` refuses pushes (503) while the ingester is leaving; `readable` refuses reads
// until the WAL is replayed (the service is normally started only after).
//
// Thread-safety: handlers run concurrently on the server's threads; sessions have their own locks.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "http/message.h"
#include "http/server.h"
#include "ingest/ingester.h"
#include "util/clock.h"
#include "util/result.h"

namespace cluster {

inline constexpr const char* kPushPath = "/internal/v1/push";
inline constexpr const char* kSelectPath = "/internal/v1/select";
inline constexpr const char* kSelectNextPath = "/internal/v1/select/next";
inline constexpr const char* kSelectClosePath = "/internal/v1/select/close";
inline constexpr const char* kLabelNamesPath = "/internal/v1/label_names";
inline constexpr const char* kLabelValuesPath = "/internal/v1/label_values";
inline constexpr const char* kSeriesPath = "/internal/v1/series";
inline constexpr const char* kStatsPath = "/internal/v1/stats";
inline constexpr const char* kPatternsPath = "/internal/v1/patterns";
inline constexpr const char* kTailOpenPath = "/internal/v1/tail/open";
inline constexpr const char* kTailPollPath = "/internal/v1/tail/poll";
inline constexpr const char* kTailClosePath = "/internal/v1/tail/close";
// How long a tail poll waits for entries before answering an empty batch.
inline constexpr int64_t kTailPollWaitMs = 500;

struct IngesterServiceOptions {
  util::Clock* clock = nullptr;  // session expiry; null: the system clock
  int64_t session_idle_timeout_ns = 60'000'000'000;
  uint32_t batch_entries = 4096;    // per select batch, unless the request asks for fewer
  uint32_t batch_bytes = 1u << 20;  // line bytes per batch
  size_t tail_buffer_entries = 10000;  // per tail session; more are dropped (and counted)
  int64_t tail_poll_wait_ms = kTailPollWaitMs;
  std::function<util::Status()> writable;  // empty: always
  std::function<util::Status()> readable;  // empty: always
};

struct IngesterServiceStats {
  uint64_t pushes = 0;
  uint64_t push_failures = 0;
  uint64_t selects = 0;
  uint64_t sessions_expired = 0;
  uint64_t open_sessions = 0;
  uint64_t open_tails = 0;
};

class IngesterService {
 public:
  // `ingester` must outlive the service.
  IngesterService(ingest::Ingester& ingester, IngesterServiceOptions options);
  ~IngesterService();  // drops every session and tail
  IngesterService(const IngesterService&) = delete;
  IngesterService& operator=(const IngesterService&) = delete;

  void register_routes(http::Server& server);

  http::Response push(const http::Request& req);
  http::Response select(const http::Request& req);
  http::Response select_next(const http::Request& req);
  http::Response select_close(const http::Request& req);
  http::Response label_names(const http::Request& req);
  http::Response label_values(const http::Request& req);
  http::Response series(const http::Request& req);
  http::Response stats(const http::Request& req);
  http::Response patterns(const http::Request& req);
  http::Response tail_open(const http::Request& req);
  http::Response tail_poll(const http::Request& req);
  http::Response tail_close(const http::Request& req);

  IngesterServiceStats service_stats() const;
  // Drops sessions idle past the timeout (the background thread calls it; tests call it).
  void expire_sessions();

 private:
  struct SelectSession;
  struct TailSession;

  http::Response next_batch(const std::shared_ptr<SelectSession>& session, uint64_t id);
  util::Status check_readable() const;
  void reaper(std::stop_token stop);

  ingest::Ingester& ingester_;
  const IngesterServiceOptions options_;
  util::Clock& clock_;

  mutable std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<SelectSession>> sessions_;
  std::map<uint64_t, std::shared_ptr<TailSession>> tails_;
  uint64_t next_id_;

  std::atomic<uint64_t> pushes_{0}, push_failures_{0}, selects_{0}, expired_{0};
  std::jthread reaper_;
};

}  // namespace cluster
