// SampleExtractor: a compiled pipeline plus the value each entry contributes to a range
// aggregation (Loki's lineSampleExtractor and labelSampleExtractor).
#include <algorithm>

#include "golang/strconv.h"
#include "golang/duration.h"
#include "logql/log/label_filter.h"
#include "logql/log/labels_builder.h"
#include "logql/log/pipeline.h"
#include "logql/log/stage_compiler.h"
#include "model/time.h"

namespace logql::log {

struct SampleExtractor::Impl {
  CompiledStages stages;
  bool bytes = false;  // bytes_rate / bytes_over_time: the line length, else 1 per entry
  std::optional<ast::Unwrap> unwrap;
  std::vector<std::unique_ptr<LabelFilterNode>> post_filters;
  GroupingSpec grouping;
  ParserHints hints;
};

namespace {

util::Result<double> convert(ast::UnwrapConversion conv, std::string_view v) {
  switch (conv) {
    case ast::UnwrapConversion::None:
      return golang::parse_float(v);
    case ast::UnwrapConversion::Duration:
    case ast::UnwrapConversion::DurationSeconds: {
      auto d = golang::parse_duration(v);
      if (!d.ok()) return d.status_error();
      int64_t sec = *d / model::kNanosPerSecond, nsec = *d % model::kNanosPerSecond;
      return static_cast<double>(sec) + static_cast<double>(nsec) / 1e9;
    }
    case ast::UnwrapConversion::Bytes: {
      auto b = model::parse_bytes(v);
      if (!b.ok()) return b.status_error();
      return static_cast<double>(*b);
    }
  }
  return util::Error{"unsupported conversion"};
}

class StreamSampleExtractorImpl final : public StreamSampleExtractor {
 public:
  StreamSampleExtractorImpl(std::shared_ptr<const SampleExtractor::Impl> impl, const model::LabelSet& stream)
      : impl_(std::move(impl)), stream_(stream), lbs_(stream_, impl_->grouping), scratch_(impl_->stages.stages.size()) {
    if (impl_->hints.active()) lbs_.set_parser_hints(&impl_->hints);
  }

  bool process(int64_t ts, std::string_view line, const model::LabelSet& metadata, double& value,
               const ResultLabels*& labels_out) override {
    lbs_.reset();
    if (!run_stages(impl_->stages, ts, line, metadata, lbs_, scratch_)) return false;
    if (!impl_->unwrap) {
      value = impl_->bytes ? static_cast<double>(line.size()) : 1.0;
      labels_out = lbs_.grouped_result();
      return true;
    }
    auto raw = lbs_.get(impl_->unwrap->label);
    if (!raw || raw->empty()) return false;  // entries without the label make no sample
    auto v = convert(impl_->unwrap->conversion, *raw);
    if (v.ok()) {
      value = *v;
    } else {
      value = 0;
      lbs_.set_error(kErrSampleExtraction);
      lbs_.set_error_details(v.error());
    }
    for (const auto& f : impl_->post_filters)
      if (!f->process(lbs_)) return false;
    labels_out = lbs_.grouped_result();
    return true;
  }

 private:
  std::shared_ptr<const SampleExtractor::Impl> impl_;
  model::LabelSet stream_;
  LabelsBuilder lbs_;
  std::vector<StageScratch> scratch_;
};

}  // namespace

util::Result<SampleExtractor> SampleExtractor::compile(const ast::LogRange& range, ast::RangeOp op,
                                                       const std::optional<ast::Grouping>& grouping,
                                                       const PipelineOptions& options) {
  auto impl = std::make_shared<Impl>();
  auto c = compile_stages(range.selector.stages, options.templates);
  if (!c.ok()) return c.status_error();
  impl->stages = std::move(*c);
  impl->bytes = op == ast::RangeOp::BytesRate || op == ast::RangeOp::BytesOverTime;
  bool line_op = op == ast::RangeOp::Rate || op == ast::RangeOp::CountOverTime || op == ast::RangeOp::AbsentOverTime ||
                 impl->bytes;
  // rate and absent_over_time work on both: rate of an unwrapped range is the per-second sum.
  bool line_only = op == ast::RangeOp::CountOverTime || impl->bytes;
  if (!line_op && !range.unwrap) return util::Error{"invalid aggregation without unwrap"};
  if (line_only && range.unwrap) return util::Error{"invalid aggregation with unwrap"};
  // Loki groups absent_over_time into nothing: it only needs to know whether entries exist.
  const bool hint_no_labels =
      op == ast::RangeOp::AbsentOverTime || (grouping && grouping->labels.empty() && !grouping->without);
  std::vector<std::string> hint_groups = grouping ? grouping->labels : std::vector<std::string>{};
  static const std::vector<ast::LabelFilter> kNoFilters;
  impl->hints = make_parser_hints(range.selector.stages, range.unwrap ? range.unwrap->post_filters : kNoFilters,
                                  hint_groups, grouping && grouping->without, hint_no_labels,
                                  range.unwrap ? std::string_view(range.unwrap->label) : std::string_view());
  if (grouping) {
    impl->grouping.groups = grouping->labels;
    impl->grouping.without = grouping->without;
    impl->grouping.no_labels = grouping->labels.empty() && !grouping->without;
  }
  if (range.unwrap) {
    impl->unwrap = ast::Unwrap{range.unwrap->label, range.unwrap->conversion, {}};
    for (const auto& f : range.unwrap->post_filters) {
      auto node = compile_label_filter(f);
      if (!node.ok()) return node.status_error();
      impl->post_filters.push_back(std::move(*node));
    }
    // Without a `by`, the unwrapped label is dropped from the series (Loki groups `without` it).
    if (impl->grouping.groups.empty() || impl->grouping.without) {
      impl->grouping.without = true;
      impl->grouping.groups.push_back(range.unwrap->label);
      std::sort(impl->grouping.groups.begin(), impl->grouping.groups.end());
    }
  }
  return SampleExtractor(std::move(impl));
}

std::unique_ptr<StreamSampleExtractor> SampleExtractor::for_stream(const model::LabelSet& stream) const {
  return std::make_unique<StreamSampleExtractorImpl>(impl_, stream);
}

SampleExtractor::SampleExtractor(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
SampleExtractor::SampleExtractor(SampleExtractor&&) noexcept = default;
SampleExtractor& SampleExtractor::operator=(SampleExtractor&&) noexcept = default;
SampleExtractor::~SampleExtractor() = default;

}  // namespace logql::log
