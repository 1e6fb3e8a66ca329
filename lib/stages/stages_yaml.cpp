// pipeline_stages YAML -> StageSpecs (see stages_yaml.h). One reader per stage type; what needs
// the stage's own code to check (patterns, selectors, templates, value ranges) is left to
// compiling.
#include "stages/stages_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "config/field_reader.h"
#include "config/yaml_document.h"
#include "golang/quote.h"
#include "model/time.h"

namespace stages {
namespace {

using config::FieldReader;
using Settings = decltype(StageSpec::settings);
using Reader = util::Status (*)(const YAML::Node&, const std::string& where, const std::string& name, Settings&);

std::string go_quoted(const std::string& s) { return golang::quote(s); }

// A reader over one stage's settings mapping (null reads as empty), weakly typed as Promtail's.
FieldReader settings_reader(const YAML::Node& node, const std::string& where) {
  FieldReader r(node, where);
  r.set_weakly_typed(true);
  return r;
}

// Stages whose whole value is a mapping of names to optional strings (labels, static_labels).
util::Status read_named_values(const YAML::Node& node, const std::string& where, NamedValues& out) {
  if (!node.IsDefined() || node.IsNull()) return {};
  if (!node.IsMap()) return util::Error{where + ": expected a mapping of names to values"};
  for (const auto& kv : node) {
    if (!kv.first.IsScalar() || !(kv.second.IsScalar() || kv.second.IsNull())) {
      return util::Error{where + ": expected a mapping of names to values"};
    }
    out.emplace_back(kv.first.Scalar(), kv.second.IsNull() ? std::nullopt : std::optional(kv.second.Scalar()));
  }
  return {};
}

util::Status read_regex(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  RegexSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("expression", s.expression);
  r.read_string("source", s.source);
  out = std::move(s);
  return r.finish();
}

util::Status read_json(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  JsonSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_named_values("expressions", s.expressions);
  r.read_string("source", s.source);
  r.read_bool("drop_malformed", s.drop_malformed);
  out = std::move(s);
  return r.finish();
}

util::Status read_logfmt(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  LogfmtSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_named_values("mapping", s.mapping);
  r.read_string("source", s.source);
  out = std::move(s);
  return r.finish();
}

util::Status read_replace(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  ReplaceSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("expression", s.expression);
  r.read_string("source", s.source);
  r.read_string("replace", s.replace);
  out = std::move(s);
  return r.finish();
}

util::Status read_labels(const YAML::Node& node, const std::string& where, const std::string& name, Settings& out) {
  LabelsSpec s;
  s.structured_metadata = name != "labels";
  if (auto st = read_named_values(node, where, s.mapping); !st.ok()) return st;
  out = std::move(s);
  return {};
}

util::Status read_static_labels(const YAML::Node& node, const std::string& where, const std::string&,
                                Settings& out) {
  StaticLabelsSpec s;
  if (auto st = read_named_values(node, where, s.labels); !st.ok()) return st;
  out = std::move(s);
  return {};
}

util::Status read_label_list(const YAML::Node& node, const std::string& where, const std::string& name,
                             Settings& out) {
  LabelListSpec s;
  s.allow = name == "labelallow";
  if (node.IsDefined() && !node.IsNull()) {
    if (!node.IsSequence()) return util::Error{where + ": expected a list of label names"};
    for (const auto& item : node) {
      if (!item.IsScalar()) return util::Error{where + ": expected a list of label names"};
      s.names.push_back(item.Scalar());
    }
  }
  out = std::move(s);
  return {};
}

util::Status read_tenant(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  TenantSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_string("label", s.label);
  r.read_string("source", s.source);
  r.read_string("value", s.value);
  out = std::move(s);
  return r.finish();
}

util::Status read_timestamp(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  TimestampSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("source", s.source);
  r.read_required_string("format", s.format);
  r.read_string_list("fallback_formats", s.fallback_formats);
  r.read_string("location", s.location);
  r.read_string("action_on_failure", s.action_on_failure);
  out = std::move(s);
  return r.finish();
}

util::Status read_output(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  OutputSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("source", s.source);
  out = std::move(s);
  return r.finish();
}

util::Status read_template(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  TemplateSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("source", s.source);
  r.read_required_string("template", s.text);
  out = std::move(s);
  return r.finish();
}

util::Status read_pack(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  PackSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_string_list("labels", s.labels);
  r.read_bool("ingest_timestamp", s.ingest_timestamp);
  out = std::move(s);
  return r.finish();
}

util::Status read_no_settings(const YAML::Node& node, const std::string& where, const std::string& name,
                              Settings& out) {
  FieldReader r = settings_reader(node, where);
  if (name == "docker") {
    out = DockerSpec{};
  } else {
    out = DecolorizeSpec{};
  }
  return r.finish();
}

util::Status read_luhn(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  LuhnSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_string("replacement", s.replacement);
  r.read_string("source", s.source);
  r.read_int("min_length", s.min_length, 1, INT32_MAX);
  if (s.source && s.source->empty()) r.fail(where + ".source: must not be empty");
  out = std::move(s);
  return r.finish();
}

util::Status read_geoip(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  GeoipSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("db", s.db);
  r.read_required_string("source", s.source);
  r.read_string("db_type", s.db_type);
  r.reject("custom_lookups", "JMESPath lookups into the raw record");
  if (s.db_type != "city" && s.db_type != "asn" && s.db_type != "country") {
    r.fail(where + ".db_type: should be city, asn or country, not \"" + s.db_type + "\"");
  }
  out = std::move(s);
  return r.finish();
}

util::Status read_cri(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  CriSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_int("max_partial_lines", s.max_partial_lines, INT64_MIN, INT64_MAX);
  std::optional<uint64_t> size;
  r.read_bytes("max_partial_line_size", size);
  s.max_partial_line_size = size.value_or(0);
  r.read_bool("max_partial_line_size_truncate", s.max_partial_line_size_truncate);
  out = std::move(s);
  return r.finish();
}

util::Status read_drop(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  DropSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_string_list("source", s.source, /*scalar_ok=*/true);
  r.read_string("separator", s.separator);
  r.read_string("value", s.value);
  r.read_string("expression", s.expression);
  r.read_duration("older_than", s.older_than_ns);
  r.read_bytes("longer_than", s.longer_than);
  r.read_string("drop_counter_reason", s.drop_counter_reason);
  out = std::move(s);
  return r.finish();
}

util::Status read_limit(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  LimitSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_double("rate", s.rate);
  r.read_int("burst", s.burst, INT64_MIN, INT64_MAX);
  r.read_bool("drop", s.drop);
  r.read_string("by_label_name", s.by_label_name);
  r.read_int("max_distinct_labels", s.max_distinct_labels, INT64_MIN, INT64_MAX);
  out = std::move(s);
  return r.finish();
}

util::Status read_sampling(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  SamplingSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_double("rate", s.rate);
  r.read_string("drop_counter_reason", s.drop_counter_reason);
  if (!s.rate && !r.failed()) r.fail(where + ": missing required field \"rate\"");
  out = std::move(s);
  return r.finish();
}

util::Status read_multiline(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  MultilineSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("firstline", s.firstline);
  r.read_duration("max_wait_time", s.max_wait_time_ns);
  r.read_int("max_lines", s.max_lines, INT64_MIN, INT64_MAX);
  out = std::move(s);
  return r.finish();
}

// One metric of a metrics stage; `config` holds the keys of its type.
util::Status read_metric(const std::string& name, const YAML::Node& node, const std::string& where, MetricSpec& m) {
  FieldReader r = settings_reader(node, where);
  m.name = name;
  r.read_required_string("type", m.type);
  std::transform(m.type.begin(), m.type.end(), m.type.begin(), [](unsigned char c) { return std::tolower(c); });
  r.read_string("description", m.description);
  m.source = name;
  r.read_string("source", m.source);
  r.read_string("prefix", m.prefix);
  std::optional<std::string> idle;
  r.read_string("max_idle_duration", idle);
  if (idle) {
    auto d = model::parse_duration(*idle);
    if (!d.ok()) {
      r.fail(where + ": max_idle_duration could not be parsed as a duration: " + *idle);
    } else {
      m.max_idle_ns = *d;
    }
  }
  YAML::Node inner = r.child("config");
  if (auto st = r.finish(); !st.ok()) return st;
  if (m.type != "counter" && m.type != "gauge" && m.type != "histogram") {
    return util::Error{where + ": invalid metric type " + go_quoted(m.type) +
                       ", must be one of counter, gauge or histogram"};
  }
  FieldReader c = settings_reader(inner, where + ".config");
  c.read_string("value", m.value);
  if (m.type != "histogram") c.read_string("action", m.action);
  if (m.type == "counter") {
    c.read_bool("match_all", m.match_all);
    c.read_bool("count_entry_bytes", m.count_entry_bytes);
  }
  if (m.type == "histogram") {
    std::optional<std::vector<std::string>> buckets;
    c.read_string_list("buckets", buckets);
    if (buckets) {
      m.buckets.emplace();
      for (const std::string& b : *buckets) {
        char* end = nullptr;
        double v = std::strtod(b.c_str(), &end);
        if (b.empty() || end != b.c_str() + b.size()) {
          c.fail(where + ".config.buckets: bucket " + go_quoted(b) + " is not a number");
          break;
        }
        m.buckets->push_back(v);
      }
    }
  }
  return c.finish();
}

util::Status read_metrics(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  if (!node.IsMap() || node.size() == 0) return util::Error{where + ": expected a mapping of metric names to settings"};
  MetricsSpec s;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) return util::Error{where + ": expected a mapping of metric names to settings"};
    MetricSpec m;
    if (auto st = read_metric(kv.first.Scalar(), kv.second, where + "." + kv.first.Scalar(), m); !st.ok()) return st;
    s.metrics.push_back(std::move(m));
  }
  out = std::move(s);
  return {};
}

