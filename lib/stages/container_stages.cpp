// docker and cri: the predefined pipelines for container runtime log formats. docker parses
// Docker's JSON lines; cri parses `<time> <stream> <flags> <content>` and joins partial lines
// (flag P) of a stream until the full line (flag F), bounded by max_partial_lines streams and,
// with max_partial_line_size_truncate, max_partial_line_size bytes.
#include <map>

#include "model/time.h"
#include "stages/builtin.h"

namespace stages {

namespace {

// A stage of a predefined pipeline, named after the stage that uses it.
StageSpec nested(std::string where, std::string name, decltype(StageSpec::settings) settings) {
  return StageSpec{std::move(name), std::move(where), std::move(settings)};
}

// docker = json + labels + timestamp + output, exactly as Promtail composes it.
std::vector<StageSpec> docker_stages(const std::string& where) {
  return {
      nested(where, "json", JsonSpec{.expressions = {{"output", "log"}, {"stream", "stream"}, {"timestamp", "time"}}}),
      nested(where, "labels", LabelsSpec{.mapping = {{"stream", std::nullopt}}}),
      nested(where, "timestamp", TimestampSpec{.source = "timestamp", .format = "RFC3339Nano"}),
      nested(where, "output", OutputSpec{.source = "output"}),
  };
}

// cri = regex + labels + timestamp + output.
std::vector<StageSpec> cri_stages(const std::string& where) {
  return {
      nested(where, "regex",
             RegexSpec{.expression = R"(^(?s)(?P<time>\S+?) (?P<stream>stdout|stderr) (?P<flags>\S+?) (?P<content>.*)$)"}),
      nested(where, "labels", LabelsSpec{.mapping = {{"stream", std::nullopt}}}),
      nested(where, "timestamp", TimestampSpec{.source = "time", .format = "RFC3339Nano"}),
      nested(where, "output", OutputSpec{.source = "content"}),
  };
}

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

StageResult compile_docker(const DockerSpec&, const std::string& where, const CompileContext& ctx) {
  auto base = compile_nested_pipeline(docker_stages(where), ctx);
  if (!base.ok()) return base.status_error();
  return std::unique_ptr<Stage>(std::make_unique<DockerStage>(std::move(*base)));
}

StageResult compile_cri(const CriSpec& spec, const std::string& where, const CompileContext& ctx) {
  auto base = compile_nested_pipeline(cri_stages(where), ctx);
  if (!base.ok()) return base.status_error();
  size_t lines = spec.max_partial_lines && *spec.max_partial_lines > 0 ? static_cast<size_t>(*spec.max_partial_lines)
                                                                       : 100;
  return std::unique_ptr<Stage>(std::make_unique<CriStage>(std::move(*base), lines, spec.max_partial_line_size,
                                                           spec.max_partial_line_size_truncate));
}

}  // namespace stages
