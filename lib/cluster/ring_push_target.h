// RingPushTarget: a distributor's push path in a cluster (Loki's distributor.Push after
// validation). Each stream goes to the replica set of its token (ring::token_for(tenant, labels)
// on the ingester ring, kWrite): replication_factor ACTIVE ingesters, one more for each joining
// or leaving one met. All ingesters are called in parallel, each with the streams it holds, and
// push() returns as soon as every stream is in the WAL of a quorum of its set (min_success), or
// fails as soon as one stream cannot reach it any more (more than max_errors of its replicas
// failed). Calls still running then finish in the background; their outcome only counts in the
// stats.
//
// Errors: kUnavailable when the ring cannot give a stream a quorum of healthy replicas (answered
// 500 by the distributor, as Loki's "at least 2 live replicas required"), the ingesters' own
// error otherwise (a 429 an ingester answered stays a 429).
//
// Thread-safety: push() and series() may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cluster/call_pool.h"
#include "cluster/ingester_client.h"
#include "ingest/push_target.h"
#include "ring/ring.h"
#include "util/clock.h"

namespace cluster {

struct RingPushStats {
  uint64_t pushes = 0;           // push() calls
  uint64_t quorum_failures = 0;  // push() calls that failed
  uint64_t ingester_calls = 0;   // requests sent to ingesters
  uint64_t ingester_failures = 0;
};

class RingPushTarget final : public ingest::PushTarget {
 public:
  // All must outlive the target.
  RingPushTarget(ring::Ring& ring, IngesterClients& clients, CallPool& pool);

  util::Status push(const std::string& tenant, const std::vector<push::Stream>& streams) override;
  // The union of every healthy ingester's streams (for the distributor's stream limit); ingesters
  // that do not answer are skipped.
  std::vector<model::LabelSet> series(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                      int64_t start, int64_t end) override;

  RingPushStats stats() const;

 private:
  ring::Ring& ring_;
  IngesterClients& clients_;
  CallPool& pool_;
  std::atomic<uint64_t> pushes_{0}, quorum_failures_{0}, calls_{0}, call_failures_{0};
};

}  // namespace cluster
