// Pipeline and StreamPipeline: compiled stages plus, per stream, a LabelsBuilder and the
// stages' scratch buffers.
#include "logql/log/pipeline.h"

#include "logql/log/labels_builder.h"
#include "logql/log/stage_compiler.h"

namespace logql::log {

struct Pipeline::Impl {
  CompiledStages stages;
};

namespace {

class StreamPipelineImpl final : public StreamPipeline {
 public:
  // Enough for every label combination of a typical `| logfmt` or `| json` filter query; a
  // per-entry-unique set (a timestamp or ID extracted) goes to the builder's scratch slot.
  static constexpr size_t kMaxInterned = 4096;
  StreamPipelineImpl(std::shared_ptr<const Pipeline::Impl> impl, const model::LabelSet& stream)
      : impl_(std::move(impl)), stream_(stream), lbs_(stream_, {}, kMaxInterned),
        scratch_(impl_->stages.stages.size()) {}

  bool process(int64_t ts, std::string_view line, const model::LabelSet& metadata, std::string_view& line_out,
               const ResultLabels*& labels_out) override {
    lbs_.reset();
    if (!run_stages(impl_->stages, ts, line, metadata, lbs_, scratch_)) return false;
    line_out = line;
    labels_out = lbs_.result();
    return true;
  }

  bool process_categorized(int64_t ts, std::string_view line, const model::LabelSet& metadata,
                           std::string_view& line_out, CategorizedLabels& labels_out) override {
    lbs_.reset();
    if (!run_stages(impl_->stages, ts, line, metadata, lbs_, scratch_)) return false;
    line_out = line;
    lbs_.categorized_result(labels_out);
    return true;
  }

 private:
  std::shared_ptr<const Pipeline::Impl> impl_;
  model::LabelSet stream_;  // owned: the builder keeps a pointer to it
  LabelsBuilder lbs_;
  std::vector<StageScratch> scratch_;
};

}  // namespace

util::Result<Pipeline> Pipeline::compile(const std::vector<ast::Stage>& stages, const PipelineOptions& options) {
  auto c = compile_stages(stages, options.templates);
  if (!c.ok()) return c.status_error();
  auto impl = std::make_shared<Impl>();
  impl->stages = std::move(*c);
  return Pipeline(std::move(impl));
}

std::unique_ptr<StreamPipeline> Pipeline::for_stream(const model::LabelSet& stream) const {
  return std::make_unique<StreamPipelineImpl>(impl_, stream);
}

bool Pipeline::is_noop() const { return impl_->stages.stages.empty(); }

Pipeline::Pipeline(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;
Pipeline::~Pipeline() = default;

}  // namespace logql::log
