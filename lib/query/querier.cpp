#include "query/querier.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "logql/eval/matchers.h"
#include "logql/eval/merge.h"
#include "logql/eval/merge_iterators.h"
#include "store/dedup_merge_source.h"

namespace query {
namespace {

// Adds `__tenant_id__="<tenant>"` to every stream of an inner iterator. The augmented label sets
// are cached by the inner set's address, which the EntryIterator contract keeps stable.
class TenantLabelIterator : public logql::EntryIterator {
 public:
  TenantLabelIterator(std::unique_ptr<logql::EntryIterator> inner, std::string tenant)
      : inner_(std::move(inner)), tenant_(std::move(tenant)) {}
  bool next() override {
    if (!inner_->next()) return false;
    const model::LabelSet* raw = &inner_->labels();
    auto it = cache_.find(raw);
    if (it == cache_.end()) {
      model::LabelSet ls = *raw;
      ls.set(kTenantLabel, tenant_);
      it = cache_.emplace(raw, std::move(ls)).first;
    }
    current_ = &it->second;
    return true;
  }
  const model::LabelSet& labels() const override { return *current_; }
  const model::Entry& entry() const override { return inner_->entry(); }
  util::Status status() const override { return inner_->status(); }

 private:
  std::unique_ptr<logql::EntryIterator> inner_;
  std::string tenant_;
  std::unordered_map<const model::LabelSet*, model::LabelSet> cache_;
  const model::LabelSet* current_ = nullptr;
};

class MultiTenantSource : public logql::LogSource {
 public:
  void add(std::string tenant, std::unique_ptr<logql::LogSource> source) {
    tenants_.push_back(tenant);
    sources_.push_back(std::move(source));
  }
  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    logql::SelectParams inner = params;
    auto chosen = select_tenants(tenants_, inner.matchers);
    if (!chosen.ok()) return chosen.status_error();
    std::vector<std::unique_ptr<logql::EntryIterator>> children;
    for (size_t i = 0; i < tenants_.size(); ++i) {
      if (!std::binary_search(chosen->begin(), chosen->end(), tenants_[i])) continue;
      auto it = sources_[i]->select(inner);
      if (!it.ok()) return it.status_error();
      children.push_back(std::make_unique<TenantLabelIterator>(std::move(*it), tenants_[i]));
    }
    return logql::merge_iterators(std::move(children), params.direction);
  }

 private:
  std::vector<std::string> tenants_;  // sorted
  std::vector<std::unique_ptr<logql::LogSource>> sources_;
};

class MergedSource : public logql::LogSource {
 public:
  explicit MergedSource(std::vector<std::unique_ptr<logql::LogSource>> sources) : sources_(std::move(sources)) {}
  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    std::vector<std::unique_ptr<logql::EntryIterator>> children;
    for (auto& s : sources_) {
      auto it = s->select(params);
      if (!it.ok()) return it.status_error();
      children.push_back(std::move(*it));
    }
    return logql::merge_iterators(std::move(children), params.direction);
  }

 private:
  std::vector<std::unique_ptr<logql::LogSource>> sources_;
};

// An empty source, for a querier without backends.
class EmptySource : public logql::LogSource {
 public:
  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    return logql::merge_iterators({}, params.direction);
  }
};

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

std::unique_ptr<logql::LogSource> merge_sources(std::vector<std::unique_ptr<logql::LogSource>> sources) {
  return std::make_unique<MergedSource>(std::move(sources));
}

util::Result<std::vector<std::string>> select_tenants(const std::vector<std::string>& tenants,
                                                      std::vector<logql::ast::Matcher>& matchers) {
  std::vector<logql::ast::Matcher> tenant_matchers;
  std::erase_if(matchers, [&](const logql::ast::Matcher& m) {
    if (m.name != kTenantLabel) return false;
    tenant_matchers.push_back(m);
    return true;
  });
  if (tenant_matchers.empty()) return tenants;
  auto compiled = logql::LabelMatchers::compile(tenant_matchers);
  if (!compiled.ok()) return compiled.status_error();
  std::vector<std::string> out;
  for (const auto& t : tenants) {
    if (compiled->matches(model::LabelSet{{kTenantLabel, t}})) out.push_back(t);
  }
  return out;
}

