// MetricsRecorder: the lock-free counters behind Bucket::metrics(), shared by the backends.
//
// Thread-safe: counters are atomics; snapshot() may run beside any number of writers.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "objstore/bucket.h"

namespace objstore {

enum class Outcome {
  kSuccess,
  kNotFound,
  kClientError,   // a 4xx answer other than 404 (credentials, bad request), or a bad local request
  kServerError,   // 5xx, 429, SlowDown
  kNetworkError,  // no answer: refused, reset, timed out
  kTruncated,     // the body was shorter than announced
  kCancelled,
  kError,         // a local I/O error (filesystem backend)
};
inline constexpr size_t kOutcomeCount = 8;
const char* outcome_name(Outcome outcome);

class MetricsRecorder {
 public:
  // `operations` name the operations by index (request(op, ...) uses the index).
  explicit MetricsRecorder(std::vector<std::string> operations);

  void request(size_t operation, Outcome outcome);
  void retry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void bytes_in(uint64_t n) { bytes_in_.fetch_add(n, std::memory_order_relaxed); }
  void bytes_out(uint64_t n) { bytes_out_.fetch_add(n, std::memory_order_relaxed); }
  BucketMetrics snapshot() const;

 private:
  std::vector<std::string> operations_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // operations_.size() * kOutcomeCount
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
};

}  // namespace objstore
