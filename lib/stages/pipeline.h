// Pipeline: Promtail's `pipeline_stages` compiled into a chain of stages, run entry by entry.
//
//   auto specs = stages::parse_pipeline_stages(yaml_text, "pipeline_stages");  // stages_yaml.h
//   auto p = stages::Pipeline::compile(*specs, {.registry = registry});
//   p->process(entry, [&](stages::Entry& out) { ship(out); });
//   ... periodically: p->flush(now_ns, sink);   at shutdown: p->drain(sink);
//
// As in Promtail, the extracted map starts as a copy of the entry's labels. Compilation checks
// everything Promtail checks (and rejects unknown stages and keys, naming them), so a pipeline
// that compiles never fails per entry: entries are transformed, dropped (and counted in the
// registry's logentry_dropped_lines_total{reason}) or, for multiline/cri, held and emitted later.
//
// Not thread-safe: stages keep state (rate limiters, buffered lines). Run one pipeline per
// thread, or serialize calls. The MetricRegistry it writes to is thread-safe and may be shared.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stages/entry.h"
#include "stages/metric_registry.h"
#include "stages/stage.h"
#include "stages/stage_spec.h"
#include "util/result.h"

namespace stages {

struct PipelineOptions {
  // Where metrics stages and drop counters go; a private registry is created when null.
  std::shared_ptr<MetricRegistry> registry;
  // The scrape config's job_name (match stages name their nested pipelines after it).
  std::optional<std::string> job_name;
  // "Now" for older_than, pack's ingest timestamp, limit, multiline's max_wait_time, and the
  // private registry's. Null: the system clock. Must outlive the pipeline.
  util::Clock* clock = nullptr;
};

class Pipeline {
 public:
  // Compiles read stage specs (none: an empty pipeline). Errors name the stage's key path.
  static util::Result<Pipeline> compile(const std::vector<StageSpec>& specs, PipelineOptions options = {});

  // Runs an entry read from a target: seeds the extracted map from the labels, then runs every
  // stage; `sink` receives each entry that comes out (none if dropped or held back).
  void process(Entry& entry, const EntrySink& sink);
  // The same for pipelines without buffering stages (buffers() == false): true when the entry
  // survived, transformed in place. Cheaper: no sink call.
  bool process_in_place(Entry& entry);

  // Emits what buffering stages have held longer than they may (multiline max_wait_time).
  void flush(int64_t now_ns, const EntrySink& sink);
  // Emits everything still held (end of input, shutdown).
  void drain(const EntrySink& sink);

  // True when some stage holds entries back (multiline, cri), so process() may emit later.
  bool buffers() const;
  size_t size() const { return stages_.size(); }
  const std::shared_ptr<MetricRegistry>& registry() const { return registry_; }

  // Runs the stages without seeding the extracted map (nested pipelines of match stages).
  void run(Entry& entry, const EntrySink& sink) { run_from(0, entry, sink); }
  bool run_in_place(Entry& entry);

  Pipeline(Pipeline&&) noexcept;
  Pipeline& operator=(Pipeline&&) noexcept;
  ~Pipeline();

  // Used by the stage compilers (match, docker, cri) to build nested pipelines.
  Pipeline(std::vector<std::unique_ptr<Stage>> stages, std::shared_ptr<MetricRegistry> registry);

 private:
  void run_from(size_t first, Entry& entry, const EntrySink& sink);
  std::vector<std::unique_ptr<Stage>> stages_;
  std::shared_ptr<MetricRegistry> registry_;
};

// Seeds the extracted map from the labels, as Promtail does before the first stage.
void seed_extracted(Entry& entry);

}  // namespace stages
