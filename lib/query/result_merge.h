// Results of one range query evaluated in pieces over disjoint time ranges, put back together as
// the whole query would have answered: by the executor's concurrent step ranges and by the
// query-frontend's split_queries_by_interval pieces. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "logql/eval/engine.h"

namespace query {

// Metric pieces in time order: series matched by labels, points concatenated (the pieces'
// points are disjoint and ascending), series ordered by labels as the engine orders them.
// A piece that is not a matrix is returned as is (the engine answers range queries with matrices).
logql::QueryResult merge_matrix_pieces(std::vector<logql::QueryResult> pieces);

// Log pieces in the query's direction order (newest first for backward), each already limited
// to `limit`: the first `limit` entries of all of them in direction order (0: all), grouped by
// stream, streams ordered by their label string as Loki orders them.
logql::QueryResult merge_stream_pieces(std::vector<logql::QueryResult> pieces, logql::Direction direction,
                                       uint32_t limit);

}  // namespace query