Querier::Querier(ingest::Ingester* ingester, store::ChunkStore* store, SourceMerger merger)
    : Querier(store, std::move(merger)) {
  if (ingester) {
    owned_ingester_ = read_local_ingester(*ingester);
    ingester_ = owned_ingester_.get();
  }
}

Querier::Querier(IngesterReader& ingesters, store::ChunkStore* store, SourceMerger merger)
    : Querier(store, std::move(merger)) {
  ingester_ = &ingesters;
}

Querier::Querier(store::ChunkStore* store, SourceMerger merger) : store_(store), merger_(std::move(merger)) {
  if (!merger_) {
    merger_ = [](std::unique_ptr<logql::LogSource> a, std::unique_ptr<logql::LogSource> b) {
      std::vector<std::unique_ptr<logql::LogSource>> v;
      v.push_back(std::move(a));
      v.push_back(std::move(b));
      return std::unique_ptr<logql::LogSource>(std::make_unique<store::DedupMergeSource>(std::move(v)));
    };
  }
}

util::Result<std::unique_ptr<logql::LogSource>> Querier::tenant_source(const std::string& tenant) {
  std::unique_ptr<logql::LogSource> mem;
  if (ingester_) {
    auto m = ingester_->source(tenant);
    if (!m.ok()) return m.status_error();
    mem = std::move(*m);
  }
  std::unique_ptr<logql::LogSource> stored;
  if (store_) {
    auto s = store_->source(tenant);
    if (!s.ok()) return s.status_error();
    stored = std::move(*s);
  }
  return merged_source(tenant, std::move(mem), std::move(stored));
}

std::unique_ptr<logql::LogSource> Querier::merged_source(const std::string& tenant,
                                                         std::unique_ptr<logql::LogSource> mem,
                                                         std::unique_ptr<logql::LogSource> stored) {
  std::unique_ptr<logql::LogSource> merged = mem && stored ? merger_(std::move(mem), std::move(stored))
                                             : mem         ? std::move(mem)
                                             : stored      ? std::move(stored)
                                                           : std::make_unique<EmptySource>();
  return wrapper_ ? wrapper_(tenant, std::move(merged)) : std::move(merged);
}

util::Result<std::unique_ptr<logql::LogSource>> Querier::source(const std::vector<std::string>& tenants) {
  if (tenants.size() == 1) return tenant_source(tenants[0]);
  auto multi = std::make_unique<MultiTenantSource>();
  for (const auto& t : tenants) {
    auto s = tenant_source(t);
    if (!s.ok()) return s.status_error();
    multi->add(t, std::move(*s));
  }
  return std::unique_ptr<logql::LogSource>(std::move(multi));
}

util::Result<std::vector<std::string>> Querier::label_names(const std::vector<std::string>& tenants, int64_t start,
                                                            int64_t end) {
  std::vector<std::string> out;
  for (const auto& t : tenants) {
    if (ingester_) {
      auto names = ingester_->label_names(t, start, end);
      if (!names.ok()) return names.status_error();
      out.insert(out.end(), names->begin(), names->end());
    }
    if (store_) {
      auto names = store_->label_names(t, start, end);
      if (!names.ok()) return names.status_error();
      out.insert(out.end(), names->begin(), names->end());
    }
  }
  if (tenants.size() > 1) out.push_back(kTenantLabel);
  return sorted_unique(std::move(out));
}

util::Result<std::vector<std::string>> Querier::label_values(const std::vector<std::string>& tenants,
                                                             const std::string& name,
                                                             const std::vector<logql::ast::Matcher>& matchers,
                                                             int64_t start, int64_t end) {
  std::vector<logql::ast::Matcher> inner = matchers;
  auto chosen = select_tenants(tenants, inner);
  if (!chosen.ok()) return chosen.status_error();
  if (tenants.size() > 1 && name == kTenantLabel) return *chosen;
  std::vector<std::string> out;
  for (const auto& t : *chosen) {
    if (ingester_) {
      auto values = ingester_->label_values(t, name, inner, start, end);
      if (!values.ok()) return values.status_error();
      out.insert(out.end(), values->begin(), values->end());
    }
    if (store_) {
      auto values = store_->label_values(t, name, inner, start, end);
      if (!values.ok()) return values.status_error();
      out.insert(out.end(), values->begin(), values->end());
    }
  }
  return sorted_unique(std::move(out));
}

