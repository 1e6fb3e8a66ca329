#include "store/remote_index_catalog.h"

#include <algorithm>
#include <cstdio>

#include "model/time.h"
#include "store/layout.h"

namespace store {
namespace {

constexpr int kListAttempts = 3;  // listings repeated when a listed file vanished meanwhile

std::shared_ptr<const idx::IndexSet> make_set(const std::map<std::string, idx::IndexReader>& readers) {
  std::vector<idx::IndexReader> list;
  list.reserve(readers.size());
  for (const auto& [n, r] : readers) list.push_back(r);
  return std::make_shared<const idx::IndexSet>(std::move(list));
}

}  // namespace

RemoteIndexCatalog::RemoteIndexCatalog(RemoteIndexOptions options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = &util::system_clock();
}

void RemoteIndexCatalog::warn(const std::string& message) const {
  if (options_.warn) {
    options_.warn(message);
  } else {
    std::fprintf(stderr, "warning: %s\n", message.c_str());
  }
}

RemoteIndexCatalog::Period& RemoteIndexCatalog::period_entry(const std::string& tenant, int64_t period) {
  std::lock_guard lock(mu_);
  auto& p = periods_[{tenant, period}];
  if (!p) p = std::make_unique<Period>();
  return *p;
}

RemoteIndexCatalog::Tenant& RemoteIndexCatalog::tenant_entry(const std::string& tenant) {
  std::lock_guard lock(mu_);
  auto& t = tenants_[tenant];
  if (!t) t = std::make_unique<Tenant>();
  return *t;
}

bool RemoteIndexCatalog::due(bool synced, int64_t synced_ns, std::atomic<bool>& stale) const {
  if (!synced) return true;
  if (stale.exchange(false)) return true;
  return options_.clock->now_ns() - synced_ns >= options_.resync_interval_ns;
}

util::Status RemoteIndexCatalog::sync_tenant(const std::string& tenant, Tenant& t) {
  // One listing with a delimiter: each day is a common prefix with its files right below it.
  std::set<int64_t> found;
  std::string prefix = index_prefix(tenant);
  auto s = options_.bucket->list(objstore::ListOptions{prefix, "/", ""}, [&](const objstore::ListEntry& e) {
    if (!e.is_prefix) return true;
    std::string_view day = std::string_view(e.key).substr(prefix.size());
    if (day.ends_with('/')) day.remove_suffix(1);
    if (auto p = parse_period_dir_name(day)) found.insert(*p);
    return true;
  });
  if (!s.ok()) {
    return util::Error{"store " + options_.bucket->name() + ": listing the index days of tenant " + tenant + ": " +
                           s.error(),
                       s.code()};
  }
  // Periods this process published stay even if the listing raced their upload.
  t.periods.insert(found.begin(), found.end());
  t.synced = true;
  t.synced_ns = options_.clock->now_ns();
  return {};
}

util::Result<std::vector<int64_t>> RemoteIndexCatalog::periods(const std::string& tenant, int64_t first,
                                                               int64_t last) {
  Tenant& t = tenant_entry(tenant);
  std::lock_guard lock(t.mu);
  if (due(t.synced, t.synced_ns, t.stale)) {
    if (auto s = sync_tenant(tenant, t); !s.ok()) {
      if (!t.synced) return s.status_error();
      warn(s.error() + " (using the listing from " +
           model::format_duration_go(options_.clock->now_ns() - t.synced_ns) + " ago)");
    }
  }
  std::vector<int64_t> out;
  for (auto it = t.periods.lower_bound(first); it != t.periods.end() && *it <= last; ++it) out.push_back(*it);
  return out;
}

util::Result<idx::IndexReader> RemoteIndexCatalog::fetch(const std::string& key, Period& p) {
  if (options_.cache) {
    if (auto mapped = options_.cache->find(key, CacheKind::kIndex)) {
      std::string_view bytes = mapped->data();
      auto r = idx::IndexReader::open_owned(bytes, mapped, key);
      if (r.ok()) return r;
      options_.cache->erase(key);  // cut by a crash, or damaged on disk: fetch it again
    }
  }
  util::Error last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto data = options_.bucket->get(key);
    if (!data.ok()) return data.status_error();
    auto owned = std::make_shared<const std::string>(std::move(*data));
    auto r = idx::IndexReader::open_owned(*owned, owned, key);
    if (r.ok()) {
      if (options_.cache) options_.cache->insert(key, *owned, CacheKind::kIndex);
      p.warned.erase(key);
      return r;
    }
    last = r.status_error();  // possibly read while being rewritten: once more
  }
  return util::corruption(last.message);
}

