#include "ruler/rule_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "model/go_string.h"
#include "model/time.h"

namespace ruler {
namespace {

// Collects the errors of one file with the context (group, rule) they are found in.
class ErrorSink {
 public:
  ErrorSink(const std::string& file, std::vector<RuleError>& out) : file_(file), out_(out) {}
  void enter_group(const std::string& name) {
    group_ = name;
    rule_index_ = -1;
    rule_name_.clear();
  }
  void enter_rule(int index, const std::string& name) {
    rule_index_ = index;
    rule_name_ = name;
  }
  void add(const YAML::Node& at, std::string message) {
    RuleError e;
    e.file = file_;
    if (at.IsDefined() && at.Mark().line >= 0) {
      e.line = at.Mark().line + 1;
      e.col = at.Mark().column + 1;
    }
    e.group = group_;
    e.rule_index = rule_index_;
    e.rule_name = rule_name_;
    e.message = std::move(message);
    out_.push_back(std::move(e));
  }
  size_t count() const { return out_.size(); }

 private:
  const std::string& file_;
  std::vector<RuleError>& out_;
  std::string group_;
  int rule_index_ = -1;
  std::string rule_name_;
};

bool scalar_string(const YAML::Node& n, std::string& out) {
  if (n.IsNull()) {
    out.clear();
    return true;
  }
  if (!n.IsScalar()) return false;
  out = n.Scalar();
  return true;
}

bool read_duration(const YAML::Node& n, const char* key, int64_t& out, ErrorSink& errs) {
  std::string s;
  if (!scalar_string(n, s)) {
    errs.add(n, std::string(key) + ": expected a duration");
    return false;
  }
  if (s.empty()) return true;
  auto d = model::parse_duration(s);
  if (!d.ok()) {
    errs.add(n, std::string(key) + ": " + d.error());
    return false;
  }
  if (*d < 0) {
    errs.add(n, std::string(key) + ": must not be negative");
    return false;
  }
  out = *d;
  return true;
}

void read_template_map(const YAML::Node& n, const char* key, TemplateMap& out, ErrorSink& errs) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    errs.add(n, std::string(key) + ": expected a mapping of names to strings");
    return;
  }
  std::set<std::string> seen;
  for (const auto& kv : n) {
    std::string name = kv.first.Scalar(), value;
    if (!scalar_string(kv.second, value)) {
      errs.add(kv.second, std::string(key) + "." + name + ": expected a string");
      continue;
    }
    if (!seen.insert(name).second) {
      errs.add(kv.first, std::string(key) + ": duplicate name " + model::quote_go_string(name));
      continue;
    }
    out.emplace_back(name, value);
  }
  std::sort(out.begin(), out.end());
}

Rule parse_rule(const YAML::Node& n, ErrorSink& errs) {
  Rule r;
  if (n.Mark().line >= 0) {
    r.line = n.Mark().line + 1;
    r.col = n.Mark().column + 1;
  }
  if (!n.IsMap()) {
    errs.add(n, "a rule must be a mapping");
    return r;
  }
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "record" || key == "alert" || key == "expr") {
      std::string s;
      if (!scalar_string(v, s)) {
        errs.add(v, key + ": expected a string");
        continue;
      }
      (key == "record" ? r.record : key == "alert" ? r.alert : r.expr) = s;
    } else if (key == "for") {
      read_duration(v, "for", r.for_ns, errs);
    } else if (key == "keep_firing_for") {
      read_duration(v, "keep_firing_for", r.keep_firing_for_ns, errs);
    } else if (key == "labels") {
      read_template_map(v, "labels", r.labels, errs);
    } else if (key == "annotations") {
      read_template_map(v, "annotations", r.annotations, errs);
    } else {
      errs.add(kv.first, "unknown field " + model::quote_go_string(key) + " in rule");
    }
  }
  return r;
}

RuleGroup parse_group(const YAML::Node& n, ErrorSink& errs) {
  RuleGroup g;
  if (n.Mark().line >= 0) {
    g.line = n.Mark().line + 1;
    g.col = n.Mark().column + 1;
  }
  errs.enter_group("");
  if (!n.IsMap()) {
    errs.add(n, "a group must be a mapping with name and rules");
    return g;
  }
  if (YAML::Node name = n["name"]; name.IsDefined() && name.IsScalar()) g.name = name.Scalar();
  errs.enter_group(g.name);
  if (g.name.empty()) errs.add(n, "group name must not be empty");
  YAML::Node rules;
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "name") {
      if (!v.IsScalar()) errs.add(v, "name: expected a string");
    } else if (key == "interval") {
      read_duration(v, "interval", g.interval_ns, errs);
    } else if (key == "limit") {
      std::string s;
      char* end = nullptr;
      if (!scalar_string(v, s) || s.empty() || (g.limit = std::strtoll(s.c_str(), &end, 10), *end != '\0') ||
          g.limit < 0) {
        errs.add(v, "limit: expected a non-negative integer");
        g.limit = 0;
      }
    } else if (key == "rules") {
      rules = v;
    } else {
      errs.add(kv.first, "unknown field " + model::quote_go_string(key) + " in rule group");
    }
  }
  if (rules.IsDefined() && !rules.IsNull()) {
    if (!rules.IsSequence()) {
      errs.add(rules, "rules: expected a list");
    } else {
      for (size_t i = 0; i < rules.size(); ++i) {
        const YAML::Node& rn = rules[i];
        std::string name;
        if (rn.IsMap()) {
          for (const char* key : {"alert", "record"}) {
            YAML::Node v = rn[key];
            if (name.empty() && v.IsDefined() && v.IsScalar()) name = v.Scalar();
          }
        }
        errs.enter_rule(static_cast<int>(i), name);
        g.rules.push_back(parse_rule(rn, errs));
      }
    }
  }
  errs.enter_group(g.name);
  return g;
}

