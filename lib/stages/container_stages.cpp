// docker and cri: the predefined pipelines for container runtime log formats. docker parses
// Docker's JSON lines; cri parses `<time> <stream> <flags> <content>` and joins partial lines
// (flag P) of a stream until the full line (flag F), bounded by max_partial_lines streams and,
// with max_partial_line_size_truncate, max_partial_line_size bytes.
#include <map>

#include "model/time.h"
#include "stages/builtin.h"

namespace stages {

namespace {

// docker = json + labels + timestamp + output, exactly as Promtail composes it.
constexpr const char* kDockerStages = R"(
- json: {expressions: {output: log, stream: stream, timestamp: time}}
- labels: {stream: }
- timestamp: {source: timestamp, format: RFC3339Nano}
- output: {source: output}
)";

constexpr const char* kCriStages = R"(
- regex: {expression: '^(?s)(?P<time>\S+?) (?P<stream>stdout|stderr) (?P<flags>\S+?) (?P<content>.*)$'}
- labels: {stream: }
- timestamp: {source: time, format: RFC3339Nano}
- output: {source: content}
)";

class DockerStage final : public Stage {
 public:
  explicit DockerStage(Pipeline base) : base_(std::move(base)) {}
  std::string_view name() const override { return "docker"; }
  bool process(Entry& e) override { return base_.run_in_place(e); }

 private:
  Pipeline base_;
};

class CriStage final : public Stage {
 public:
  CriStage(Pipeline base, size_t max_partial_lines, uint64_t max_line_size, bool truncate)
      : base_(std::move(base)), max_partial_lines_(max_partial_lines), max_line_size_(max_line_size), truncate_(truncate) {}
  std::string_view name() const override { return "cri"; }
  bool buffers() const override { return true; }
  bool process(Entry& e) override { return base_.run_in_place(e); }  // used only through push()

  void push(Entry& e, const EntrySink& next) override {
    if (!base_.run_in_place(e)) return;
    uint64_t stream = e.labels.fingerprint();
    const json* flags = e.extracted.find("flags");
    bool partial = flags && flags->is_string() && flags->get_ref<const std::string&>() == "P";
    auto prev = partials_.find(stream);
    if (partial) {
      if (prev == partials_.end() && partials_.size() >= max_partial_lines_) {
        // Too many streams mid-line: send what we hold as is, and start over with this one.
        drain(next);
        prev = partials_.end();
      }
      if (prev != partials_.end()) {
        // The newest part's entry (its timestamp) carries the joined line, as in Promtail.
        prev->second.line += e.line;
        e.line.swap(prev->second.line);
        truncate(e);
        prev->second = std::move(e);
      } else {
        truncate(e);
        partials_.emplace(stream, std::move(e));
      }
      return;
    }
    if (prev != partials_.end()) {
      prev->second.line += e.line;
      e.line.swap(prev->second.line);
      truncate(e);
      partials_.erase(prev);
    }
    next(e);
  }

  void drain(const EntrySink& next) override {
    for (auto& [fp, e] : partials_) next(e);
    partials_.clear();
  }

 private:
  void truncate(Entry& e) const {
    if (truncate_ && max_line_size_ > 0 && e.line.size() > max_line_size_) e.line.resize(max_line_size_);
  }

  Pipeline base_;
  size_t max_partial_lines_;
  uint64_t max_line_size_;
  bool truncate_;
  std::map<uint64_t, Entry> partials_;  // by stream fingerprint
};

}  // namespace

std::unique_ptr<Stage> compile_docker(const YAML::Node& node, const CompileContext& ctx) {
  StageConfig cfg(node, "docker");
  cfg.finish();
  return std::make_unique<DockerStage>(compile_nested_pipeline(YAML::Load(kDockerStages), ctx));
}

std::unique_ptr<Stage> compile_cri(const YAML::Node& node, const CompileContext& ctx) {
  StageConfig cfg(node, "cri");
  auto max_lines = cfg.integer("max_partial_lines");
  auto max_size = cfg.string("max_partial_line_size");
  bool truncate = cfg.boolean("max_partial_line_size_truncate").value_or(false);
  cfg.finish();
  uint64_t size = 0;
  if (max_size) {
    auto b = model::parse_bytes(*max_size);
    if (!b.ok()) cfg.fail("invalid size in \"max_partial_line_size\": " + b.error());
    size = *b;
  }
  size_t lines = max_lines && *max_lines > 0 ? static_cast<size_t>(*max_lines) : 100;
  return std::make_unique<CriStage>(compile_nested_pipeline(YAML::Load(kCriStages), ctx), lines, size, truncate);
}

}  // namespace stages