util::Status read_match(const YAML::Node& node, const std::string& where, const std::string&, Settings& out) {
  MatchSpec s;
  FieldReader r = settings_reader(node, where);
  r.read_required_string("selector", s.selector);
  r.read_string("pipeline_name", s.pipeline_name);
  r.read_string("action", s.action);
  r.read_string("drop_counter_reason", s.drop_counter_reason);
  YAML::Node nested = r.child("stages");
  if (auto st = r.finish(); !st.ok()) return st;
  auto stages = parse_pipeline_stages(nested, where + ".stages");
  if (!stages.ok()) return stages.status_error();
  s.stages = std::move(*stages);
  out = std::move(s);
  return {};
}

const std::map<std::string, Reader, std::less<>>& readers() {
  static const std::map<std::string, Reader, std::less<>> table = {
      {"cri", read_cri},
      {"decolorize", read_no_settings},
      {"docker", read_no_settings},
      {"drop", read_drop},
      {"geoip", read_geoip},
      {"json", read_json},
      {"labelallow", read_label_list},
      {"labeldrop", read_label_list},
      {"labels", read_labels},
      {"limit", read_limit},
      {"logfmt", read_logfmt},
      {"luhn", read_luhn},
      {"match", read_match},
      {"metrics", read_metrics},
      {"multiline", read_multiline},
      // The structured_metadata stage's name before Loki 2.9.
      {"non_indexed_labels", read_labels},
      {"output", read_output},
      {"pack", read_pack},
      {"regex", read_regex},
      {"replace", read_replace},
      {"sampling", read_sampling},
      {"static_labels", read_static_labels},
      {"structured_metadata", read_labels},
      {"template", read_template},
      {"tenant", read_tenant},
      {"timestamp", read_timestamp},
  };
  return table;
}

