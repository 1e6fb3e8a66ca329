// TenantStreams: one tenant's in-memory streams, keyed by label fingerprint. Fingerprint
// collisions are handled: each fingerprint maps to a short list compared by labels. An inverted
// index (label name -> value -> streams) lets a query with an equality matcher look only at the
// streams carrying that label value instead of every stream of the tenant.
//
// Thread-safe: a shared_mutex, read-locked on the push path (lookups) and write-locked only to
// add or remove a stream.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ingest/mem_stream.h"
#include "model/labels.h"
#include "util/result.h"

namespace ingest {

class TenantStreams {
 public:
  // The stream with these labels, created if missing; fails when `max_streams` (0: unlimited)
  // would be exceeded.
  util::Result<std::shared_ptr<MemStream>> get_or_create(const model::LabelSet& labels, uint64_t max_streams);
  std::shared_ptr<MemStream> find(const model::LabelSet& labels) const;

  std::vector<std::shared_ptr<MemStream>> all() const;
  // The streams for which `matches` is true, looking only at the streams that carry every
  // (name, value) of `equalities` (which `matches` must imply); all streams when it is empty.
  std::vector<std::shared_ptr<MemStream>> select(const std::vector<std::pair<std::string, std::string>>& equalities,
                                                 const std::function<bool(const MemStream&)>& matches) const;
  size_t size() const { return count_.load(std::memory_order_relaxed); }

  // Drops the stream if it holds no data (see MemStream::remove_if_empty).
  bool remove_if_empty(const std::shared_ptr<MemStream>& stream);
  // The same for many streams under one lock; returns how many were dropped. When that empties
  // the tenant (a shutdown flush), the maps are cleared whole instead of erased from entry by
  // entry: erasing 100k streams from the label postings one at a time was 9% of such a flush.
  size_t remove_empty(const std::vector<std::shared_ptr<MemStream>>& streams);

 private:
  std::shared_ptr<MemStream> find_locked(const model::LabelSet& labels, uint64_t fp) const;
  // Takes a stream that MemStream::remove_if_empty marked removed out of the maps. Write-locked.
  void erase_locked(const std::shared_ptr<MemStream>& stream);

  mutable std::shared_mutex mu_;
  std::unordered_map<uint64_t, std::vector<std::shared_ptr<MemStream>>> by_fingerprint_;
  using Postings = std::unordered_set<std::shared_ptr<MemStream>>;
  std::unordered_map<std::string, std::unordered_map<std::string, Postings>> postings_;  // name -> value
  std::atomic<size_t> count_{0};
};

}  // namespace ingest
