// The LogQL evaluator: runs a parsed query over a LogSource, for a range or an instant, with
// Loki's semantics (log queries with limit and direction; metric queries stepped from start to
// end with each range window (t-range-offset, t-offset]).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "logql/ast.h"
#include "logql/eval/source.h"
#include "gotemplate/template.h"
#include "model/entry.h"
#include "model/labels.h"
#include "util/cancellation.h"
#include "util/result.h"

namespace logql {

struct QueryParams {
  int64_t start = 0;  // ns; for an instant query start == end == the evaluation time
  int64_t end = 0;    // ns
  int64_t step = 0;   // ns; 0 for instant queries
  int64_t interval = 0;  // ns; log queries only: return at most one entry per interval (0 = all)
  Direction direction = Direction::Backward;
  uint32_t limit = 100;  // log queries: max entries in total; 0 = no limit
  bool instant = false;
  // Log queries: answer with the labels kept apart by category, as Loki does for the
  // `categorize-labels` encoding flag: each Stream holds only what is left of the stream's
  // labels (entries are grouped by those), and each entry carries its structured metadata and
  // parsed labels (model::Entry::metadata, ::parsed) after the pipeline. Without it, streams are
  // grouped by all of an entry's labels merged. Metric queries ignore it, as Loki does.
  bool categorize_labels = false;

  // Enforced while evaluating, so that a query stops before it spends the time or the memory
  // rather than after (0: unlimited):
  // - `cancel` (the deadline, a client gone) is checked every few thousand entries read, at
  //   every step, inside templates and by the sources' readers; a query it stops fails with
  //   its status (kDeadlineExceeded or kCancelled);
  // - max_series: series in a metric result (Loki's max_query_series), checked at each step;
  // - max_result_bytes: what a result holds (log lines and stream labels; series labels and
  //   16 bytes per point), kTooLarge past it;
  // - templates: bounds on each line_format / label_format execution (its own `cancel` is
  //   replaced by this one).
  const util::Cancellation* cancel = nullptr;
  uint64_t max_series = 0;
  uint64_t max_result_bytes = 0;
  gotemplate::ExecLimits templates{};
};

// Loki's message when a metric query's result has more than `limit` series.
std::string max_series_message(uint64_t limit);
// The message when a result needs more than `limit` bytes (max_result_bytes).
std::string max_result_bytes_message(uint64_t limit);

struct Stream {
  model::LabelSet labels;  // all of the entries' labels; the stream labels only when categorized
  std::vector<model::Entry> entries;  // in the query's direction
};

struct Point {
  int64_t t = 0;  // ns
  double v = 0;
};

struct Series {
  model::LabelSet labels;
  std::vector<Point> points;  // ascending time
};

struct VectorSample {
  model::LabelSet labels;
  Point point;
};

enum class ResultType { Streams, Matrix, Vector, Scalar };

struct QueryResult {
  ResultType type = ResultType::Streams;
  std::vector<Stream> streams;       // Streams
  std::vector<Series> matrix;        // Matrix (range metric queries)
  std::vector<VectorSample> vector;  // Vector (instant metric queries)
  Point scalar;                      // Scalar
};

// Evaluates `expr`. Errors are user-facing messages (e.g. "log queries are not supported as an
// instant query type", "multiple series" conflicts in binary matching).
util::Result<QueryResult> evaluate(const ast::Expr& expr, const QueryParams& params, LogSource& source);

// A log query's entries one at a time instead of a QueryResult (constant memory for clients that
// print entries): the entries evaluate() would return, in time order in the query's direction,
// equal timestamps ordered by their labels' string (then as read), as a client prints a result.
// `labels` and `entry` are valid during the call (with categorize_labels, `labels` are the stream
// labels and `entry` carries the metadata and parsed labels). Errors as evaluate()'s; a metric
// query is one.
using EntryCallback = std::function<void(const model::LabelSet& labels, const model::Entry& entry)>;
util::Status stream_log_entries(const ast::Expr& expr, const QueryParams& params, LogSource& source,
                                const EntryCallback& emit);

}  // namespace logql
