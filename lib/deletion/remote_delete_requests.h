// The delete requests of a compactor in another process, as a querier, query-frontend or ruler
// sees them when the roles run apart (`common.compactor_address`, as Loki's querier does): the
// compactor's own GET /loki/api/v1/delete, per tenant, kept for `refresh` so that queries do not
// each make a call. When a refresh fails the last good list is used (counted in
// failed_refreshes()); with no list yet the query fails with kUnavailable naming the compactor,
// because answering with lines a user deleted is worse than not answering.
//
// Thread-safety: all methods may be called concurrently; a refresh happens outside the lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "deletion/active_delete_source.h"
#include "util/clock.h"

namespace deletion {

struct RemoteDeleteRequestsOptions {
  std::string compactor_address;           // "http://host:port" (a trailing '/' is ignored)
  int64_t refresh = 10'000'000'000;        // ns a fetched list is used before asking again
  int64_t timeout_ms = 10'000;             // per fetch
};

class RemoteDeleteRequests final : public ActiveDeleteSource {
 public:
  // The body of GET /loki/api/v1/delete for one tenant, or an error (kUnavailable for transport
  // failures and 5xx). Tests replace the HTTP call with their own.
  using Fetch = std::function<util::Result<std::string>(const std::string& tenant)>;

  RemoteDeleteRequests(RemoteDeleteRequestsOptions options, util::Clock& clock, Fetch fetch = nullptr);
  ~RemoteDeleteRequests() override;

  util::Result<std::vector<ActiveDelete>> active_deletes(const std::string& tenant) const override;
  int64_t failed_refreshes() const { return failed_refreshes_.load(); }
  // Forget the tenant's list, so the next query asks again (after this process forwarded a
  // delete or a cancel for it: its caller sees the change at once).
  void invalidate(const std::string& tenant);

 private:
  struct Cached {
    int64_t fetched_at = 0;
    std::vector<ActiveDelete> deletes;
  };
  util::Result<std::string> fetch_over_http(const std::string& tenant) const;

  const RemoteDeleteRequestsOptions options_;
  util::Clock& clock_;
  Fetch fetch_;
  struct HttpState;
  std::unique_ptr<HttpState> http_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Cached, std::less<>> cache_;
  mutable std::atomic<int64_t> failed_refreshes_{0};
};

// The JSON list Loki's compactor answers (request_id, start_time, end_time, query, status,
// created_at; times in seconds with millisecond decimals), compiled for query-time filtering.
util::Result<std::vector<ActiveDelete>> parse_delete_list(std::string_view json);

}  // namespace deletion
