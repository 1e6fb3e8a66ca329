#include "pattern/pattern_store.h"

#include <algorithm>
#include <array>
#include <climits>
#include <iterator>

namespace pattern {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr std::array<std::string_view, 7> kLevels = {"debug", "info", "warn", "error", "fatal", "critical", "trace"};
constexpr std::string_view kLevelLabel = "detected_level";  // Loki's constants.LevelLabel

int64_t floor_ms(int64_t ns) { return ns / kNanosPerMilli - (ns < 0 && ns % kNanosPerMilli != 0 ? 1 : 0); }
int64_t ceil_ms(int64_t ns) { return ns / kNanosPerMilli + (ns > 0 && ns % kNanosPerMilli != 0 ? 1 : 0); }

}  // namespace

std::string normalize_level(std::string_view value) {
  std::string lower(value);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  for (std::string_view level : kLevels) {
    if (lower == level) return lower;
  }
  return kLevelUnknown;
}

struct PatternStore::Stream {
  explicit Stream(model::LabelSet l, LineFormat f) : labels(std::move(l)), format(f) {}
  const model::LabelSet labels;
  const LineFormat format;  // guessed from the stream's first line, as Loki does
  std::mutex mu;
  int64_t last_ts = INT64_MIN;
  std::map<std::string, std::unique_ptr<Drain>> by_level;
};

struct PatternStore::Tenant {
  std::shared_mutex mu;
  std::map<model::LabelSet, std::shared_ptr<Stream>> streams;
};

PatternStore::PatternStore(PatternConfig config, util::Clock& clock)
    : config_(config), clock_(clock), last_prune_ns_(clock.now_ns()) {
  drain_config_.max_clusters = static_cast<size_t>(std::max<int64_t>(config.max_clusters, 0));
  drain_config_.max_eviction_ratio = config.max_eviction_ratio;
  drain_config_.max_line_length = static_cast<size_t>(std::max<int64_t>(config.max_allowed_line_length, 0));
  drain_config_.sample_interval_ns = std::max<int64_t>(config.pattern_sample_interval, kNanosPerMilli);
}

PatternStore::~PatternStore() = default;

std::shared_ptr<PatternStore::Tenant> PatternStore::find_tenant(const std::string& id) const {
  std::shared_lock lock(mu_);
  auto it = tenants_.find(id);
  return it == tenants_.end() ? nullptr : it->second;
}

std::shared_ptr<PatternStore::Tenant> PatternStore::tenant(const std::string& id) {
  if (auto t = find_tenant(id)) return t;
  std::unique_lock lock(mu_);
  auto& slot = tenants_[id];
  if (!slot) slot = std::make_shared<Tenant>();
  return slot;
}

void PatternStore::observe(const std::string& tenant_id, const std::vector<push::Stream>& streams) {
  std::shared_ptr<Tenant> t = tenant(tenant_id);
  const int64_t now = clock_.now_ns();
  // Held shared while training: prune() removes empty streams only under the exclusive lock.
  std::shared_lock tenant_lock(t->mu);
  for (const push::Stream& in : streams) {
    if (in.entries.empty()) continue;
    std::shared_ptr<Stream> s;
    if (auto it = t->streams.find(in.labels); it != t->streams.end()) {
      s = it->second;
    } else {
      tenant_lock.unlock();
      {
        std::unique_lock create(t->mu);
        auto& slot = t->streams[in.labels];
        if (!slot) slot = std::make_shared<Stream>(in.labels, detect_format(in.entries.front().line));
        s = slot;
      }
      tenant_lock.lock();
      // A prune between the two locks may have dropped the new (still empty) stream: look again.
      auto again = t->streams.find(in.labels);
      if (again == t->streams.end()) continue;
      s = again->second;
    }
    uint64_t trained = 0, skipped = 0, evicted = 0;
    {
      std::lock_guard stream_lock(s->mu);
      for (const model::Entry& e : in.entries) {
        if (e.timestamp < s->last_ts) continue;
        s->last_ts = e.timestamp;
        auto level_value = e.metadata.get(kLevelLabel);
        std::string level = level_value ? normalize_level(*level_value) : std::string(kLevelUnknown);
        auto& drain = s->by_level[level];
        if (!drain) drain = std::make_unique<Drain>(drain_config_, s->format);
        const uint64_t evicted_before = drain->stats().clusters_evicted;
        if (drain->train(e.line, e.timestamp, now)) {
          ++trained;
        } else {
          ++skipped;
        }
        evicted += drain->stats().clusters_evicted - evicted_before;
      }
    }
    lines_trained_.fetch_add(trained, std::memory_order_relaxed);
    lines_skipped_.fetch_add(skipped, std::memory_order_relaxed);
    clusters_evicted_.fetch_add(evicted, std::memory_order_relaxed);
  }
}

