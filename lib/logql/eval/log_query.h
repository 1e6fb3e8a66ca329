// Log query evaluation: select the streams, run every entry through the pipeline, and keep the
// first `limit` entries in direction order across all streams (Loki's readStreams), optionally
// thinned to one entry per `interval`. Output streams are grouped by resulting labels and sorted
// by their label string, as Loki does.
#pragma once

#include "logql/eval/engine.h"

namespace logql {

util::Result<QueryResult> evaluate_log_query(const ast::LogSelector& selector, const QueryParams& params,
                                             LogSource& source);

}  // namespace logql
