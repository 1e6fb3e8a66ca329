// ClusterRoles: what a logd process running cluster roles (-target other than all) has besides the
// parts every process has: the etcd client, the ingester ring (and the distributor ring) it
// watches, its own registrations (lifecyclers), the clients of the other roles, the ingester's
// internal API, the query-frontend and the querier's frontend worker. LogdServer builds the shared
// parts (store, ingester, distributor, querier, API) over what this provides, in this order:
//
//   create()        etcd client, ring views (watching), call pool, ingester clients
//   push_target()   for the Distributor (distributor role)
//   ingester_reader(), tail_source()   for the Querier and tails (querier and frontend roles)
//   serve()         the ingester's internal API, the frontend and its worker API, /ring pages
//   join()          once the ports are known: registers the ingester (ACTIVE: its WAL is replayed)
//                   and the distributor, starts the frontend worker
//   leave()         SIGTERM, first: the ingester goes LEAVING and refuses pushes
//   stop()          last: deregisters (after final_sleep), stops watches and workers
//
// Thread-safety: the setup methods run on main's thread; the rest is driven by HTTP threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "http/server.h"
#include "ingest/ingester.h"
#include "ingest/push_target.h"
#include "ingest/tail_source.h"
#include "logd/api.h"
#include "logd/config.h"
#include "logd/distributor.h"
#include "logd/logger.h"
#include "logd/metrics.h"
#include "logd/target.h"
#include "query/ingester_reader.h"
#include "query/querier.h"
#include "util/clock.h"
#include "util/result.h"

namespace logd {

class ClusterRoles {
 public:
  static util::Result<std::unique_ptr<ClusterRoles>> create(const Config& config, const Targets& targets,
                                                            const Logger& logger, util::Clock& clock);
  ~ClusterRoles();

  ingest::PushTarget& push_target();
  query::IngesterReader& ingester_reader();
  ingest::TailSource& tail_source();

  // Registers the internal API (on `internal`) and the role pages (on `public_server`, through
  // `api` so they are timed); `ingester` is the process's ingester (null unless the ingester
  // role), `distributor` its distributor, `querier` its querier (for the frontend worker).
  util::Status serve(http::Server& public_server, http::Server& internal, Api& api, ingest::Ingester* ingester,
                     Distributor* distributor, query::Querier* querier, Metrics& metrics);
  // /ready of this process: the first role that cannot serve says why.
  util::Status ready() const;
  // `internal_port`: where the other roles reach this process.
  util::Status join(int64_t internal_port);
  void leave();
  void stop();

  // Cluster metrics for /metrics (ring members, registrations, calls to other roles, queues).
  void render_metrics(std::string& out) const;

  class Impl;

 private:
  explicit ClusterRoles(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logd
