// IndexCatalog: where a store finds the index files of a tenant and period, opened and merged
// into one idx::IndexSet. Two implementations: LocalIndexCatalog maps the files of a local store
// directory in place; RemoteIndexCatalog lists a bucket and keeps downloaded copies in the
// ObjectCache (Loki's TSDB shipper without an index gateway).
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/index_set.h"
#include "util/result.h"

namespace store {

class IndexCatalog {
 public:
  virtual ~IndexCatalog() = default;

  // The periods in [first, last] that have index files for `tenant`, sorted.
  virtual util::Result<std::vector<int64_t>> periods(const std::string& tenant, int64_t first, int64_t last) = 0;
  // The index files of one tenant and period, as one set (empty when there are none).
  virtual util::Result<std::shared_ptr<const idx::IndexSet>> get(const std::string& tenant, int64_t period) = 0;
  // This process has just stored the index file `name` (whose bytes are `data`): the next get()
  // sees it.
  virtual void published(const std::string& tenant, int64_t period, const std::string& name,
                         std::string_view data) = 0;
  // Something the catalog named is gone from the store (a maintenance run replaced it): list the
  // period again before the next get() answers.
  virtual void invalidate(const std::string& tenant, int64_t period) = 0;
};

}  // namespace store
