// Where a querier gets the delete requests that hide entries at query time: the compactor's own
// DeleteRequestStore in the same process, or RemoteDeleteRequests asking the compactor over HTTP
// when the roles run apart. An error fails the query: answering with deleted lines is worse.
//
// Thread-safety: implementations are called by concurrent queries.
#pragma once

#include <string>
#include <vector>

#include "deletion/delete_request.h"
#include "util/result.h"

namespace deletion {

class ActiveDeleteSource {
 public:
  virtual ~ActiveDeleteSource() = default;
  // Every request of the tenant (received or processed).
  virtual util::Result<std::vector<ActiveDelete>> active_deletes(const std::string& tenant) const = 0;
};

}  // namespace deletion
