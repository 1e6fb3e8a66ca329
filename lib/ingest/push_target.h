// Where a distributor sends validated streams: the process's own ingester (the single process) or
// the ingesters of a ring (cluster::RingPushTarget, replicated with a quorum). The distributor
// does not know which.
//
// Thread-safety: implementations allow concurrent calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "logql/ast.h"
#include "model/labels.h"
#include "push/push_request.h"
#include "util/result.h"

namespace ingest {

class PushTarget {
 public:
  virtual ~PushTarget() = default;
  // Appends validated streams of one tenant; returns once they are durable (in the WAL of one
  // ingester, or of a quorum of replicas). Errors carry the code the push is answered with.
  virtual util::Status push(const std::string& tenant, const std::vector<push::Stream>& streams) = 0;
  // The tenant's streams with data overlapping [start, end) (the distributor re-reads the active
  // streams when a tenant reaches its stream limit).
  virtual std::vector<model::LabelSet> series(const std::string& tenant,
                                              const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                              int64_t end) = 0;
};

}  // namespace ingest
