#include "ruler/rule_template.h"

namespace ruler {
namespace {

using logql::tmpl::Value;
using logql::tmpl::ValueList;
using logql::tmpl::ValueMap;

// Prometheus's template header: the variables every rule template may use.
constexpr std::string_view kDefs =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}"
    "{{$value := .Value}}";

Value label_map(const model::LabelSet* labels) {
  ValueMap m;
  if (labels) {
    for (const auto& l : *labels) m.emplace(l.name, Value::string(l.value));
  }
  return Value::map(std::move(m));
}

class RuleContext final : public logql::tmpl::Context {
 public:
  explicit RuleContext(const TemplateData& d) : d_(d) {}
  std::optional<std::string_view> label(std::string_view) const override { return std::nullopt; }
  std::string_view line() const override { return {}; }
  int64_t timestamp_ns() const override { return 0; }
  Value dot() const override {
    ValueMap m;
    m.emplace("Labels", label_map(d_.labels));
    m.emplace("ExternalLabels", label_map(d_.external_labels));
    m.emplace("ExternalURL", Value::string(std::string(d_.external_url)));
    m.emplace("Value", Value::floating(d_.value));
    return Value::map(std::move(m));
  }
  util::Result<Value> query(std::string_view q) const override {
    if (!d_.query) return util::Error{"query is not available here"};
    auto r = d_.query(std::string(q));
    if (!r.ok()) return r.status_error();
    ValueList samples;
    auto sample = [](const model::LabelSet& labels, double v) {
      ValueMap s;
      s.emplace("Labels", label_map(&labels));
      s.emplace("Value", Value::floating(v));
      return Value::map(std::move(s));
    };
    switch (r->type) {
      case logql::ResultType::Vector:
        for (const auto& s : r->vector) samples.push_back(sample(s.labels, s.point.v));
        break;
      case logql::ResultType::Scalar: samples.push_back(sample(model::LabelSet{}, r->scalar.v)); break;
      default: return util::Error{"query in a template must return a vector or a scalar"};
    }
    return Value::list(std::move(samples));
  }

 private:
  const TemplateData& d_;
};

}  // namespace

util::Result<RuleTemplate> RuleTemplate::parse(std::string_view text, std::string_view name) {
  RuleTemplate t;
  t.text_ = std::string(text);
  if (text.find("{{") == std::string_view::npos) {
    t.literal_ = true;
    return t;
  }
  std::string full(kDefs);
  full += text;
  auto parsed = logql::tmpl::Template::parse(full, name, logql::tmpl::FunctionSet::kPrometheus);
  if (!parsed.ok()) return util::invalid_argument(parsed.error());
  t.tmpl_ = std::make_shared<const logql::tmpl::Template>(std::move(*parsed));
  return t;
}

RuleTemplate RuleTemplate::literal(std::string_view text) {
  RuleTemplate t;
  t.text_ = std::string(text);
  t.literal_ = true;
  return t;
}

std::string RuleTemplate::expand(const TemplateData& data, std::string* error) const {
  if (literal_) return text_;
  RuleContext ctx(data);
  auto out = tmpl_->execute(ctx);
  if (!out.ok()) {
    if (error) *error = out.error();
    return "<error expanding template: " + out.error() + ">";
  }
  return std::move(*out);
}

}  // namespace ruler
