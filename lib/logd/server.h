// LogdServer: one logd process assembled from the parts its roles (-target) need, in dependency
// order:
//   data-dir lock -> writer id -> chunk stores (local directory or S3 bucket per schema period,
//   checked: a missing bucket or wrong credentials refuse to start) -> ingester (replays the
//   WAL) -> distributor, querier -> ruler (single process only: its rule store and an in-process
//   query engine over the querier) -> API routes on the HTTP server -> compactor, delete
//   processor, store upkeep.
// The single process (`all`) wires the distributor and the querier to its own ingester; cluster
// roles wire them to the ring's ingesters through ClusterRoles, which also registers the ingester
// in the ring once its port is known.
// shutdown() reverses it: stop the ruler (its alert state is saved), stop the compactors and
// upkeep, stop accepting (in-flight requests finish), flush every stream to the store, release
// the lock. A cluster ingester first leaves the ring's write path, flushes while queriers can
// still read it, then deregisters.
//
// Thread-safety: start/shutdown from one thread (main); the running server is driven by its
// HTTP threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "deletion/remote_delete_requests.h"
#include "fsutil/file_lock.h"
#include "http/server.h"
#include "ingest/ingester.h"
#include "logd/api.h"
#include "logd/cluster_roles.h"
#include "logd/config.h"
#include "logd/auth_gate.h"
#include "logd/distributor.h"
#include "logd/file_reloader.h"
#include "logd/tenant_limits.h"
#include "logd/logger.h"
#include "logd/metrics.h"
#include "logd/compactor.h"
#include "logd/delete_api.h"
#include "logd/delete_processor.h"
#include "logd/target.h"
#include "logd/ruler_api.h"
#include "query/querier.h"
#include "ruler/query_engine.h"
#include "objstore/bucket.h"
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
  // The port of the roles' internal API (the HTTP port when grpc_listen_port is 0).
  uint16_t internal_port() const { return internal_ ? internal_->port() : http_->port(); }
  // Graceful stop: HTTP first, then flush_all. Idempotent. Returns the flush status.
  util::Status shutdown();

 private:
  LogdServer() = default;
  util::Status open_stores(util::Clock& clock);
  util::Status open_ingester(util::Clock& clock);
  // Starts the HTTP server(s) and, for cluster roles, joins the rings. Takes ownership of this.
  util::Result<std::unique_ptr<LogdServer>> serve(util::Clock& clock);
  // limits_, and the runtime config's first load when runtime_config.file is set.
  util::Status open_runtime_config(util::Clock& clock);
  // The auth gate and its credentials' first load, with auth.enabled.
  util::Status open_auth(util::Clock& clock);
  util::Status start_compactors(util::Clock& clock);
  util::Status start_ruler(util::Clock& clock);

  Config config_;
  Targets targets_;
  Logger logger_;
  fsutil::FileLock lock_;
  Metrics metrics_;
  std::unique_ptr<store::ChunkStore> store_;
  std::unique_ptr<ingest::Ingester> ingester_;
  std::shared_ptr<TenantLimits> limits_;          // limits_config and the runtime config's overrides
  std::unique_ptr<FileReloader> runtime_config_;  // with runtime_config.file
  std::unique_ptr<AuthGate> auth_gate_;           // with auth.enabled
  std::unique_ptr<FileReloader> auth_credentials_;  // auth.credentials_file, reloaded
  std::unique_ptr<Distributor> distributor_;
  std::unique_ptr<query::Querier> querier_;
  std::unique_ptr<query::Querier> rule_querier_;  // a ruler without the querier role: for rules only
  std::unique_ptr<Api> api_;
  std::unique_ptr<ClusterRoles> cluster_;  // cluster roles only
  std::unique_ptr<http::Server> http_;
  struct OpenStore {
    int64_t from_day = 0;
    std::shared_ptr<objstore::Bucket> bucket;
    std::string data_dir;  // a local store's data directory (its maint.lock), "" for S3
  };
  std::string writer_id_;
  std::vector<OpenStore> stores_;                     // one per schema period, oldest first
  std::vector<std::unique_ptr<Compactor>> compactors_;  // one per store
  std::jthread upkeep_;                               // store maintenance: index resync, uploads, cache TTL
  std::unique_ptr<http::Server> internal_;  // on grpc_listen_port, when set
  std::unique_ptr<deletion::DeleteRequestStore> delete_requests_;  // roles with the compactor
  std::unique_ptr<deletion::RemoteDeleteRequests> remote_deletes_;  // queries apart from it
  std::unique_ptr<DeleteApi> delete_api_;
  std::unique_ptr<DeleteProcessor> delete_processor_;  // filter-and-delete with retention enabled
  std::unique_ptr<objstore::Bucket> rule_bucket_;  // ruler.storage.type: s3
  std::unique_ptr<ruler::RuleStore> rule_store_;
  std::unique_ptr<ruler::QueryEngine> rule_engine_;
  std::unique_ptr<ruler::Ruler> ruler_;
  std::unique_ptr<RulerApi> ruler_api_;
  bool stopped_ = false;
};

}  // namespace logd
