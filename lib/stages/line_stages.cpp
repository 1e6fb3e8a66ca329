// The stages that rewrite the line or an extracted value: output, template, pack, decolorize.
#include "logql/log/drop_keep.h"
#include "model/json_string.h"
#include "stages/builtin.h"
#include "stages/template_data.h"

namespace stages {

namespace {

class OutputStage final : public Stage {
 public:
  explicit OutputStage(std::string source) : source_(std::move(source)) {}
  std::string_view name() const override { return "output"; }
  bool process(Entry& e) override {
    const json* v = e.extracted.find(source_);
    if (!v) return true;
    value_.clear();
    if (append_value_string(value_, *v)) e.line.swap(value_);
    return true;
  }

 private:
  std::string source_;
  std::string value_;
};

// template: runs a Go template with `.Value` = the source's value (when present) and the other
// extracted values, and stores the result in the source key (creating it if needed).
class TemplateStage final : public Stage {
 public:
  TemplateStage(std::string source, logql::tmpl::Template tmpl) : source_(std::move(source)), tmpl_(std::move(tmpl)) {}
  std::string_view name() const override { return "template"; }
  bool process(Entry& e) override {
    data_.reset(e.extracted);
    if (const json* v = e.extracted.find(source_)) {
      value_.clear();
      if (!append_value_string(value_, *v)) return true;  // Promtail skips values it cannot stringify
      data_.set("Value", value_);
    }
    out_.clear();
    if (tmpl_.execute_into(data_, out_).ok()) e.extracted.set_string(source_, out_);
    return true;
  }

 private:
  std::string source_;
  logql::tmpl::Template tmpl_;
  TemplateData data_;
  std::string value_, out_;
};


// pack: the listed extracted values (labels are in the extracted map too) and the line go into a
// JSON object `{"k":"v",...,"_entry":"line"}` (keys sorted, as Promtail writes them); packed
// labels leave the label set. Loki's `| unpack` reverses it.
class PackStage final : public Stage {
 public:
  PackStage(std::vector<std::string> names, bool ingest_timestamp, util::Clock& clock)
      : names_(std::move(names)), ingest_timestamp_(ingest_timestamp), clock_(clock) {
    std::sort(names_.begin(), names_.end());
    names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
  }
  std::string_view name() const override { return "pack"; }
  bool process(Entry& e) override {
    out_.clear();
    out_ += '{';
    bool any = false;
    for (const auto& n : names_) {
      const json* v = e.extracted.find(n);
      if (!v) continue;
      value_.clear();
      if (!append_value_string(value_, *v)) continue;
      if (any) out_ += ',';
      any = true;
      model::append_json_string(out_, n);
      out_ += ':';
      model::append_json_string(out_, value_);
      e.labels.erase(n);
    }
    if (any) out_ += ',';
    out_ += "\"_entry\":";
    model::append_json_string(out_, e.line);
    out_ += '}';
    e.line.swap(out_);
    if (ingest_timestamp_) e.timestamp = clock_.now_ns();
    return true;
  }

 private:
  std::vector<std::string> names_;
  bool ingest_timestamp_;
  util::Clock& clock_;
  std::string out_, value_;
};

class DecolorizeStage final : public Stage {
 public:
  DecolorizeStage() : builder_(empty_) {}
  std::string_view name() const override { return "decolorize"; }
  bool process(Entry& e) override {
    std::string_view line = e.line;
    impl_.process(e.timestamp, line, builder_, scratch_);
    if (line.data() != e.line.data() || line.size() != e.line.size()) e.line.assign(line);
    return true;
  }

 private:
  model::LabelSet empty_;
  logql::log::LabelsBuilder builder_;  // unused by the LogQL stage, required by its interface
  logql::log::StageScratch scratch_;
  logql::log::DecolorizeStage impl_;
};

}  // namespace

StageResult compile_output(const OutputSpec& spec, const std::string&, const CompileContext&) {
  return std::unique_ptr<Stage>(std::make_unique<OutputStage>(spec.source));
}

StageResult compile_template(const TemplateSpec& spec, const std::string& where, const CompileContext&) {
  auto t = logql::tmpl::Template::parse(spec.text, "pipeline_template", logql::tmpl::FunctionSet::kPromtail);
  if (!t.ok()) return stage_error(where, "invalid template: " + t.error());
  return std::unique_ptr<Stage>(std::make_unique<TemplateStage>(spec.source, std::move(t).value()));
}

StageResult compile_pack(const PackSpec& spec, const std::string& where, const CompileContext& ctx) {
  if (spec.labels.empty()) return stage_error(where, "missing required field \"labels\"");
  return std::unique_ptr<Stage>(std::make_unique<PackStage>(spec.labels, spec.ingest_timestamp, *ctx.clock));
}

StageResult compile_decolorize(const DecolorizeSpec&, const std::string&, const CompileContext&) {
  return std::unique_ptr<Stage>(std::make_unique<DecolorizeStage>());
}

}  // namespace stages