util::Status RemoteIndexCatalog::sync_period(const std::string& tenant, int64_t period, Period& p) {
  std::string prefix = index_period_prefix(tenant, period);
  util::Status failure;
  for (int attempt = 0; attempt < kListAttempts; ++attempt) {
    std::vector<std::string> names;
    auto s = options_.bucket->list(objstore::ListOptions{prefix, "", ""}, [&](const objstore::ListEntry& e) {
      std::string_view name = std::string_view(e.key).substr(prefix.size());
      if (!e.is_prefix && name.find('/') == std::string_view::npos && is_index_file_name(name)) names.emplace_back(name);
      return true;
    });
    if (!s.ok()) return util::Error{"store " + options_.bucket->name() + ": listing " + prefix + ": " + s.error(), s.code()};
    std::map<std::string, idx::IndexReader> readers;
    bool vanished = false;
    for (const auto& name : names) {
      if (auto it = p.readers.find(name); it != p.readers.end()) {
        readers.emplace(name, it->second);
        continue;
      }
      auto r = fetch(prefix + name, p);
      if (r.ok()) {
        readers.emplace(name, std::move(*r));
        continue;
      }
      if (r.code() == util::ErrorCode::kNotFound) {  // replaced since the listing: list again
        vanished = true;
        break;
      }
      if (r.code() == util::ErrorCode::kCorruption) {
        if (p.warned.insert(prefix + name).second) {
          if (options_.corrupt_index_files) options_.corrupt_index_files->fetch_add(1, std::memory_order_relaxed);
          warn("store: ignoring index file that does not validate (tried again at the next sync): " + r.error());
        }
        continue;
      }
      return util::Error{"store " + options_.bucket->name() + ": reading " + prefix + name + ": " + r.error(), r.code()};
    }
    if (vanished) {
      failure = util::unavailable("store " + options_.bucket->name() + ": index files under " + prefix +
                                  " kept vanishing while being read");
      continue;
    }
    bool same = readers.size() == p.readers.size() &&
                std::equal(readers.begin(), readers.end(), p.readers.begin(),
                           [](const auto& a, const auto& b) { return a.first == b.first; });
    p.readers = std::move(readers);
    if (!same || !p.synced) p.set = make_set(p.readers);
    p.synced = true;
    p.synced_ns = options_.clock->now_ns();
    return {};
  }
  return failure;
}

util::Result<std::shared_ptr<const idx::IndexSet>> RemoteIndexCatalog::get(const std::string& tenant, int64_t period) {
  Period& p = period_entry(tenant, period);
  std::lock_guard lock(p.mu);
  if (due(p.synced, p.synced_ns, p.stale)) {
    if (auto s = sync_period(tenant, period, p); !s.ok()) {
      if (!p.synced) return s.status_error();
      warn(s.error() + " (answering from the index as listed " +
           model::format_duration_go(options_.clock->now_ns() - p.synced_ns) + " ago)");
    }
  }
  return p.set;
}

void RemoteIndexCatalog::published(const std::string& tenant, int64_t period, const std::string& name,
                                   std::string_view data) {
  std::string key = index_period_prefix(tenant, period) + name;
  auto owned = std::make_shared<const std::string>(data);
  auto r = idx::IndexReader::open_owned(*owned, owned, key);
  if (options_.cache) options_.cache->insert(key, data, CacheKind::kIndex);
  {
    Tenant& t = tenant_entry(tenant);
    std::lock_guard lock(t.mu);
    t.periods.insert(period);
  }
  Period& p = period_entry(tenant, period);
  std::lock_guard lock(p.mu);
  if (!r.ok()) {  // cannot happen for a file we built; the next sync settles it
    p.stale = true;
    return;
  }
  p.readers.insert_or_assign(name, std::move(*r));
  p.set = make_set(p.readers);
  // A period this process has not listed yet is still listed by the next get(): other writers'
  // files may be there.
}

void RemoteIndexCatalog::invalidate(const std::string& tenant, int64_t period) {
  period_entry(tenant, period).stale = true;
  tenant_entry(tenant).stale = true;
}

util::Status RemoteIndexCatalog::sync_due() {
  std::vector<std::pair<std::pair<std::string, int64_t>, Period*>> todo;
  std::vector<std::pair<std::string, Tenant*>> tenants;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, p] : periods_) todo.emplace_back(key, p.get());
    for (auto& [name, t] : tenants_) tenants.emplace_back(name, t.get());
  }
  util::Status first;
  for (auto& [name, t] : tenants) {
    std::lock_guard lock(t->mu);
    if (!t->synced || !due(t->synced, t->synced_ns, t->stale)) continue;
    if (auto s = sync_tenant(name, *t); !s.ok() && first.ok()) first = s;
  }
  for (auto& [key, p] : todo) {
    std::lock_guard lock(p->mu);
    if (!p->synced || !due(p->synced, p->synced_ns, p->stale)) continue;
    if (auto s = sync_period(key.first, key.second, *p); !s.ok() && first.ok()) first = s;
  }
  return first;
}

}  // namespace store
