// The LogSource of one tenant of a BucketStore: index lookup, then one StreamIterator per
// matching series, merged across series in direction order.
#include <variant>

#include "logql/eval/merge_iterators.h"
#include "store/layout.h"
#include "store/bucket_store.h"
#include "store/stream_iterator.h"

namespace store {
namespace {

// Literal `|=` filters that every returned line must contain: those before the first stage that
// rewrites the line (line_format, decolorize). Parsers and label stages leave the line alone.
NeedleGroups needles_of(const std::vector<logql::ast::Stage>* stages) {
  NeedleGroups out;
  if (!stages) return out;
  for (const auto& stage : *stages) {
    if (std::holds_alternative<logql::ast::LineFormat>(stage) || std::holds_alternative<logql::ast::Decolorize>(stage)) {
      break;
    }
    const auto* f = std::get_if<logql::ast::LineFilter>(&stage);
    if (!f || f->op != logql::ast::LineFilterOp::Contains || f->ip || f->values.empty()) continue;
    bool matches_all = false;
    for (const auto& v : f->values) matches_all |= v.empty();
    if (!matches_all) out.push_back(f->values);
  }
  return out;
}

class StoreSource : public logql::LogSource {
 public:
  StoreSource(std::shared_ptr<StoreState> state, std::string tenant)
      : state_(std::move(state)), tenant_(std::move(tenant)) {}

  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    auto series = state_->series_chunks(tenant_, to_index_matchers(params.matchers), params.start, params.end);
    if (!series.ok()) return series.status_error();
    if (series->empty()) return logql::merge_iterators({}, params.direction);
    auto ctx = std::make_shared<ReadContext>();
    ctx->tenant = tenant_;
    ctx->chunks = state_->chunks.get();
    ctx->catalog = state_->catalog.get();
    ctx->start = params.start;
    ctx->end = params.end;
    ctx->forward = params.direction == logql::Direction::Forward;
    ctx->needles = std::make_shared<const NeedleGroups>(needles_of(params.stages));
    ctx->use_block_filters = state_->use_block_filters;
    ctx->pool = state_->read_pool.get();
    ctx->warn = state_->warn;
    ctx->chunks_opened = &state_->chunks_opened;
    ctx->corrupt_skipped = &state_->corrupt_chunks_skipped;
    ctx->cancel = params.cancel;
    // The iterators point at the state's counters; keep the state alive as long as they live.
    std::shared_ptr<const ReadContext> shared(ctx.get(), [ctx, state = state_](const ReadContext*) {});
    std::vector<std::unique_ptr<logql::EntryIterator>> streams;
    streams.reserve(series->size());
    for (auto& [labels, chunks] : *series) {
      streams.push_back(std::make_unique<StreamIterator>(labels, std::move(chunks), shared));
    }
    return logql::merge_iterators(std::move(streams), params.direction);
  }

 private:
  std::shared_ptr<StoreState> state_;
  std::string tenant_;
};

}  // namespace

std::unique_ptr<logql::LogSource> make_store_source(std::shared_ptr<StoreState> state, std::string tenant) {
  return std::make_unique<StoreSource>(std::move(state), std::move(tenant));
}

}  // namespace store
