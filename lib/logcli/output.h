// How logcli prints query results, matching Loki's logcli: `default` (timestamp, labels, line),
// `raw` (the line only) and `jsonl` (one JSON object per entry); metric results are printed as
// indented JSON in every mode, as Loki's logcli does.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "query/volume.h"

#include "logql/eval/engine.h"

namespace logcli {

enum class OutputMode { Default, Raw, Jsonl };

struct OutputOptions {
  OutputMode mode = OutputMode::Default;
  bool no_labels = false;
  bool quiet = false;            // no "Common labels:" notes on stderr
  bool color = false;            // ANSI colours (only when stdout is a terminal)
  bool utc = false;              // print timestamps in UTC instead of the local zone
  int fixed_labels_length = 0;   // pad labels to at least this width (--labels-length)
  std::vector<std::string> include_labels;  // --include-label: print only these labels
  std::vector<std::string> exclude_labels;  // --exclude-label: never print these labels
};

// Prints a whole result. Log entries are merged across streams and ordered by time in the
// query's direction, as logcli does.
void print_result(const logql::QueryResult& result, logql::Direction direction, const OutputOptions& opts,
                  std::FILE* out, std::FILE* err);

// The entries of the final timestamp of a printed page. Loki's logcli batches by starting the
// next request at that timestamp, so the next page repeats them and they are skipped there.
struct PageOverlap {
  int64_t timestamp = 0;
  std::vector<std::string> lines;
};

// Prints the log streams of one page as Loki's logcli does (printStream): entries of `skip`'s
// timestamp whose line is in `skip` are not printed again. Returns the number printed and, in
// `last`, the page's final-timestamp entries (empty when the page had none).
size_t print_streams(const std::vector<logql::Stream>& streams, logql::Direction direction, const OutputOptions& opts,
                     std::FILE* out, std::FILE* err, const PageOverlap* skip, PageOverlap* last);

// The jsonl form of one entry: {"labels":{...},"line":"...","timestamp":"<RFC3339Nano>"}, with
// "structured_metadata":{...} before the timestamp when the entry has some. `labels` may be the
// entry's merged labels or its stream labels only (categorized): the printed labels are them
// with the entry's parsed labels and without the names of its structured metadata.
std::string format_jsonl_entry(const model::LabelSet& labels, const model::Entry& entry, const OutputOptions& opts);

// Loki's JSON forms of metric results (the API's `result` value), indented with two spaces.
std::string format_matrix_json(const std::vector<logql::Series>& matrix);
std::string format_vector_json(const std::vector<logql::VectorSample>& vector);
// `logcli volume` (a vector: each series' first point) and `volume_range` (a matrix), printed
// as instant-query and query print theirs; metrics keep labels with empty values.
std::string format_volume_json(const std::vector<query::VolumeSeries>& series, bool range);
std::string format_scalar_json(const logql::Point& scalar);

// The timestamp form used in output: RFC3339 (seconds) for `default`, RFC3339Nano for jsonl.
std::string format_time(int64_t ns, bool nano, bool utc);

}  // namespace logcli