std::vector<StreamPatterns> PatternStore::query(const std::string& tenant_id, const logql::LabelMatchers& matchers,
                                                int64_t start_ns, int64_t end_ns, int64_t step_ns) const {
  std::vector<StreamPatterns> out;
  std::shared_ptr<Tenant> t = find_tenant(tenant_id);
  if (!t) return out;
  const int64_t start_ms = floor_ms(start_ns), end_ms = ceil_ms(end_ns);
  const int64_t step_ms = std::max(step_ns / kNanosPerMilli, drain_config_.sample_interval_ns / kNanosPerMilli);
  std::shared_lock tenant_lock(t->mu);
  for (const auto& [labels, s] : t->streams) {
    if (!matchers.matches(labels)) continue;
    std::vector<PatternSeries> series;
    {
      std::lock_guard stream_lock(s->mu);
      for (const auto& [level, drain] : s->by_level) {
        drain->for_each_cluster([&](const Cluster& c) {
          PatternSeries ps{drain->pattern_of(c), level, {}};
          if (ps.pattern.empty()) return;
          c.samples.for_range(start_ms, end_ms, step_ms, [&](const Sample& sample) { ps.samples.push_back(sample); });
          if (!ps.samples.empty()) series.push_back(std::move(ps));
        });
      }
    }
    if (series.empty()) continue;
    out.push_back(StreamPatterns{labels, merge_series(std::move(series))});
  }
  return out;
}

void PatternStore::prune() {
  const int64_t now = clock_.now_ns();
  const int64_t cutoff_ms = floor_ms(now - config_.retain_for);
  std::vector<std::pair<std::string, std::shared_ptr<Tenant>>> all;
  {
    std::shared_lock lock(mu_);
    all.assign(tenants_.begin(), tenants_.end());
  }
  for (auto& [id, t] : all) {
    std::unique_lock tenant_lock(t->mu);
    for (auto it = t->streams.begin(); it != t->streams.end();) {
      Stream& s = *it->second;
      std::lock_guard stream_lock(s.mu);
      for (auto d = s.by_level.begin(); d != s.by_level.end();) {
        d = d->second->prune(cutoff_ms) == 0 ? s.by_level.erase(d) : std::next(d);
      }
      it = s.by_level.empty() ? t->streams.erase(it) : std::next(it);
    }
  }
  std::unique_lock lock(mu_);
  for (auto it = tenants_.begin(); it != tenants_.end();) {
    std::unique_lock tenant_lock(it->second->mu, std::try_to_lock);
    // A tenant busy training is not empty for long: it is looked at again on the next prune.
    it = tenant_lock.owns_lock() && it->second->streams.empty() ? tenants_.erase(it) : std::next(it);
  }
}

void PatternStore::maybe_prune() {
  std::lock_guard lock(prune_mu_);
  const int64_t now = clock_.now_ns();
  if (now - last_prune_ns_ < config_.flush_check_period) return;
  last_prune_ns_ = now;
  prune();
}

PatternStoreStats PatternStore::stats() const {
  PatternStoreStats st;
  std::vector<std::shared_ptr<Tenant>> all;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, t] : tenants_) all.push_back(t);
  }
  for (const auto& t : all) {
    std::shared_lock tenant_lock(t->mu);
    st.streams += t->streams.size();
    for (const auto& [labels, s] : t->streams) {
      std::lock_guard stream_lock(s->mu);
      for (const auto& [level, drain] : s->by_level) st.clusters += drain->cluster_count();
    }
  }
  st.lines_trained = lines_trained_.load(std::memory_order_relaxed);
  st.lines_skipped = lines_skipped_.load(std::memory_order_relaxed);
  st.clusters_evicted = clusters_evicted_.load(std::memory_order_relaxed);
  return st;
}

}  // namespace pattern
