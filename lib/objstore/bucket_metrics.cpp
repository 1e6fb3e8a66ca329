#include "objstore/bucket_metrics.h"

namespace objstore {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess: return "success";
    case Outcome::kNotFound: return "not_found";
    case Outcome::kClientError: return "client_error";
    case Outcome::kServerError: return "server_error";
    case Outcome::kNetworkError: return "network_error";
    case Outcome::kTruncated: return "truncated";
    case Outcome::kCancelled: return "cancelled";
    case Outcome::kError: return "error";
  }
  return "error";
}

MetricsRecorder::MetricsRecorder(std::vector<std::string> operations)
    : operations_(std::move(operations)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(operations_.size() * kOutcomeCount)) {}

void MetricsRecorder::request(size_t operation, Outcome outcome) {
  counts_[operation * kOutcomeCount + static_cast<size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
}

BucketMetrics MetricsRecorder::snapshot() const {
  BucketMetrics m;
  for (size_t op = 0; op < operations_.size(); ++op) {
    for (size_t o = 0; o < kOutcomeCount; ++o) {
      uint64_t n = counts_[op * kOutcomeCount + o].load(std::memory_order_relaxed);
      if (n > 0) m.requests.push_back({operations_[op], outcome_name(static_cast<Outcome>(o)), n});
    }
  }
  m.retries = retries_.load(std::memory_order_relaxed);
  m.bytes_in = bytes_in_.load(std::memory_order_relaxed);
  m.bytes_out = bytes_out_.load(std::memory_order_relaxed);
  return m;
}

}  // namespace objstore
