// Log query evaluation: select the streams, run every entry through the pipeline, and keep the
// first `limit` entries in direction order across all streams (Loki's readStreams), optionally
// thinned to one entry per `interval`. Output streams are grouped by resulting labels and sorted
// by their label string, as Loki does. stream_log_query gives the entries as they are found, for
// clients that print entries rather than streams.
#pragma once

#include "logql/eval/engine.h"
#include "logql/log/pipeline.h"

namespace logql {

// The options pipelines of a query are compiled with: its template bounds, carrying its
// cancellation.
log::PipelineOptions pipeline_options_of(const QueryParams& params);

util::Result<QueryResult> evaluate_log_query(const ast::LogSelector& selector, const QueryParams& params,
                                             LogSource& source);

// The same entries one at a time (see stream_log_entries in engine.h).
util::Status stream_log_query(const ast::LogSelector& selector, const QueryParams& params, LogSource& source,
                              const EntryCallback& emit);

}  // namespace logql
