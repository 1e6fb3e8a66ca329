// Compiled log pipelines: the stages after a stream selector (line filters, parsers, label
// filters, formatters, drop/keep), and sample extraction for metric queries. Mirrors Loki's
// pkg/logql/log: compile once per query, instantiate once per stream, run once per entry.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "logql/ast.h"
#include "gotemplate/template.h"
#include "model/labels.h"
#include "util/result.h"

namespace logql::log {

// The labels an entry ends up with after the pipeline: stream labels, structured metadata and
// extracted labels merged (plus `__error__`/`__error_details__` when a stage failed).
// A StreamSampleExtractor interns them: the same resulting set is the same object, so callers
// can group samples by pointer. A StreamPipeline interns the first few thousand distinct sets
// only (see LabelsBuilder): group its entries by `hash` and label equality.
struct ResultLabels {
  model::LabelSet labels;
  uint64_t hash = 0;  // labels.fingerprint()
};

// An entry's labels kept apart by category, as Loki's LabelsResult splits them for answers with
// the `categorize-labels` encoding flag: what is left of the stream's labels (interned like
// ResultLabels, so entries of one output stream share it), the structured metadata, and the
// labels the stages extracted or formatted (with `__error__`/`__error_details__`, which Loki
// files as parsed). The three never share a name; labels with empty values are left out, as
// in ResultLabels.
struct CategorizedLabels {
  const ResultLabels* stream = nullptr;
  model::LabelSet metadata;
  model::LabelSet parsed;
};

// Runs entries of one stream through the stages. Not thread-safe; one per stream per query.
class StreamPipeline {
 public:
  virtual ~StreamPipeline() = default;
  // Returns false when a stage filtered the entry out. Otherwise `line_out` is the (possibly
  // rewritten) line, and `labels_out` the entry's resulting labels, both valid until the next
  // call.
  virtual bool process(int64_t ts, std::string_view line, const model::LabelSet& metadata,
                       std::string_view& line_out, const ResultLabels*& labels_out) = 0;
  // The same, with the resulting labels kept apart by category (only answers that ask for
  // categories pay for building them). `labels_out.stream` is valid until the next call.
  virtual bool process_categorized(int64_t ts, std::string_view line, const model::LabelSet& metadata,
                                   std::string_view& line_out, CategorizedLabels& labels_out) = 0;
};

// Per-query settings of a compiled pipeline or sample extractor.
struct PipelineOptions {
  // Bounds on each line_format / label_format execution, and the query's cancellation.
  gotemplate::ExecLimits templates;
};

// A compiled pipeline. Immutable and shareable across threads.
class Pipeline {
 public:
  static util::Result<Pipeline> compile(const std::vector<ast::Stage>& stages, const PipelineOptions& options = {});

  std::unique_ptr<StreamPipeline> for_stream(const model::LabelSet& stream) const;
  // True when there are no stages: entries pass unchanged with the stream's labels.
  bool is_noop() const;

  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;
  ~Pipeline();
  struct Impl;

 private:
  explicit Pipeline(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Turns entries of one stream into samples for a range aggregation.
class StreamSampleExtractor {
 public:
  virtual ~StreamSampleExtractor() = default;
  // Returns false when the entry is filtered out. Otherwise `value` is the sample (1 per entry
  // for count/rate/absent, the processed line's byte length for bytes_*, the unwrapped label's
  // value otherwise) and `labels_out` the series it belongs to: resulting labels without the
  // unwrapped label, reduced by the range aggregation's by/without grouping when it has one.
  virtual bool process(int64_t ts, std::string_view line, const model::LabelSet& metadata, double& value,
                       const ResultLabels*& labels_out) = 0;
};

// A compiled sample extractor for `op(range)` with an optional grouping. Immutable.
class SampleExtractor {
 public:
  static util::Result<SampleExtractor> compile(const ast::LogRange& range, ast::RangeOp op,
                                               const std::optional<ast::Grouping>& grouping,
                                               const PipelineOptions& options = {});

  std::unique_ptr<StreamSampleExtractor> for_stream(const model::LabelSet& stream) const;

  SampleExtractor(SampleExtractor&&) noexcept;
  SampleExtractor& operator=(SampleExtractor&&) noexcept;
  ~SampleExtractor();
  struct Impl;

 private:
  explicit SampleExtractor(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace logql::log
