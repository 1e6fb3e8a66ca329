#include "logd/distributor.h"

#include <limits>

#include "push/decode.h"
#include "push/validate.h"

namespace logd {
namespace {

// Loki refreshes nothing here; we refresh the known-stream set from the ingester at most this
// often, and only when a tenant is at its limit.
constexpr int64_t kStreamRefreshInterval = model::kNanosPerSecond;

}  // namespace

size_t max_decoded_push_bytes(const LimitsConfig& limits) {
  constexpr size_t kMaxDecodedPush = 100 << 20;
  const double burst = limits.ingestion_burst_bytes();
  if (limits.ingestion_rate_mb <= 0 || burst <= 0) return kMaxDecodedPush;
  const double bound = 2 * burst + (1 << 20);
  return bound >= static_cast<double>(kMaxDecodedPush) ? kMaxDecodedPush : static_cast<size_t>(bound);
}

void merge_repeated_streams(push::PushRequest& request) {
  if (request.streams.size() < 2) return;
  std::unordered_map<uint64_t, size_t> first;  // fingerprint -> index of the kept stream
  first.reserve(request.streams.size());
  size_t kept = 0;
  for (size_t i = 0; i < request.streams.size(); ++i) {
    auto& s = request.streams[i];
    auto [it, inserted] = first.try_emplace(s.labels.fingerprint(), kept);
    if (!inserted && request.streams[it->second].labels == s.labels) {
      auto& into = request.streams[it->second].entries;
      into.insert(into.end(), std::make_move_iterator(s.entries.begin()), std::make_move_iterator(s.entries.end()));
      continue;
    }
    // A fingerprint collision with different labels keeps both streams (the map keeps the first).
    if (kept != i) request.streams[kept] = std::move(s);
    ++kept;
  }
  request.streams.resize(kept);
}

Distributor::Distributor(ingest::PushTarget& ingester, std::shared_ptr<const TenantLimits> limits, Metrics& metrics,
                         util::Clock& clock)
    : ingester_(ingester), limits_(std::move(limits)), metrics_(metrics), clock_(clock) {}

Distributor::Distributor(ingest::PushTarget& ingester, const LimitsConfig& limits, Metrics& metrics, util::Clock& clock)
    : Distributor(ingester, std::make_shared<const TenantLimits>(limits), metrics, clock) {}

void Distributor::set_ingestion_rate_share(double share) { rate_share_.store(share); }

void Distributor::set_stream_limit_shared(bool shared) { stream_limit_shared_.store(shared); }

void Distributor::discard(const std::string& reason, const std::string& tenant, size_t entries, size_t bytes) {
  if (entries == 0 && bytes == 0) return;
  metrics_.discarded_samples.add({reason, tenant}, static_cast<double>(entries));
  metrics_.discarded_bytes.add({reason, tenant}, static_cast<double>(bytes));
}

util::Status Distributor::push(const std::string& tenant, std::string_view content_type,
                               std::string_view content_encoding, std::string_view body) {
  if (auto st = push::check_content_encoding(content_encoding); !st.ok()) return st;
  auto format = push::body_format(content_type);
  if (!format.ok()) return format.status_error();
  push::DecodeOptions options;
  options.max_decompressed_bytes = max_decoded_push_bytes(*limits_->get(tenant));
  auto request = push::decode_body(*format, body, options);
  if (!request.ok()) return request.status_error();
  return push_request(tenant, std::move(*request));
}

util::Status Distributor::push_request(const std::string& tenant, push::PushRequest request) {
  const int64_t now = clock_.now_ns();
  const std::shared_ptr<const LimitsConfig> limits = limits_->get(tenant);
  push::ValidationReport report = push::validate(request, limits->push, now);
  for (const auto& d : report.discarded) discard(d.reason, tenant, d.entries, d.bytes);
  if (report.status.code() == util::ErrorCode::kUnprocessable) return report.status;
  merge_repeated_streams(request);

  const double rate = limits->ingestion_rate_bytes() * rate_share_.load();
  if (report.accepted_entries > 0 &&
      !rate_limiter_.allow(tenant, report.accepted_bytes, now, rate, limits->ingestion_burst_bytes())) {
    discard("rate_limited", tenant, report.accepted_entries, report.accepted_bytes);
    // validation.RateLimitedErrorMsg
    return util::rate_limited("Ingestion rate limit exceeded for user " + tenant + " (limit: " +
                              std::to_string(static_cast<int64_t>(rate)) +
                              " bytes/sec) while attempting to ingest '" + std::to_string(report.accepted_entries) +
                              "' lines totaling '" + std::to_string(report.accepted_bytes) +
                              "' bytes, reduce log volume or contact your Loki administrator to see if the limit "
                              "can be increased");
  }

  size_t limited_entries = 0, limited_bytes = 0;
  std::vector<uint64_t> admitted;
  std::string stream_limit_message =
      apply_stream_limit(tenant, limits->max_streams(), request, limited_entries, limited_bytes, admitted);
  discard("stream_limit", tenant, limited_entries, limited_bytes);

  if (!request.streams.empty()) {
    util::Status pushed = ingester_.push(tenant, request.streams);
    release_in_flight(tenant, admitted);
    // The WAL or the ingesters failed: Loki answers 500 whatever the cause, except for a limit an
    // ingester enforces (429).
    if (!pushed.ok()) {
      return pushed.code() == util::ErrorCode::kRateLimited ? pushed : util::internal(pushed.error());
    }
    metrics_.lines_received.add({tenant}, static_cast<double>(report.accepted_entries - limited_entries));
    metrics_.bytes_received.add({tenant}, static_cast<double>(report.accepted_bytes - limited_bytes));
  }
  if (!stream_limit_message.empty()) return util::rate_limited(std::move(stream_limit_message));
  return report.status;
}

void Distributor::release_in_flight(const std::string& tenant, const std::vector<uint64_t>& admitted) {
  if (admitted.empty()) return;
  std::lock_guard lock(streams_mu_);
  auto& pending = in_flight_[tenant];
  for (uint64_t fp : admitted) {
    auto it = pending.find(fp);
    if (it != pending.end() && --it->second == 0) pending.erase(it);
  }
  if (pending.empty()) in_flight_.erase(tenant);
}

std::string Distributor::apply_stream_limit(const std::string& tenant, uint64_t limit, push::PushRequest& request,
                                            size_t& dropped_entries, size_t& dropped_bytes,
                                            std::vector<uint64_t>& admitted) {
  std::lock_guard lock(streams_mu_);
  auto& known = streams_[tenant];
  std::string message;
  size_t kept = 0;
  for (size_t i = 0; i < request.streams.size(); ++i) {
    auto& s = request.streams[i];
    const uint64_t fp = s.labels.fingerprint();
    const bool fresh = limit != 0 && !known.count(fp);
    bool ok = !fresh || known.size() < limit;
    // At the limit: what the ingester really holds may be less (flushed idle streams). In a
    // cluster, a new stream: the other distributors may have brought the tenant to its limit.
    if (fresh && (!ok || stream_limit_shared_.load(std::memory_order_relaxed))) {
      const int64_t now = clock_.now_ns();
      int64_t& last = last_refresh_[tenant];
      if (now - last >= kStreamRefreshInterval) {
        last = now;
        known.clear();
        for (const auto& ls : ingester_.series(tenant, {}, std::numeric_limits<int64_t>::min(),
                                               std::numeric_limits<int64_t>::max())) {
          known.insert(ls.fingerprint());
        }
        // Admitted by pushes not yet applied: the ingester does not list them yet.
        if (auto p = in_flight_.find(tenant); p != in_flight_.end()) {
          for (const auto& [pending_fp, n] : p->second) known.insert(pending_fp);
        }
        ok = known.count(fp) || known.size() < limit;
      }
    }
    if (!ok) {
      if (message.empty()) {
        // validation.StreamLimitErrorMsg
        message = "Maximum active stream limit exceeded when trying to create stream " + s.labels.to_string() +
                  ", reduce the number of active streams (reduce labels or reduce label values), or contact your "
                  "Loki administrator to see if the limit can be increased, user: '" + tenant + "'";
      }
      dropped_entries += s.entries.size();
      for (const auto& e : s.entries) dropped_bytes += e.line.size();
      continue;
    }
    known.insert(fp);
    if (limit != 0) {
      ++in_flight_[tenant][fp];
      admitted.push_back(fp);
    }
    if (kept != i) request.streams[kept] = std::move(s);
    ++kept;
  }
  request.streams.resize(kept);
  return message;
}

}  // namespace logd
