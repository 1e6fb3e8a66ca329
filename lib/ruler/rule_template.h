// Prometheus's template expansion for rule labels and annotations: Go text/template with
// Prometheus's function set, where `$labels` (`.Labels`), `$value` (`.Value`), `$externalLabels`
// and `$externalURL` are defined, exactly as Prometheus prepends their definitions.
//
// A template that fails at run time expands to "<error expanding template: ...>" (Prometheus
// does the same, so an alert with a broken annotation still goes out).
//
// Thread-safe: a parsed RuleTemplate is immutable; expand() may run on many threads.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "logql/eval/engine.h"
#include "logql/template/template.h"
#include "model/labels.h"
#include "util/result.h"

namespace ruler {

// Runs a LogQL instant query for the template's `query` function, at the evaluation time.
using TemplateQuery = std::function<util::Result<logql::QueryResult>(const std::string& query)>;

struct TemplateData {
  const model::LabelSet* labels = nullptr;  // the sample's labels (for an alert: its labels before rule labels)
  double value = 0;
  const model::LabelSet* external_labels = nullptr;
  std::string_view external_url;
  TemplateQuery query;  // empty: `query` answers an error
};

class RuleTemplate {
 public:
  // `name` shows in errors (Prometheus uses "__alert_<name>").
  static util::Result<RuleTemplate> parse(std::string_view text, std::string_view name);
  // A template that expands to `text` unchanged.
  static RuleTemplate literal(std::string_view text);
  // The expansion, or "<error expanding template: ...>" (and the message in *error).
  std::string expand(const TemplateData& data, std::string* error = nullptr) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  bool literal_ = false;  // no "{{": expands to itself
  std::shared_ptr<const logql::tmpl::Template> tmpl_;
};

}  // namespace ruler
