// Helpers for pipeline stage tests: compile a YAML pipeline, run entries, collect the output.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>


#include "stages/pipeline.h"
#include "stages/stages_yaml.h"

namespace stages_test {

inline constexpr int64_t kNow = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z

struct Harness {
  util::FakeClock clock{kNow};
  std::shared_ptr<stages::MetricRegistry> registry;
  stages::Pipeline pipeline;

  explicit Harness(const std::string& yaml)
      : registry(std::make_shared<stages::MetricRegistry>(clock)), pipeline(compile(yaml)) {}
  int64_t now() const { return clock.now_ns(); }

  stages::Pipeline compile(const std::string& yaml) {
    stages::PipelineOptions opts;
    opts.registry = registry;
    opts.clock = &clock;
    auto p = stages::compile_pipeline_yaml(yaml, opts);
    REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error()));
    return std::move(p).value();
  }

  // Runs one entry; returns what came out.
  std::vector<stages::Entry> run(const std::string& line, model::LabelSet labels = {}, int64_t ts = kNow) {
    stages::Entry e;
    e.line = line;
    e.labels = std::move(labels);
    e.timestamp = ts;
    std::vector<stages::Entry> out;
    pipeline.process(e, [&](stages::Entry& o) { out.push_back(o); });
    return out;
  }

  // Runs one entry that must come out; returns it.
  stages::Entry one(const std::string& line, model::LabelSet labels = {}, int64_t ts = kNow) {
    auto out = run(line, std::move(labels), ts);
    REQUIRE(out.size() == 1);
    return out[0];
  }

  double drops(const std::string& reason) {
    auto f = registry->find(stages::kDroppedLinesMetric);
    auto v = f->value(model::LabelSet{{"reason", reason}});
    return v.value_or(0);
  }
};

// The error of a pipeline that must not compile.
inline std::string compile_error(const std::string& yaml) {
  auto p = stages::compile_pipeline_yaml(yaml);
  REQUIRE_MESSAGE(!p.ok(), yaml);
  return p.error();
}

inline std::string str(const stages::Entry& e, const std::string& key) {
  const auto* v = e.extracted.find(key);
  if (!v) return "<missing>";
  return stages::value_to_string(*v).value_or("<non-string>");
}

}  // namespace stages_test
