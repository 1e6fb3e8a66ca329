#include "stages/pipeline.h"

#include "stages/builtin.h"

namespace stages {

void seed_extracted(Entry& entry) {
  entry.extracted.clear();
  for (const auto& l : entry.labels) entry.extracted.set_string(l.name, l.value);
}

Pipeline::Pipeline(std::vector<std::unique_ptr<Stage>> stages, std::shared_ptr<MetricRegistry> registry)
    : stages_(std::move(stages)), registry_(std::move(registry)) {}
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;
Pipeline::~Pipeline() = default;

util::Result<Pipeline> Pipeline::compile(const std::vector<StageSpec>& specs, PipelineOptions options) {
  CompileContext ctx;
  util::Clock& clock = options.clock ? *options.clock : util::system_clock();
  ctx.registry = options.registry ? options.registry : std::make_shared<MetricRegistry>(clock);
  ctx.job_name = options.job_name;
  ctx.clock = &clock;
  return compile_nested_pipeline(specs, ctx);
}

bool Pipeline::buffers() const {
  for (const auto& s : stages_) {
    if (s->buffers()) return true;
  }
  return false;
}

void Pipeline::process(Entry& entry, const EntrySink& sink) {
  seed_extracted(entry);
  run_from(0, entry, sink);
}

bool Pipeline::process_in_place(Entry& entry) {
  seed_extracted(entry);
  return run_in_place(entry);
}

bool Pipeline::run_in_place(Entry& entry) {
  for (const auto& s : stages_) {
    if (!s->process(entry)) return false;
  }
  return true;
}

void Pipeline::run_from(size_t first, Entry& entry, const EntrySink& sink) {
  for (size_t i = first; i < stages_.size(); ++i) {
    Stage& s = *stages_[i];
    if (s.buffers()) {
      s.push(entry, [&, i](Entry& out) { run_from(i + 1, out, sink); });
      return;
    }
    if (!s.process(entry)) return;
  }
  sink(entry);
}

void Pipeline::flush(int64_t now_ns, const EntrySink& sink) {
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (stages_[i]->buffers()) stages_[i]->flush(now_ns, [&, i](Entry& out) { run_from(i + 1, out, sink); });
  }
}

void Pipeline::drain(const EntrySink& sink) {
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (stages_[i]->buffers()) stages_[i]->drain([&, i](Entry& out) { run_from(i + 1, out, sink); });
  }
}

}  // namespace stages