std::string join_names() {
  std::string out;
  for (const auto& n : stage_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<std::string> stage_names() {
  std::vector<std::string> out;
  for (const auto& [name, fn] : readers()) out.push_back(name);
  return out;
}

util::Result<std::vector<StageSpec>> parse_pipeline_stages(const YAML::Node& list, const std::string& path) {
  std::vector<StageSpec> out;
  if (!list.IsDefined() || list.IsNull()) return out;
  if (!list.IsSequence()) return util::Error{path + ": expected a list of stages"};
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const YAML::Node& item = list[i];
    if (!item.IsMap() || item.size() != 1 || !item.begin()->first.IsScalar()) {
      return util::Error{at + ": each stage must be a map with exactly one key, the stage name"};
    }
    StageSpec spec;
    spec.name = item.begin()->first.Scalar();
    spec.where = at + "." + spec.name;
    auto reader = readers().find(spec.name);
    if (reader == readers().end()) {
      return util::Error{at + ": unknown stage type " + go_quoted(spec.name) + " (known: " + join_names() + ")"};
    }
    if (auto st = reader->second(item.begin()->second, spec.where, spec.name, spec.settings); !st.ok()) {
      return st.status_error();
    }
    out.push_back(std::move(spec));
  }
  return out;
}

util::Result<std::vector<StageSpec>> parse_pipeline_stages(std::string_view yaml, const std::string& path) {
  auto root = config::parse_document(yaml);
  if (!root.ok()) return util::prefixed(path + ": ", root.status_error());
  return parse_pipeline_stages(*root, path);
}

util::Result<Pipeline> compile_pipeline_yaml(std::string_view yaml, PipelineOptions options, const std::string& path) {
  auto specs = parse_pipeline_stages(yaml, path);
  if (!specs.ok()) return specs.status_error();
  return Pipeline::compile(*specs, std::move(options));
}

}  // namespace stages
