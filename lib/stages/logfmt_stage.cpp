// logfmt: the values of the mapped logfmt keys of the line (or an extracted value) become
// extracted values. Decoding reuses the LogQL logfmt decoder (go-logfmt semantics).
#include "logql/log/logfmt_parser.h"
#include "stages/builtin.h"

namespace stages {

namespace {

class LogfmtStage final : public Stage {
 public:
  // mapping: extracted name <- logfmt key
  LogfmtStage(std::vector<std::pair<std::string, std::string>> mapping, std::optional<std::string> source)
      : mapping_(std::move(mapping)), source_(std::move(source)) {}
  std::string_view name() const override { return "logfmt"; }

  bool process(Entry& e) override {
    std::string_view input = e.line;
    if (source_) {
      const json* v = e.extracted.find(*source_);
      if (!v) return true;
      scratch_.clear();
      if (!append_value_string(scratch_, *v)) return true;
      input = scratch_;
    }
    decoder_.reset(input);
    while (!decoder_.eol()) {
      if (!decoder_.scan()) {
        if (decoder_.eol() || !decoder_.error().empty()) break;
        continue;
      }
      for (const auto& [name, key] : mapping_) {
        if (decoder_.key() == key) e.extracted.set_string(name, decoder_.value());
      }
    }
    return true;
  }

 private:
  std::vector<std::pair<std::string, std::string>> mapping_;
  std::optional<std::string> source_;
  logql::log::LogfmtDecoder decoder_;
  std::string scratch_;
};

}  // namespace

StageResult compile_logfmt(const LogfmtSpec& spec, const std::string& where, const CompileContext&) {
  if (spec.mapping.empty()) return stage_error(where, "missing required field \"mapping\"");
  if (spec.source && spec.source->empty()) return stage_error(where, "\"source\" cannot be empty");
  std::vector<std::pair<std::string, std::string>> m;
  for (const auto& [name, key] : spec.mapping) m.emplace_back(name, key && !key->empty() ? *key : name);
  return std::unique_ptr<Stage>(std::make_unique<LogfmtStage>(std::move(m), spec.source));
}

}  // namespace stages
