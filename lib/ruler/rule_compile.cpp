#include "ruler/rule_compile.h"

#include "logql/parser.h"
#include "model/go_string.h"
#include "model/labels.h"

namespace ruler {
namespace {

struct RuleContext {
  const std::string& file;
  const RuleGroup& group;
  int index;
  const Rule& rule;
  std::vector<RuleError>& errors;

  void add(std::string message) const {
    RuleError e;
    e.file = file;
    e.line = rule.line;
    e.col = rule.col;
    e.group = group.name;
    e.rule_index = index;
    e.rule_name = rule.name();
    e.message = std::move(message);
    errors.push_back(std::move(e));
  }
};

void compile_templates(const TemplateMap& in, const char* what, const std::string& tmpl_name, bool templated,
                       const RuleContext& ctx, std::vector<std::pair<std::string, RuleTemplate>>& out) {
  for (const auto& [name, text] : in) {
    if (!model::is_valid_label_name(name)) {
      ctx.add(std::string("invalid ") + what + " name: " + model::quote_go_string(name));
      continue;
    }
    if (!templated) {  // recording rules' labels are plain values in Prometheus
      out.emplace_back(name, RuleTemplate::literal(text));
      continue;
    }
    auto t = RuleTemplate::parse(text, tmpl_name);
    if (!t.ok()) {
      ctx.add(std::string(what) + " " + model::quote_go_string(name) + ": " + t.error());
      continue;
    }
    out.emplace_back(name, std::move(*t));
  }
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::optional<CompiledGroup> compile_group(const RuleGroup& group, const std::string& file,
                                           std::vector<RuleError>& errors) {
  size_t before = errors.size();
  CompiledGroup out;
  out.group = group;
  for (size_t i = 0; i < group.rules.size(); ++i) {
    const Rule& r = group.rules[i];
    RuleContext ctx{file, group, static_cast<int>(i), r, errors};
    CompiledRule c;
    c.rule = r;
    if (r.record.empty() && r.alert.empty()) {
      ctx.add("one of 'record' or 'alert' must be set");
      continue;
    }
    if (!r.record.empty() && !r.alert.empty()) {
      ctx.add("only one of 'record' and 'alert' must be set");
      continue;
    }
    if (r.expr.empty()) {
      ctx.add("field 'expr' must be set in rule");
    } else {
      auto e = logql::parse(r.expr);
      if (!e.ok()) {
        ctx.add("expr: " + e.error());
      } else if (e->is_log_query()) {
        ctx.add("expr: a rule needs a metric query; " + model::quote_go_string(r.expr) +
                " is a log query (wrap it, e.g. in count_over_time(...[1m]))");
      } else {
        c.expr = std::make_shared<const logql::ast::Expr>(std::move(*e));
      }
    }
    if (!r.record.empty()) {
      if (!is_valid_metric_name(r.record)) ctx.add("invalid recording rule name: " + model::quote_go_string(r.record));
      if (!r.annotations.empty()) ctx.add("invalid field 'annotations' in recording rule");
      if (r.for_ns != 0) ctx.add("invalid field 'for' in recording rule");
      if (r.keep_firing_for_ns != 0) ctx.add("invalid field 'keep_firing_for' in recording rule");
    }
    std::string tmpl_name = "__alert_" + r.name();
    compile_templates(r.labels, "label", tmpl_name, r.is_alert(), ctx, c.labels);
    compile_templates(r.annotations, "annotation", tmpl_name, true, ctx, c.annotations);
    out.rules.push_back(std::move(c));
  }
  if (errors.size() > before) return std::nullopt;
  return out;
}

std::vector<CompiledGroup> compile_rule_file(std::string_view yaml, const std::string& file,
                                             const std::string& name_space, std::vector<RuleError>& errors) {
  size_t before = errors.size();
  ParsedRuleFile parsed = parse_rule_file(yaml, file);
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  std::vector<CompiledGroup> out;
  for (const RuleGroup& g : parsed.file.groups) {
    auto c = compile_group(g, file, errors);
    if (c) {
      c->name_space = name_space;
      out.push_back(std::move(*c));
    }
  }
  if (errors.size() > before) out.clear();
  return out;
}

}  // namespace ruler
