// Query execution as Loki's querier runs it for the HTTP API: parse, check the tenant's query
// limits, evaluate over a LogSource under a Cancellation (query_timeout, a client gone) that the
// evaluation checks as it goes, and count what was read for the response's "stats". A range metric query over many steps is split into contiguous step ranges that are
// evaluated concurrently (each step of a metric query is independent of the others), so it uses
// every core it is given.
//
// Thread-safety: execute() may be called concurrently; each call gets its own sources.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "logql/eval/engine.h"
#include "logql/eval/source.h"
#include "gotemplate/template.h"
#include "util/cancellation.h"
#include "util/result.h"

namespace query {

struct Limits {
  uint32_t max_entries_limit_per_query = 5000;  // 0 = unlimited
  uint64_t max_query_series = 500;              // 0 = unlimited; enforced at each step
  int64_t query_timeout = 60LL * 1'000'000'000; // ns; 0 = none
  int64_t max_query_length = 0;                 // ns; 0 = unlimited
  int max_concurrent = 2;                       // workers for one range metric query
  uint64_t max_query_result_bytes = 0;          // what a result may hold (logql::QueryParams); 0 = unlimited
  gotemplate::ExecLimits templates{};          // line_format / label_format bounds
};

struct ExecStats {
  uint64_t lines_processed = 0;  // entries read from the sources
  uint64_t bytes_processed = 0;  // their line bytes
  uint64_t entries_returned = 0;
  uint64_t splits = 1;           // sub-ranges evaluated
  double exec_seconds = 0;
};

struct Outcome {
  // Loki's message when the query failed: kInvalidArgument (a bad query or a limit), kTooLarge
  // (max_query_result_bytes), kDeadlineExceeded (query_timeout), kCancelled (the client left), or
  // what the evaluation or the store failed with.
  util::Status status;
  logql::QueryResult result;
  ExecStats stats;
  bool is_log_query = false;
};

// Makes a fresh source for one evaluation (one per concurrent split).
using SourceFactory = std::function<util::Result<std::unique_ptr<logql::LogSource>>()>;

// `cancel` is the query's: its deadline (the caller sets it from limits.query_timeout) and its
// caller's probe. Without one, execute makes its own with limits.query_timeout on the system clock.
Outcome execute(const std::string& query, const logql::QueryParams& params, const SourceFactory& sources,
                const Limits& limits, const util::Cancellation* cancel = nullptr);

}  // namespace query