util::Result<std::vector<model::LabelSet>> Querier::series(const std::vector<std::string>& tenants,
                                                           const std::vector<logql::ast::Matcher>& matchers,
                                                           int64_t start, int64_t end) {
  std::vector<logql::ast::Matcher> inner = matchers;
  auto chosen = select_tenants(tenants, inner);
  if (!chosen.ok()) return chosen.status_error();
  std::set<model::LabelSet> out;
  for (const auto& t : *chosen) {
    auto add = [&](std::vector<model::LabelSet> sets) {
      for (auto& ls : sets) {
        if (tenants.size() > 1) ls.set(kTenantLabel, t);
        out.insert(std::move(ls));
      }
    };
    if (ingester_) {
      auto s = ingester_->series(t, inner, start, end);
      if (!s.ok()) return s.status_error();
      add(std::move(*s));
    }
    if (store_) {
      auto s = store_->series(t, inner, start, end);
      if (!s.ok()) return s.status_error();
      add(std::move(*s));
    }
  }
  return std::vector<model::LabelSet>(out.begin(), out.end());
}

util::Result<store::IndexStats> Querier::stats(const std::vector<std::string>& tenants,
                                               const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                               int64_t end) {
  std::vector<logql::ast::Matcher> inner = matchers;
  auto chosen = select_tenants(tenants, inner);
  if (!chosen.ok()) return chosen.status_error();
  store::IndexStats total;
  auto add = [&](const store::IndexStats& s) {
    total.streams += s.streams;
    total.chunks += s.chunks;
    total.entries += s.entries;
    total.bytes += s.bytes;
  };
  for (const auto& t : *chosen) {
    if (ingester_) {
      auto s = ingester_->stats(t, inner, start, end);
      if (!s.ok()) return s.status_error();
      add(*s);
    }
    if (store_) {
      auto s = store_->stats(t, inner, start, end);
      if (!s.ok()) return s.status_error();
      add(*s);
    }
  }
  return total;
}

util::Result<std::vector<store::StreamSpans>> Querier::stream_spans(const std::vector<std::string>& tenants,
                                                                    const std::vector<logql::ast::Matcher>& matchers,
                                                                    int64_t start, int64_t end) {
  std::vector<logql::ast::Matcher> inner = matchers;
  auto chosen = select_tenants(tenants, inner);
  if (!chosen.ok()) return chosen.status_error();
  // A stream both in memory and in the store comes once from each: volume sums its spans per
  // series anyway, so merging them here would only cost a map over every stream.
  std::vector<store::StreamSpans> out;
  for (const auto& t : *chosen) {
    auto add = [&](std::vector<store::StreamSpans> streams) {
      if (tenants.size() > 1)
        for (auto& one : streams) one.labels.set(kTenantLabel, t);
      if (out.empty()) {
        out = std::move(streams);
      } else {
        out.insert(out.end(), std::make_move_iterator(streams.begin()), std::make_move_iterator(streams.end()));
      }
    };
    if (ingester_) {
      auto s = ingester_->stream_spans(t, inner, start, end);
      if (!s.ok()) return s.status_error();
      add(std::move(*s));
    }
    if (store_) {
      auto s = store_->stream_spans(t, inner, start, end);
      if (!s.ok()) return s.status_error();
      add(std::move(*s));
    }
  }
  return out;
}

util::Result<std::vector<pattern::PatternSeries>> Querier::patterns(const std::vector<std::string>& tenants,
                                                                   const std::vector<logql::ast::Matcher>& matchers,
                                                                   int64_t start, int64_t end, int64_t step) {
  if (!ingester_) return patterns_disabled();
  std::vector<logql::ast::Matcher> inner = matchers;
  auto chosen = select_tenants(tenants, inner);
  if (!chosen.ok()) return chosen.status_error();
  std::vector<pattern::StreamPatterns> all;
  for (const auto& t : *chosen) {
    auto streams = ingester_->patterns(t, inner, start, end, step);
    if (!streams.ok()) return streams.status_error();
    all.insert(all.end(), std::make_move_iterator(streams->begin()), std::make_move_iterator(streams->end()));
  }
  return pattern::top_patterns(std::move(all));
}

}  // namespace query
