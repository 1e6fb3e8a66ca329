// RemoteIndexCatalog: the index files of a store kept in a bucket (S3), as Loki's TSDB shipper
// reads them without an index gateway: a period's files are listed under
// <tenant>/index/<YYYY-MM-DD>/ when a query first needs them and again once the listing is older
// than the resync interval; files this process lacks are downloaded (or taken from the local
// ObjectCache), checked, and kept open. Files this process published itself are added without
// any request.
//
// What a reader must live with (docs/data-layout.md): an object listed a moment ago may be gone
// (a compaction replaced it): that is a reason to list again, not an error. A short or corrupt
// download (an S3 server that rewrites objects in place) is never trusted: it is fetched once
// more, then skipped with a warning and tried again at the next sync. When the store does not
// answer, a period listed before is served from what was last seen (with a warning); one never
// listed fails with an error naming the store (kUnavailable).
//
// Thread-safe: per-period state is refreshed under its own mutex.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "objstore/bucket.h"
#include "store/index_catalog.h"
#include "store/object_cache.h"
#include "util/clock.h"

namespace store {

struct RemoteIndexOptions {
  objstore::Bucket* bucket = nullptr;  // required
  ObjectCache* cache = nullptr;        // optional: downloaded files are then kept across restarts
  int64_t resync_interval_ns = 5LL * 60 * 1'000'000'000;  // Loki's tsdb_shipper.resync_interval
  util::Clock* clock = nullptr;                           // null: the system clock
  std::function<void(const std::string&)> warn;
  std::atomic<uint64_t>* corrupt_index_files = nullptr;
};

class RemoteIndexCatalog final : public IndexCatalog {
 public:
  explicit RemoteIndexCatalog(RemoteIndexOptions options);

  util::Result<std::vector<int64_t>> periods(const std::string& tenant, int64_t first, int64_t last) override;
  util::Result<std::shared_ptr<const idx::IndexSet>> get(const std::string& tenant, int64_t period) override;
  void published(const std::string& tenant, int64_t period, const std::string& name, std::string_view data) override;
  void invalidate(const std::string& tenant, int64_t period) override;

  // Lists and downloads again every period synced before and due by the resync interval (the
  // background sync logd runs, so queries rarely wait for it); returns the first failure.
  util::Status sync_due();

 private:
  struct Period {
    std::mutex mu;
    bool synced = false;
    int64_t synced_ns = 0;
    std::atomic<bool> stale{false};
    std::map<std::string, idx::IndexReader> readers;  // by file name
    std::set<std::string> warned;                     // corrupt names already reported
    std::shared_ptr<const idx::IndexSet> set = std::make_shared<idx::IndexSet>();
  };
  struct Tenant {
    std::mutex mu;
    bool synced = false;
    int64_t synced_ns = 0;
    std::atomic<bool> stale{false};
    std::set<int64_t> periods;
  };
  Period& period_entry(const std::string& tenant, int64_t period);
  Tenant& tenant_entry(const std::string& tenant);
  bool due(bool synced, int64_t synced_ns, std::atomic<bool>& stale) const;
  // Requires t.mu. Lists the tenant's index days.
  util::Status sync_tenant(const std::string& tenant, Tenant& t);
  // Requires p.mu. Lists the period and opens every file, downloading what is missing.
  util::Status sync_period(const std::string& tenant, int64_t period, Period& p);
  // One index file: from the cache, else downloaded. kNotFound when it vanished meanwhile.
  util::Result<idx::IndexReader> fetch(const std::string& key, Period& p);
  void warn(const std::string& message) const;

  RemoteIndexOptions options_;
  std::mutex mu_;  // guards the maps (not their entries)
  std::map<std::pair<std::string, int64_t>, std::unique_ptr<Period>> periods_;
  std::map<std::string, std::unique_ptr<Tenant>> tenants_;
};

}  // namespace store