void emit_templates(YAML::Emitter& out, const char* key, const TemplateMap& m) {
  if (m.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : m) out << YAML::Key << k << YAML::Value << v;
  out << YAML::EndMap;
}

void emit_group(YAML::Emitter& out, const RuleGroup& g) {
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << g.name;
  if (g.interval_ns > 0) {
    out << YAML::Key << "interval" << YAML::Value << model::format_duration_prometheus(g.interval_ns);
  }
  if (g.limit > 0) out << YAML::Key << "limit" << YAML::Value << g.limit;
  out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  for (const Rule& r : g.rules) {
    out << YAML::BeginMap;
    if (r.is_alert()) out << YAML::Key << "alert" << YAML::Value << r.alert;
    else out << YAML::Key << "record" << YAML::Value << r.record;
    out << YAML::Key << "expr" << YAML::Value << r.expr;
    if (r.for_ns > 0) out << YAML::Key << "for" << YAML::Value << model::format_duration_prometheus(r.for_ns);
    if (r.keep_firing_for_ns > 0) {
      out << YAML::Key << "keep_firing_for" << YAML::Value << model::format_duration_prometheus(r.keep_firing_for_ns);
    }
    emit_templates(out, "labels", r.labels);
    emit_templates(out, "annotations", r.annotations);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
}

std::string finish(YAML::Emitter& out) {
  std::string s = out.c_str();
  if (!s.empty() && s.back() != '\n') s += '\n';
  return s;
}

}  // namespace

std::string RuleError::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(col);
  s += ": ";
  if (!group.empty()) {
    s += "group " + model::quote_go_string(group);
    if (rule_index >= 0) {
      s += ", rule " + std::to_string(rule_index + 1);
      if (!rule_name.empty()) s += " (" + model::quote_go_string(rule_name) + ")";
    }
    s += ": ";
  } else if (rule_index >= 0) {
    s += "rule " + std::to_string(rule_index + 1) + ": ";
  }
  return s + message;
}

ParsedRuleFile parse_rule_file(std::string_view yaml, const std::string& file_name) {
  ParsedRuleFile out;
  out.file.name = file_name;
  ErrorSink errs(file_name, out.errors);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    RuleError err;
    err.file = file_name;
    if (e.mark.line >= 0) {
      err.line = e.mark.line + 1;
      err.col = e.mark.column + 1;
    }
    err.message = "invalid YAML: " + e.msg;
    out.errors.push_back(std::move(err));
    return out;
  }
  if (!root.IsDefined() || root.IsNull()) return out;  // an empty file has no groups
  if (!root.IsMap()) {
    errs.add(root, "a rule file must be a mapping with a \"groups\" list");
    return out;
  }
  YAML::Node groups;
  for (const auto& kv : root) {
    if (kv.first.Scalar() == "groups") groups = kv.second;
    else errs.add(kv.first, "unknown field " + model::quote_go_string(kv.first.Scalar()) + " in rule file");
  }
  if (!groups.IsDefined() || groups.IsNull()) return out;
  if (!groups.IsSequence()) {
    errs.add(groups, "groups: expected a list");
    return out;
  }
  std::set<std::string> names;
  for (const auto& gn : groups) {
    RuleGroup g = parse_group(gn, errs);
    if (!g.name.empty() && !names.insert(g.name).second) {
      errs.enter_group(g.name);
      errs.add(gn, "groupname: " + model::quote_go_string(g.name) + " is repeated in the same file");
      continue;
    }
    out.file.groups.push_back(std::move(g));
  }
  return out;
}

util::Result<RuleGroup> parse_rule_group(std::string_view yaml, std::vector<RuleError>* errors) {
  std::vector<RuleError> local;
  std::vector<RuleError>& errs_out = errors ? *errors : local;
  std::string file = "<request body>";
  ErrorSink errs(file, errs_out);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    return util::invalid_argument("invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) return util::invalid_argument("the body must be a rule group: a mapping with name and rules");
  size_t before = errs.count();
  RuleGroup g = parse_group(root, errs);
  if (errs.count() > before) return util::invalid_argument(errs_out[before].to_string());
  return g;
}

std::string format_rule_group(const RuleGroup& group) {
  YAML::Emitter out;
  emit_group(out, group);
  return finish(out);
}

std::string format_rule_file(const std::vector<RuleGroup>& groups) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
  for (const RuleGroup& g : groups) emit_group(out, g);
  out << YAML::EndSeq << YAML::EndMap;
  return finish(out);
}

std::string format_namespaces(const std::vector<std::pair<std::string, std::vector<RuleGroup>>>& namespaces) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& [ns, groups] : namespaces) {
    out << YAML::Key << ns << YAML::Value << YAML::BeginSeq;
    for (const RuleGroup& g : groups) emit_group(out, g);
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return finish(out);
}

}  // namespace ruler
