// json: JMESPath expressions over the line (or an extracted value) parsed as JSON. Strings,
// numbers, booleans and null are extracted as they are; lists and objects as their JSON text,
// as Promtail does. A line that is not a JSON object is left alone, or dropped with
// drop_malformed (Promtail does not count these drops in the drop counter; neither do we).
#include "jmespath/jmespath.h"
#include "stages/builtin.h"

namespace stages {

namespace {

class JsonStage final : public Stage {
 public:
  JsonStage(std::vector<std::pair<std::string, jmespath::Expression>> exprs, std::optional<std::string> source,
            bool drop_malformed)
      : exprs_(std::move(exprs)), source_(std::move(source)), drop_malformed_(drop_malformed) {}
  std::string_view name() const override { return "json"; }

  bool process(Entry& e) override {
    const std::string* input = &e.line;
    if (source_) {
      const json* v = e.extracted.find(*source_);
      if (!v) return true;
      scratch_.clear();
      if (!append_value_string(scratch_, *v)) return true;
      input = &scratch_;
    }
    json doc = json::parse(*input, nullptr, false);
    // Promtail unmarshals into map[string]interface{}: anything but an object is malformed.
    if (doc.is_discarded() || !doc.is_object()) return !drop_malformed_;
    for (const auto& [name, expr] : exprs_) {
      auto r = expr.search(doc);
      if (!r.ok()) continue;
      json& v = *r;
      if (v.is_array() || v.is_object()) {
        e.extracted.set(name, json(v.dump()));
      } else {
        e.extracted.set(name, std::move(v));
      }
    }
    return true;
  }

 private:
  std::vector<std::pair<std::string, jmespath::Expression>> exprs_;
  std::optional<std::string> source_;
  bool drop_malformed_;
  std::string scratch_;
};

}  // namespace

StageResult compile_json(const JsonSpec& spec, const std::string& where, const CompileContext&) {
  if (spec.expressions.empty()) return stage_error(where, "missing required field \"expressions\"");
  if (spec.source && spec.source->empty()) return stage_error(where, "\"source\" cannot be empty");
  std::vector<std::pair<std::string, jmespath::Expression>> exprs;
  for (const auto& [name, text] : spec.expressions) {
    // An empty expression means the key of the same name.
    std::string src = text && !text->empty() ? *text : name;
    auto e = jmespath::Expression::compile(src);
    if (!e.ok()) return stage_error(where, "could not compile JMES expression for \"" + name + "\": " + e.error());
    exprs.emplace_back(name, std::move(e).value());
  }
  return std::unique_ptr<Stage>(std::make_unique<JsonStage>(std::move(exprs), spec.source, spec.drop_malformed));
}

}  // namespace stages
