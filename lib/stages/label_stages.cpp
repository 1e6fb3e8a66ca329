// The stages that edit the label set and what travels beside it: labels, structured_metadata,
// static_labels, labelallow, labeldrop and tenant.
#include <algorithm>

#include "stages/builtin.h"

namespace stages {

namespace {

// label name <- extracted key, checked at compile time.
using Mapping = std::vector<std::pair<std::string, std::string>>;

Mapping read_mapping(const YAML::Node& node, const std::string& stage) {
  auto pairs = StageConfig::as_string_map(node, stage + " stage");
  if (pairs.empty()) throw ConfigError(stage + " stage: at least one label is required");
  Mapping out;
  for (auto& [name, src] : pairs) {
    if (!model::is_valid_label_name(name)) throw ConfigError(stage + " stage: invalid label name \"" + name + "\"");
    out.emplace_back(name, src && !src->empty() ? *src : name);
  }
  return out;
}

// labels / structured_metadata: extracted values (with a string form, valid UTF-8) become labels
// or metadata.
class ExtractedToLabelsStage final : public Stage {
 public:
  ExtractedToLabelsStage(Mapping mapping, bool metadata) : mapping_(std::move(mapping)), metadata_(metadata) {}
  std::string_view name() const override { return metadata_ ? "structured_metadata" : "labels"; }

  bool process(Entry& e) override {
    for (const auto& [label, src] : mapping_) {
      const json* v = e.extracted.find(src);
      if (!v) continue;
      value_.clear();
      if (!append_value_string(value_, *v) || !model::is_valid_utf8(value_)) continue;
      (metadata_ ? e.metadata : e.labels).set(label, value_);
    }
    return true;
  }

 private:
  Mapping mapping_;
  bool metadata_;
  std::string value_;
};

class StaticLabelsStage final : public Stage {
 public:
  explicit StaticLabelsStage(Mapping labels) : labels_(std::move(labels)) {}
  std::string_view name() const override { return "static_labels"; }
  bool process(Entry& e) override {
    for (const auto& [name, value] : labels_) e.labels.set(name, value);
    return true;
  }

 private:
  Mapping labels_;
};

// labelallow keeps only the listed labels; labeldrop removes them.
class LabelListStage final : public Stage {
 public:
  LabelListStage(std::vector<std::string> names, bool allow) : names_(std::move(names)), allow_(allow) {
    std::sort(names_.begin(), names_.end());
  }
  std::string_view name() const override { return allow_ ? "labelallow" : "labeldrop"; }
  bool process(Entry& e) override {
    if (!allow_) {
      for (const auto& n : names_) e.labels.erase(n);
      return true;
    }
    bool all_allowed = true;
    for (const auto& l : e.labels) {
      if (!std::binary_search(names_.begin(), names_.end(), l.name)) {
        all_allowed = false;
        break;
      }
    }
    if (all_allowed) return true;
    std::vector<model::Label> kept;
    for (const auto& l : e.labels) {
      if (std::binary_search(names_.begin(), names_.end(), l.name)) kept.push_back(l);
    }
    e.labels = model::LabelSet::from_unsorted(std::move(kept));
    return true;
  }

 private:
  std::vector<std::string> names_;
  bool allow_;
};

class TenantStage final : public Stage {
 public:
  enum class From { kLabel, kSource, kValue };
  TenantStage(From from, std::string arg) : from_(from), arg_(std::move(arg)) {}
  std::string_view name() const override { return "tenant"; }
  bool process(Entry& e) override {
    switch (from_) {
      case From::kValue: e.tenant = arg_; break;
      case From::kLabel: {
        auto v = e.labels.get(arg_);
        if (v && !v->empty()) e.tenant.assign(*v);
        break;
      }
      case From::kSource: {
        const json* v = e.extracted.find(arg_);
        if (!v) break;
        value_.clear();
        if (append_value_string(value_, *v) && !value_.empty()) e.tenant = value_;
        break;
      }
    }
    return true;
  }

 private:
  From from_;
  std::string arg_;
  std::string value_;
};

}  // namespace

std::unique_ptr<Stage> compile_labels(const YAML::Node& node, const CompileContext&) {
  return std::make_unique<ExtractedToLabelsStage>(read_mapping(node, "labels"), false);
}

std::unique_ptr<Stage> compile_structured_metadata(const YAML::Node& node, const CompileContext&) {
  return std::make_unique<ExtractedToLabelsStage>(read_mapping(node, "structured_metadata"), true);
}

std::unique_ptr<Stage> compile_static_labels(const YAML::Node& node, const CompileContext&) {
  auto pairs = StageConfig::as_string_map(node, "static_labels stage");
  if (pairs.empty()) throw ConfigError("static_labels stage: at least one label is required");
  Mapping labels;
  for (auto& [name, value] : pairs) {
    if (!model::is_valid_label_name(name)) throw ConfigError("static_labels stage: invalid label name \"" + name + "\"");
    if (!value || value->empty()) throw ConfigError("static_labels stage: label \"" + name + "\" needs a value");
    labels.emplace_back(name, *value);
  }
  return std::make_unique<StaticLabelsStage>(std::move(labels));
}

std::unique_ptr<Stage> compile_labelallow(const YAML::Node& node, const CompileContext&) {
  auto names = StageConfig::as_string_list(node, "labelallow stage");
  if (names.empty()) throw ConfigError("labelallow stage: at least one label name is required");
  return std::make_unique<LabelListStage>(std::move(names), true);
}

std::unique_ptr<Stage> compile_labeldrop(const YAML::Node& node, const CompileContext&) {
  auto names = StageConfig::as_string_list(node, "labeldrop stage");
  if (names.empty()) throw ConfigError("labeldrop stage: at least one label name is required");
  return std::make_unique<LabelListStage>(std::move(names), false);
}

std::unique_ptr<Stage> compile_tenant(const YAML::Node& node, const CompileContext&) {
  StageConfig cfg(node, "tenant");
  auto label = cfg.string("label");
  auto source = cfg.string("source");
  auto value = cfg.string("value");
  cfg.finish();
  int set = (label ? 1 : 0) + (source ? 1 : 0) + (value ? 1 : 0);
  if (set != 1) cfg.fail("exactly one of \"label\", \"source\" or \"value\" is required");
  if (label) return std::make_unique<TenantStage>(TenantStage::From::kLabel, *label);
  if (source) return std::make_unique<TenantStage>(TenantStage::From::kSource, *source);
  return std::make_unique<TenantStage>(TenantStage::From::kValue, *value);
}

}  // namespace stages
