// FakeIngester: an in-memory ingest::Ingester for handler and distributor tests (no WAL, no
// flushing). Thread-safe through one mutex; source() returns a snapshot.
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "ingest/ingester.h"
#include "logql/eval/matchers.h"
#include "logql/eval/memory_source.h"

namespace logd_test {

class FakeIngester : public ingest::Ingester {
 public:
  util::Status push(const std::string& tenant, const std::vector<push::Stream>& streams) override {
    std::lock_guard lock(mu_);
    ++pushes;
    for (const auto& s : streams) {
      for (const auto& e : s.entries) {
        data_[tenant].emplace_back(s.labels, e);
        for (auto& [id, sub] : subs_) {
          if (sub.first == tenant) sub.second(s.labels, e);
        }
      }
    }
    return {};
  }
  std::unique_ptr<logql::LogSource> source(const std::string& tenant) override {
    std::lock_guard lock(mu_);
    auto src = std::make_unique<logql::MemorySource>();
    for (const auto& [ls, e] : data_[tenant]) src->append(ls, e);
    return src;
  }
  std::vector<std::string> label_names(const std::string& tenant, int64_t, int64_t) override {
    std::lock_guard lock(mu_);
    std::set<std::string> names;
    for (const auto& [ls, e] : data_[tenant]) {
      for (const auto& l : ls) names.insert(l.name);
    }
    return {names.begin(), names.end()};
  }
  std::vector<std::string> label_values(const std::string& tenant, const std::string& name,
                                        const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                        int64_t end) override {
    std::set<std::string> values;
    for (const auto& ls : series(tenant, matchers, start, end)) {
      if (auto v = ls.get(name)) values.insert(std::string(*v));
    }
    return {values.begin(), values.end()};
  }
  std::vector<model::LabelSet> series(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers,
                                      int64_t, int64_t) override {
    auto m = logql::LabelMatchers::compile(matchers);
    std::lock_guard lock(mu_);
    std::set<model::LabelSet> out;
    for (const auto& [ls, e] : data_[tenant]) {
      if (matchers.empty() || m->matches(ls)) out.insert(ls);
    }
    return {out.begin(), out.end()};
  }
  std::vector<std::pair<model::LabelSet, store::IndexStats>> stream_stats(
      const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t, int64_t) override {
    auto m = logql::LabelMatchers::compile(matchers);
    std::lock_guard lock(mu_);
    std::map<model::LabelSet, store::IndexStats> per;
    for (const auto& [ls, e] : data_[tenant]) {
      if (!m->matches(ls)) continue;
      auto& s = per[ls];
      s.streams = 1;
      s.entries++;
      s.bytes += e.line.size();
    }
    return {per.begin(), per.end()};
  }
  // One span per entry: exact times.
  std::vector<store::StreamSpans> stream_spans(const std::string& tenant,
                                               const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                               int64_t end) override {
    auto m = logql::LabelMatchers::compile(matchers);
    std::lock_guard lock(mu_);
    std::map<model::LabelSet, std::vector<store::ChunkSpan>> per;
    for (const auto& [ls, e] : data_[tenant]) {
      if (!m->matches(ls) || e.timestamp < start || e.timestamp >= end) continue;
      per[ls].push_back(store::ChunkSpan{e.timestamp, e.timestamp, 1, e.line.size()});
    }
    std::vector<store::StreamSpans> out;
    for (auto& [ls, spans] : per) out.push_back(store::StreamSpans{ls, std::move(spans)});
    return out;
  }
  store::IndexStats stats(const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t,
                          int64_t) override {
    auto m = logql::LabelMatchers::compile(matchers);
    std::lock_guard lock(mu_);
    store::IndexStats s;
    std::set<model::LabelSet> streams;
    for (const auto& [ls, e] : data_[tenant]) {
      if (!m->matches(ls)) continue;
      streams.insert(ls);
      s.entries++;
      s.bytes += e.line.size();
    }
    s.streams = streams.size();
    return s;
  }
  uint64_t subscribe(const std::string& tenant, TailCallback cb) override {
    std::lock_guard lock(mu_);
    subs_[++next_id_] = {tenant, std::move(cb)};
    return next_id_;
  }
  void unsubscribe(uint64_t id) override {
    std::lock_guard lock(mu_);
    subs_.erase(id);
  }
  util::Status flush_all() override { return {}; }
  // Not marked override: the interface is gaining these while this fake is written.
  util::Status flush_due() { return {}; }
  util::Status checkpoint() { return {}; }
  ingest::IngesterStats stats_snapshot() const override { return {}; }
  std::vector<std::string> tenants() const override {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [t, d] : data_) out.push_back(t);
    return out;
  }

  // Drops every stream of `tenant`, as a flush of idle streams would.
  void forget(const std::string& tenant) {
    std::lock_guard lock(mu_);
    data_.erase(tenant);
  }
  size_t entries(const std::string& tenant) {
    std::lock_guard lock(mu_);
    return data_[tenant].size();
  }
  int pushes = 0;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::pair<model::LabelSet, model::Entry>>> data_;
  std::map<uint64_t, std::pair<std::string, TailCallback>> subs_;
  uint64_t next_id_ = 0;
};

}  // namespace logd_test
