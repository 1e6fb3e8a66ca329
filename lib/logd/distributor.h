// The distributor: logd's push path, as Loki's distributor runs it. One push body goes through
//   Content-Encoding / Content-Type checks -> decode (JSON or snappy protobuf)
//   -> validation with the tenant's limits (bad entries dropped, the rest kept)
//   -> repeated label sets merged into one stream -> per-tenant ingestion rate limit (bytes)
//   -> per-tenant active stream limit -> ingest::PushTarget::push (the process's own ingester, or
//   the ring's ingesters in a cluster).
// and comes back as OK or an error whose code and message are what Loki answers: kInvalidArgument
// (400: what was dropped; the valid part is still ingested), kTooLarge (413), kUnsupportedFormat
// (415), kUnprocessable (422), kRateLimited (429), or kInternal (500) if the WAL write failed.
//
// Thread-safety: push() may be called concurrently; the rate limiter and the stream registry
// have their own locks.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "ingest/push_target.h"
#include "logd/config.h"
#include "logd/metrics.h"
#include "logd/rate_limiter.h"
#include "logd/tenant_limits.h"
#include "push/push_request.h"
#include "util/clock.h"

namespace logd {

class Distributor {
 public:
  // `clock` times the rate limiter, the validation of timestamps and the stream-set refreshes.
  // Every limit is the pushing tenant's (tenant_limits.h), read at each push.
  Distributor(ingest::PushTarget& ingester, std::shared_ptr<const TenantLimits> limits, Metrics& metrics,
              util::Clock& clock);
  // Every tenant under `limits` (no overrides).
  Distributor(ingest::PushTarget& ingester, const LimitsConfig& limits, Metrics& metrics, util::Clock& clock);

  // Handles one push for an already validated tenant ID. `body` is the identity body (the HTTP
  // layer has undone gzip/deflate).
  util::Status push(const std::string& tenant, std::string_view content_type, std::string_view content_encoding,
                   std::string_view body);

  // The same from a decoded request (the part after decoding), for callers that decode
  // themselves and for tests.
  util::Status push_request(const std::string& tenant, push::PushRequest request);

  // Loki's `global` ingestion rate strategy: this distributor enforces `share` (1/n with n healthy
  // distributors) of each tenant's ingestion_rate_mb; the burst is not divided.
  void set_ingestion_rate_share(double share);

  // Other distributors admit streams of the same tenants (a cluster): a stream new to this one
  // refreshes the tenant's stream set from the ingesters first (at most once a second per
  // tenant), so a tenant at its limit is refused here too, not only where it reached the limit.
  // Pushes racing through several distributors within that second may still pass the limit.
  void set_stream_limit_shared(bool shared);

 private:
  // Drops the streams that would exceed the tenant's active-stream limit; returns Loki's message
  // for the first of them, or "". The fingerprints of the streams it lets through are added to
  // `admitted` and stay counted as in flight until release_in_flight().
  std::string apply_stream_limit(const std::string& tenant, uint64_t limit, push::PushRequest& request,
                                 size_t& dropped_entries,
                                 size_t& dropped_bytes, std::vector<uint64_t>& admitted);
  void release_in_flight(const std::string& tenant, const std::vector<uint64_t>& admitted);
  void discard(const std::string& reason, const std::string& tenant, size_t entries, size_t bytes);

  ingest::PushTarget& ingester_;
  std::shared_ptr<const TenantLimits> limits_;
  Metrics& metrics_;
  util::Clock& clock_;
  RateLimiter rate_limiter_;
  std::atomic<double> rate_share_{1.0};
  std::atomic<bool> stream_limit_shared_{false};

  // Fingerprints of the streams each tenant has in the ingester, as far as we know. Streams the
  // ingester has flushed away stay here until the limit is reached, and then the set is
  // refreshed from the ingester, so the limit counts what is really active. A refresh adds the
  // streams admitted by pushes still on their way to the ingester (in_flight_): without them,
  // concurrent pushes each saw a set missing the others' new streams and the limit leaked
  // (5000 admitted 10,000).
  std::mutex streams_mu_;
  std::unordered_map<std::string, std::unordered_set<uint64_t>> streams_;
  std::unordered_map<std::string, std::unordered_map<uint64_t, int>> in_flight_;
  std::unordered_map<std::string, int64_t> last_refresh_;
};

// Merges streams with equal label sets into the first of them (entries appended in request
// order), as Loki's distributor does before sending a request on.
void merge_repeated_streams(push::PushRequest& request);

// The largest decoded push body (after gzip/deflate, or snappy) decoded: 2 x the burst
// (ingestion_burst_size_mb) + 1 MiB, at most 100 MiB; 100 MiB without a rate limit. The
// rate limiter refuses any push whose lines exceed the burst, and a body holds its lines plus
// labels, timestamps and quoting, so past twice the burst only a push of hundreds of thousands of
// tiny entries could still fit. The parsed form costs several times the decoded bytes (8 x for
// JSON of short lines): this bound, not the 64 MiB body limit, is what a compression bomb or a
// highly compressible push can cost (docs/security.md).
size_t max_decoded_push_bytes(const LimitsConfig& limits);

}  // namespace logd
