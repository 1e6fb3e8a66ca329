// DeleteRequestStore: the delete requests of every tenant, as Loki's compactor keeps them, in one
// YAML file (<path_prefix>/compactor/delete_requests.yaml) rewritten atomically on each change,
// so requests survive restarts. A request with max_interval is kept as shards (same id, each
// covering at most max_interval), listed as one request whose status is "processed" once every
// shard is, "<n>% Complete" in between.
//
// Cancelling removes a request entirely (it stops filtering queries at once); it is refused once a
// shard was processed, and after the cancel period unless forced, as Loki refuses it.
//
// Thread-safe: one mutex around the table; compiled queries are shared, immutable.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "deletion/active_delete_source.h"
#include "deletion/delete_request.h"
#include "util/result.h"

namespace deletion {

// One request as GET /loki/api/v1/delete lists it.
struct ListedRequest {
  std::string request_id;
  int64_t start = 0, end = 0, created_at = 0;
  std::string query;
  std::string status;  // "received", "processed", "<n>% Complete"
};

class DeleteRequestStore final : public ActiveDeleteSource {
 public:
  // Reads `path` if it exists (an unreadable or invalid file is an error: requests would be lost).
  static util::Result<std::unique_ptr<DeleteRequestStore>> open(const std::string& path);

  // Validates and records a request; returns its id. `max_interval` 0: one shard.
  util::Result<std::string> add(const std::string& tenant, const std::string& query, int64_t start, int64_t end,
                                int64_t max_interval, int64_t now);
  std::vector<ListedRequest> list(const std::string& tenant) const;
  // kNotFound, or kInvalidArgument when it may no longer be cancelled.
  util::Status cancel(const std::string& tenant, const std::string& request_id, bool force, int64_t now,
                      int64_t cancel_period);

  // Every request of the tenant (received or processed), for query-time filtering.
  std::vector<ActiveDelete> active(const std::string& tenant) const;
  util::Result<std::vector<ActiveDelete>> active_deletes(const std::string& tenant) const override {
    return active(tenant);
  }
  // Shards still to carry out whose cancel period has passed, oldest first.
  std::vector<DeleteRequest> due(const std::string& tenant, int64_t now, int64_t cancel_period) const;
  util::Status mark_processed(const std::string& tenant, const DeleteRequest& shard);
  std::vector<std::string> tenants() const;

 private:
  struct Entry {
    DeleteRequest request;
    std::shared_ptr<const DeleteQuery> query;
  };
  explicit DeleteRequestStore(std::string path) : path_(std::move(path)) {}
  util::Status save_locked() const;

  const std::string path_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Entry>> by_tenant_;
};

}  // namespace deletion
