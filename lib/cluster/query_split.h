// How the query-frontend splits a range query (Loki's split_queries_by_interval): at multiples of
// the interval (aligned to the Unix epoch), into pieces whose answers put together
// (query/result_merge.h) are the whole query's answer.
//
// - Log queries: pieces [a, b) in the query's direction order (newest first for backward), each
//   with the query's limit. Not split when the query asks for one entry per `interval`.
// - Metric queries: each piece gets the query's evaluation steps that fall in its interval
//   (start and end moved onto steps, the step kept), in time order; a piece without a step is
//   left out, so the pieces' steps are exactly the query's.
// Instant queries and an interval of 0 give the query unchanged. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "logql/eval/engine.h"

namespace cluster {

std::vector<logql::QueryParams> split_by_interval(const logql::QueryParams& params, bool log_query,
                                                  int64_t interval_ns);

}  // namespace cluster
