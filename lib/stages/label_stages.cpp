// The stages that edit the label set and what travels beside it: labels, structured_metadata,
// static_labels, labelallow, labeldrop and tenant.
#include <algorithm>

#include "stages/builtin.h"

namespace stages {

namespace {

// label name <- extracted key, checked at compile time.
using Mapping = std::vector<std::pair<std::string, std::string>>;

// The mapping of a labels or structured_metadata stage: label name <- extracted key (the same
// name when empty).
util::Result<Mapping> label_mapping(const NamedValues& pairs, const std::string& where) {
  if (pairs.empty()) return stage_error(where, "at least one label is required");
  Mapping out;
  for (const auto& [name, src] : pairs) {
    if (!model::is_valid_label_name(name)) return stage_error(where, "invalid label name \"" + name + "\"");
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

StageResult compile_labels(const LabelsSpec& spec, const std::string& where, const CompileContext&) {
  auto mapping = label_mapping(spec.mapping, where);
  if (!mapping.ok()) return mapping.status_error();
  return std::unique_ptr<Stage>(std::make_unique<ExtractedToLabelsStage>(std::move(*mapping), spec.structured_metadata));
}

StageResult compile_static_labels(const StaticLabelsSpec& spec, const std::string& where, const CompileContext&) {
  if (spec.labels.empty()) return stage_error(where, "at least one label is required");
  Mapping labels;
  for (const auto& [name, value] : spec.labels) {
    if (!model::is_valid_label_name(name)) return stage_error(where, "invalid label name \"" + name + "\"");
    if (!value || value->empty()) return stage_error(where, "label \"" + name + "\" needs a value");
    labels.emplace_back(name, *value);
  }
  return std::unique_ptr<Stage>(std::make_unique<StaticLabelsStage>(std::move(labels)));
}

StageResult compile_label_list(const LabelListSpec& spec, const std::string& where, const CompileContext&) {
  if (spec.names.empty()) return stage_error(where, "at least one label name is required");
  return std::unique_ptr<Stage>(std::make_unique<LabelListStage>(spec.names, spec.allow));
}

StageResult compile_tenant(const TenantSpec& spec, const std::string& where, const CompileContext&) {
  int set = (spec.label ? 1 : 0) + (spec.source ? 1 : 0) + (spec.value ? 1 : 0);
  if (set != 1) return stage_error(where, "exactly one of \"label\", \"source\" or \"value\" is required");
  if (spec.label) return std::unique_ptr<Stage>(std::make_unique<TenantStage>(TenantStage::From::kLabel, *spec.label));
  if (spec.source) {
    return std::unique_ptr<Stage>(std::make_unique<TenantStage>(TenantStage::From::kSource, *spec.source));
  }
  return std::unique_ptr<Stage>(std::make_unique<TenantStage>(TenantStage::From::kValue, *spec.value));
}

}  // namespace stages
