// LogdServer: one logd process assembled from its parts, in dependency order:
//   data-dir lock -> chunk store -> ingester (replays the WAL) -> distributor, querier
//   -> ruler (its rule store and an in-process query engine over the querier)
//   -> API routes on the HTTP server.
// shutdown() reverses it: stop the ruler (its alert state is saved), stop accepting (in-flight
// requests finish), flush every stream to the store, release the lock.
//
// Thread-safety: start/shutdown from one thread (main); the running server is driven by its
// HTTP threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "fsutil/file_lock.h"
#include "http/server.h"
#include "ingest/ingester.h"
#include "logd/api.h"
#include "logd/config.h"
#include "logd/distributor.h"
#include "logd/logger.h"
#include "logd/metrics.h"
#include "logd/retention_runner.h"
#include "logd/ruler_api.h"
#include "query/querier.h"
#include "ruler/query_engine.h"
#include "ruler/rule_store.h"
#include "ruler/ruler.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/result.h"

namespace logd {

class LogdServer {
 public:
  // Opens everything and starts serving; logs at config.server.log_level. `clock` is the one
  // source of time of every part (main passes the system clock, tests a FakeClock).
  static util::Result<std::unique_ptr<LogdServer>> start(const Config& config, util::Clock& clock);
  const Logger& logger() const { return logger_; }
  ~LogdServer();

  uint16_t port() const { return http_->port(); }
  // Graceful stop: HTTP first, then flush_all. Idempotent. Returns the flush status.
  util::Status shutdown();

 private:
  LogdServer() = default;
  util::Status start_retention(util::Clock& clock);
  void start_ruler(util::Clock& clock);

  Config config_;
  Logger logger_;
  fsutil::FileLock lock_;
  Metrics metrics_;
  std::unique_ptr<store::ChunkStore> store_;
  std::unique_ptr<ingest::Ingester> ingester_;
  std::unique_ptr<Distributor> distributor_;
  std::unique_ptr<query::Querier> querier_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<RetentionRunner> retention_;  // with compactor.retention_enabled
  std::unique_ptr<ruler::RuleStore> rule_store_;
  std::unique_ptr<ruler::QueryEngine> rule_engine_;
  std::unique_ptr<ruler::Ruler> ruler_;
  std::unique_ptr<RulerApi> ruler_api_;
  bool stopped_ = false;
};

}  // namespace logd
