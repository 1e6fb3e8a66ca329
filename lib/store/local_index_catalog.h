// LocalIndexCatalog: the index files of a local store directory
// (<root>/<tenant>/index/<YYYY-MM-DD>/*.idx), mapped in place and cached per period; a period is
// listed again when its directory's mtime changes, when that mtime is less than two seconds old
// (coarse file system timestamps), or after this process published a file there.
//
// Thread-safe: entries are created under one mutex and refreshed under their own.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/index_catalog.h"

namespace store {

class LocalIndexCatalog final : public IndexCatalog {
 public:
  LocalIndexCatalog(std::string root, std::function<void(const std::string&)> warn,
                    std::atomic<uint64_t>* corrupt_index_files);

  util::Result<std::vector<int64_t>> periods(const std::string& tenant, int64_t first, int64_t last) override;
  util::Result<std::shared_ptr<const idx::IndexSet>> get(const std::string& tenant, int64_t period) override;
  void published(const std::string& tenant, int64_t period, const std::string& name, std::string_view data) override;
  void invalidate(const std::string& tenant, int64_t period) override;

 private:
  struct Entry {
    std::mutex mu;  // serialises refreshes of this directory
    struct timespec mtime {};
    bool listed = false;
    std::atomic<bool> stale{false};
    std::map<std::string, idx::IndexReader> readers;  // by file name
    std::set<std::string> bad;                        // names that failed to open
    std::shared_ptr<const idx::IndexSet> set = std::make_shared<idx::IndexSet>();
  };
  std::string period_dir(const std::string& tenant, int64_t period) const;
  Entry& entry(const std::string& dir);
  void refresh(const std::string& dir, Entry& e, const struct timespec& mtime);

  std::string root_;
  std::function<void(const std::string&)> warn_;
  std::atomic<uint64_t>* corrupt_index_files_;
  std::mutex mu_;  // guards entries_ (the map, not the entries)
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace store
