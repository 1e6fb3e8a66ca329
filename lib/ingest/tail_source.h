// Where live tails get entries from: the process's own ingester, or every ingester of a ring
// (cluster::RemoteTail, replicas de-duplicated).
//
// Thread-safety: implementations allow concurrent calls; callbacks may run on any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "model/entry.h"
#include "model/labels.h"

namespace ingest {

class TailSource {
 public:
  virtual ~TailSource() = default;
  // `on_entry` is called for every entry pushed to a stream of `tenant` after subscription; the
  // subscriber filters. Returns an id for unsubscribe().
  using TailCallback = std::function<void(const model::LabelSet& stream, const model::Entry& entry)>;
  virtual uint64_t subscribe(const std::string& tenant, TailCallback on_entry) = 0;
  // No call of that subscription's `on_entry` starts after it returns (one in progress may finish).
  virtual void unsubscribe(uint64_t id) = 0;
};

}  // namespace ingest
