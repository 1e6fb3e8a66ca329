// Placeholder until the pipeline lands; keeps the tree linking.
#include "logql/log/pipeline.h"

namespace logql::log {

struct Pipeline::Impl {};
struct SampleExtractor::Impl {};

util::Result<Pipeline> Pipeline::compile(const std::vector<ast::Stage>&) {
  return util::Error{"pipelines not implemented yet"};
}
std::unique_ptr<StreamPipeline> Pipeline::for_stream(const model::LabelSet&) const { return nullptr; }
bool Pipeline::is_noop() const { return true; }
Pipeline::Pipeline(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;
Pipeline::~Pipeline() = default;

util::Result<SampleExtractor> SampleExtractor::compile(const ast::LogRange&, ast::RangeOp,
                                                       const std::optional<ast::Grouping>&) {
  return util::Error{"sample extraction not implemented yet"};
}
std::unique_ptr<StreamSampleExtractor> SampleExtractor::for_stream(const model::LabelSet&) const { return nullptr; }
SampleExtractor::SampleExtractor(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
SampleExtractor::SampleExtractor(SampleExtractor&&) noexcept = default;
SampleExtractor& SampleExtractor::operator=(SampleExtractor&&) noexcept = default;
SampleExtractor::~SampleExtractor() = default;

}  // namespace logql::log
