#include "logql/log/labels_builder.h"

#include <algorithm>

#include "model/fingerprint.h"

namespace logql::log {

namespace {

// LabelSet::fingerprint() of the set these sorted, unique, non-empty pairs make, computed on the
// views so that a set already interned costs no LabelSet at all.
uint64_t hash_pairs(const std::vector<std::pair<std::string_view, std::string_view>>& v) {
  model::Fingerprinter f;
  for (const auto& [n, val] : v) f.add(n, val);
  return f.finish();
}

bool same_labels(const model::LabelSet& set, const std::vector<std::pair<std::string_view, std::string_view>>& v) {
  if (set.size() != v.size()) return false;
  size_t i = 0;
  for (const auto& l : set) {
    if (l.name != v[i].first || l.value != v[i].second) return false;
    ++i;
  }
  return true;
}

}  // namespace

LabelsBuilder::LabelsBuilder(const model::LabelSet& base, GroupingSpec grouping, size_t max_interned)
    : base_(&base), grouping_(std::move(grouping)), max_interned_(std::max<size_t>(max_interned, 1)) {}

void LabelsBuilder::reset() {
  for (auto& a : add_) a.n = 0;
  ndel_ = 0;
  nextracted_ = 0;
  err_.clear();
  err_details_.clear();
}

const LabelsBuilder::Slot* LabelsBuilder::find(LabelCategory c, std::string_view name) const {
  const Added& a = add_[static_cast<int>(c)];
  for (size_t i = 0; i < a.n; ++i)
    if (a.slots[i].name == name) return &a.slots[i];
  return nullptr;
}

LabelsBuilder::Slot* LabelsBuilder::find(LabelCategory c, std::string_view name) {
  return const_cast<Slot*>(static_cast<const LabelsBuilder*>(this)->find(c, name));
}

void LabelsBuilder::erase(LabelCategory c, std::string_view name) {
  Added& a = add_[static_cast<int>(c)];
  for (size_t i = 0; i < a.n; ++i) {
    if (a.slots[i].name == name) {
      // Keep order (result order does not depend on it, but Loki keeps it) and recycle the slot.
      for (size_t j = i + 1; j < a.n; ++j) std::swap(a.slots[j - 1], a.slots[j]);
      --a.n;
      return;
    }
  }
}

bool LabelsBuilder::deleted(std::string_view name) const {
  for (size_t i = 0; i < ndel_; ++i)
    if (del_[i] == name) return true;
  return false;
}

std::optional<std::string_view> LabelsBuilder::get(std::string_view name, LabelCategory& category) const {
  for (int c = 0; c < 3; ++c) {
    if (const Slot* s = find(static_cast<LabelCategory>(c), name)) {
      category = static_cast<LabelCategory>(c);
      return std::string_view(s->value);
    }
  }
  if (deleted(name)) return std::nullopt;
  category = LabelCategory::Stream;
  return base_->get(name);
}

std::optional<std::string_view> LabelsBuilder::get(std::string_view name) const {
  LabelCategory c;
  return get(name, c);
}

std::optional<std::string_view> LabelsBuilder::get_with_errors(std::string_view name) const {
  if (name == kErrorLabel) return err_.empty() ? std::nullopt : std::optional<std::string_view>(err_);
  if (name == kErrorDetailsLabel)
    return err_details_.empty() ? std::nullopt : std::optional<std::string_view>(err_details_);
  return get(name);
}

void LabelsBuilder::set(LabelCategory category, std::string_view name, std::string_view value) {
  if (category == LabelCategory::Parsed) {
    erase(LabelCategory::Metadata, name);
    erase(LabelCategory::Stream, name);
  } else if (category == LabelCategory::Metadata) {
    erase(LabelCategory::Stream, name);
    if (find(LabelCategory::Parsed, name)) return;
  } else if (find(LabelCategory::Metadata, name) || find(LabelCategory::Parsed, name)) {
    return;
  }
  if (Slot* s = find(category, name)) {
    s->value.assign(value);
    return;
  }
  Added& a = add_[static_cast<int>(category)];
  if (a.n == a.slots.size()) a.slots.emplace_back();
  a.slots[a.n].name.assign(name);
  a.slots[a.n].value.assign(value);
  ++a.n;
  if (category == LabelCategory::Parsed && !extracted(name)) {
    if (nextracted_ == extracted_.size()) extracted_.emplace_back();
    extracted_[nextracted_++].assign(name);
  }
}

void LabelsBuilder::add(LabelCategory category, std::string_view name, std::string_view value) {
  if (base_has(name)) {
    std::string renamed(name);
    renamed += kDuplicateSuffix;
    if (renamed == kErrorLabel || renamed == kErrorDetailsLabel) return;
    set(category, renamed, value);
    return;
  }
  if (name == kErrorLabel) {
    err_.assign(value);
    return;
  }
  if (name == kErrorDetailsLabel) {
    err_details_.assign(value);
    return;
  }
  set(category, name, value);
}

void LabelsBuilder::del(std::string_view name) {
  for (int c = 0; c < 3; ++c) erase(static_cast<LabelCategory>(c), name);
  if (ndel_ == del_.size()) del_.emplace_back();
  del_[ndel_++].assign(name);
}

bool LabelsBuilder::extracted(std::string_view name) const {
  for (size_t i = 0; i < nextracted_; ++i)
    if (extracted_[i] == name) return true;
  return false;
}

bool LabelsBuilder::all_required_extracted() const {
  if (!hints_ || hints_->required.empty() || nextracted_ < hints_->required.size()) return false;
  for (const auto& r : hints_->required)
    if (!extracted(r)) return false;
  return true;
}

void LabelsBuilder::set_parse_error(std::string_view err, std::string_view details) {
  err_.assign(err);
  if (!details.empty()) err_details_.assign(details);
  if (hints_ && hints_->preserve_error) set(LabelCategory::Parsed, kPreserveErrorLabel, "true");
}

bool LabelsBuilder::unchanged() const {
  return ndel_ == 0 && add_[0].n == 0 && add_[1].n == 0 && add_[2].n == 0;
}

void LabelsBuilder::collect(std::vector<std::pair<std::string_view, std::string_view>>& out) const {
  out.clear();
  for (const auto& l : *base_) {
    if (deleted(l.name) || find(LabelCategory::Metadata, l.name) || find(LabelCategory::Parsed, l.name)) continue;
    if (const Slot* s = find(LabelCategory::Stream, l.name)) {
      out.emplace_back(l.name, s->value);
    } else {
      out.emplace_back(l.name, l.value);
    }
  }
  // Stream-category additions of names the base lacks (label_format renaming a stream label).
  const Added& st = add_[0];
  for (size_t i = 0; i < st.n; ++i)
    if (!base_has(st.slots[i].name)) out.emplace_back(st.slots[i].name, st.slots[i].value);
  const Added& md = add_[1];
  for (size_t i = 0; i < md.n; ++i)
    if (!find(LabelCategory::Parsed, md.slots[i].name)) out.emplace_back(md.slots[i].name, md.slots[i].value);
  const Added& pa = add_[2];
  for (size_t i = 0; i < pa.n; ++i) out.emplace_back(pa.slots[i].name, pa.slots[i].value);
  if (!err_.empty()) out.emplace_back(kErrorLabel, err_);
  if (!err_details_.empty()) out.emplace_back(kErrorDetailsLabel, err_details_);
}

const ResultLabels* LabelsBuilder::intern(std::vector<std::pair<std::string_view, std::string_view>>& v, bool keep) {
  // Empty values are no labels (Prometheus convention, and model::LabelSet drops them).
  std::erase_if(v, [](const auto& p) { return p.second.empty(); });
  const uint64_t key = hash_pairs(v);
  uint32_t* link = nullptr;
  const bool full = interned_.size() >= max_interned_ && !keep;
  if (!full) {
    link = &intern_index_.try_emplace(key, kNoIntern).first->second;
  } else if (auto head = intern_index_.find(key); head != intern_index_.end()) {
    link = &head->second;
  }
  for (uint32_t i = link ? *link : kNoIntern; i != kNoIntern; i = *link) {
    if (same_labels(interned_[i].labels, v)) return &interned_[i];
    link = &intern_next_[i];
  }
  std::vector<model::Label> labels;
  labels.reserve(v.size());
  for (const auto& [n, val] : v) labels.push_back({std::string(n), std::string(val)});
  if (full) {
    scratch_result_.labels = model::LabelSet::from_sorted(std::move(labels));
    scratch_result_.hash = key;
    return &scratch_result_;
  }
  ResultLabels& r = interned_.emplace_back();
  r.labels = model::LabelSet::from_sorted(std::move(labels));  // `v` is sorted and unique
  r.hash = key;
  *link = static_cast<uint32_t>(interned_.size() - 1);
  intern_next_.push_back(kNoIntern);
  return &r;
}

const ResultLabels* LabelsBuilder::base_result() {
  if (!base_result_) {
    buf_.clear();
    for (const auto& l : *base_) buf_.emplace_back(l.name, l.value);
    base_result_ = intern(buf_, /*keep=*/true);  // cached by pointer: never the scratch slot
  }
  return base_result_;
}

const ResultLabels* LabelsBuilder::result() {
  if (unchanged() && err_.empty() && err_details_.empty()) return base_result();
  collect(buf_);
  std::sort(buf_.begin(), buf_.end());
  // A name can only appear once: categories are exclusive and base names are unique.
  return intern(buf_);
}

void LabelsBuilder::categorized_result(CategorizedLabels& out) {
  // Loki's LabelsResult: a label is parsed when the parsed category holds its name (the error
  // labels too), else structured metadata when that category does, else a stream label.
  if (unchanged()) {
    out.stream = base_result();
  } else {
    buf_.clear();
    for (const auto& l : *base_) {
      if (deleted(l.name) || find(LabelCategory::Metadata, l.name) || find(LabelCategory::Parsed, l.name)) continue;
      const Slot* s = find(LabelCategory::Stream, l.name);
      buf_.emplace_back(l.name, s ? std::string_view(s->value) : std::string_view(l.value));
    }
    const Added& st = add_[0];
    for (size_t i = 0; i < st.n; ++i)
      if (!base_has(st.slots[i].name)) buf_.emplace_back(st.slots[i].name, st.slots[i].value);
    std::sort(buf_.begin(), buf_.end());
    out.stream = intern(buf_);
  }
  auto to_set = [](std::vector<model::Label>& v) {
    std::erase_if(v, [](const model::Label& l) { return l.value.empty(); });
    std::sort(v.begin(), v.end(), [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
    return model::LabelSet::from_sorted(std::move(v));
  };
  std::vector<model::Label> md;
  const Added& m = add_[1];
  for (size_t i = 0; i < m.n; ++i)
    if (!find(LabelCategory::Parsed, m.slots[i].name)) md.push_back({m.slots[i].name, m.slots[i].value});
  out.metadata = to_set(md);
  std::vector<model::Label> pa;
  const Added& p = add_[2];
  for (size_t i = 0; i < p.n; ++i) pa.push_back({p.slots[i].name, p.slots[i].value});
  if (!err_.empty()) pa.push_back({std::string(kErrorLabel), err_});
  if (!err_details_.empty()) pa.push_back({std::string(kErrorDetailsLabel), err_details_});
  out.parsed = to_set(pa);
}

const ResultLabels* LabelsBuilder::base_group_result() {
  if (base_group_result_) return base_group_result_;
  buf_.clear();
  for (const auto& l : *base_) {
    bool listed = std::find(grouping_.groups.begin(), grouping_.groups.end(), l.name) != grouping_.groups.end();
    if (listed != grouping_.without) buf_.emplace_back(l.name, l.value);
  }
  base_group_result_ = intern(buf_, /*keep=*/true);
  return base_group_result_;
}

const ResultLabels* LabelsBuilder::grouped_result() {
  if (has_error()) return result();  // the error must not be grouped away
  if (grouping_.no_labels) {
    buf_.clear();
    return intern(buf_);
  }
  if (grouping_.groups.empty()) return result();
  if (unchanged()) return base_group_result();
  collect(buf_);
  std::erase_if(buf_, [&](const auto& p) {
    if (p.first == kErrorDetailsLabel) return true;  // Loki groups only base and added labels
    bool listed = std::find(grouping_.groups.begin(), grouping_.groups.end(), p.first) != grouping_.groups.end();
    return listed == grouping_.without;
  });
  std::sort(buf_.begin(), buf_.end());
  return intern(buf_);
}

}  // namespace logql::log
