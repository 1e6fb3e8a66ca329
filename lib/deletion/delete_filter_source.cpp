#include "deletion/delete_filter_source.h"

#include <vector>

namespace deletion {
namespace {

class FilteringIterator final : public logql::EntryIterator {
 public:
  FilteringIterator(std::unique_ptr<logql::EntryIterator> inner, std::vector<ActiveDelete> deletes)
      : inner_(std::move(inner)), deletes_(std::move(deletes)) {}

  bool next() override {
    while (inner_->next()) {
      if (!removed(inner_->labels(), inner_->entry())) return true;
    }
    return false;
  }
  const model::LabelSet& labels() const override { return inner_->labels(); }
  const model::Entry& entry() const override { return inner_->entry(); }
  util::Status status() const override { return inner_->status(); }

 private:
  bool removed(const model::LabelSet& labels, const model::Entry& e) const {
    for (const ActiveDelete& d : deletes_) {
      if (d.removes(labels, e)) return true;
    }
    return false;
  }
  std::unique_ptr<logql::EntryIterator> inner_;
  std::vector<ActiveDelete> deletes_;
};

class FilteringSource final : public logql::LogSource {
 public:
  FilteringSource(std::unique_ptr<logql::LogSource> inner, const ActiveDeleteSource& deletes, std::string tenant)
      : inner_(std::move(inner)), deletes_(deletes), tenant_(std::move(tenant)) {}

  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    auto it = inner_->select(params);
    if (!it.ok()) return it;
    auto active = deletes_.active_deletes(tenant_);
    if (!active.ok()) return active.status_error();
    std::vector<ActiveDelete> deletes;
    for (ActiveDelete& d : *active) {
      if (d.end >= params.start && d.start < params.end) deletes.push_back(std::move(d));
    }
    if (deletes.empty()) return it;
    return std::unique_ptr<logql::EntryIterator>(std::make_unique<FilteringIterator>(std::move(*it), std::move(deletes)));
  }

 private:
  std::unique_ptr<logql::LogSource> inner_;
  const ActiveDeleteSource& deletes_;
  const std::string tenant_;
};

}  // namespace

std::unique_ptr<logql::LogSource> filter_deleted(std::unique_ptr<logql::LogSource> source,
                                                 const ActiveDeleteSource& deletes, std::string tenant) {
  return std::make_unique<FilteringSource>(std::move(source), deletes, std::move(tenant));
}

}  // namespace deletion
