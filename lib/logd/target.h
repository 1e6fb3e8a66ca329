// -target: which of Loki's roles one logd process runs, as Loki spells them. `all` (the default)
// is the single process; `write`, `read` and `backend` are Loki's simple-scalable groups; roles
// may also be listed with commas (`distributor,ingester`).
//
//   all          distributor + ingester + querier + compactor + ruler, wired in-process (no ring)
//   write        distributor + ingester
//   read         query-frontend + querier
//   backend      compactor + ruler
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace logd {

struct Targets {
  bool distributor = false;
  bool ingester = false;
  bool querier = false;
  bool query_frontend = false;
  bool compactor = false;
  bool ruler = false;  // evaluates rules with its own querier over the ring's ingesters and the store
  bool all = false;  // the single process: roles wired to each other directly, no ring

  // Roles that only work with the others reached over the network (every role but `all`).
  bool clustered() const { return !all; }
  // "distributor,ingester" (for log lines and messages).
  std::string names() const;
};

// Errors name the unknown role and list the known ones.
util::Result<Targets> parse_target(std::string_view target);

}  // namespace logd
