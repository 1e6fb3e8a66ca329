#include "deletion/delete_store.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <random>
#include <sys/stat.h>

#include "fsutil/atomic_file.h"
#include "util/strings.h"

namespace deletion {
namespace {

std::string new_request_id() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mu);
  uint64_t v = rng();
  return util::hex_encode(std::string_view(reinterpret_cast<const char*>(&v), 4));
}

}  // namespace

util::Result<std::unique_ptr<DeleteRequestStore>> DeleteRequestStore::open(const std::string& path) {
  std::unique_ptr<DeleteRequestStore> s(new DeleteRequestStore(path));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return s;
  auto text = fsutil::read_file(path);
  if (!text.ok()) return text.status_error();
  try {
    YAML::Node root = YAML::Load(*text);
    for (const auto& t : root["tenants"]) {
      std::string tenant = t.first.as<std::string>();
      for (const auto& r : t.second) {
        Entry e;
        e.request.request_id = r["request_id"].as<std::string>();
        e.request.start = r["start"].as<int64_t>();
        e.request.end = r["end"].as<int64_t>();
        e.request.query = r["query"].as<std::string>();
        e.request.status = r["status"].as<std::string>() == "processed" ? Status::kProcessed : Status::kReceived;
        e.request.created_at = r["created_at"].as<int64_t>();
        auto q = DeleteQuery::compile(e.request.query);
        if (!q.ok()) return util::Error{path + ": request " + e.request.request_id + ": " + q.error()};
        e.query = *q;
        s->by_tenant_[tenant].push_back(std::move(e));
      }
    }
  } catch (const YAML::Exception& e) {
    return util::Error{path + ": " + e.what()};
  }
  return s;
}

util::Status DeleteRequestStore::save_locked() const {
  YAML::Node root;
  root["tenants"] = YAML::Node(YAML::NodeType::Map);
  for (const auto& [tenant, entries] : by_tenant_) {
    if (entries.empty()) continue;
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& e : entries) {
      YAML::Node r;
      r["request_id"] = e.request.request_id;
      r["start"] = e.request.start;
      r["end"] = e.request.end;
      r["query"] = e.request.query;
      r["status"] = std::string(status_name(e.request.status));
      r["created_at"] = e.request.created_at;
      list.push_back(r);
    }
    root["tenants"][tenant] = list;
  }
  YAML::Emitter out;
  out << root;
  if (auto st = fsutil::create_directories(fsutil::parent_directory(path_)); !st.ok()) return st;
  return fsutil::write_file_atomically(path_, std::string(out.c_str()) + "\n");
}

util::Result<std::string> DeleteRequestStore::add(const std::string& tenant, const std::string& query, int64_t start,
                                                  int64_t end, int64_t max_interval, int64_t now) {
  auto q = DeleteQuery::compile(query);
  if (!q.ok()) return q.status_error();
  if (start > end) return util::invalid_argument("start time can't be greater than end time");
  std::lock_guard lock(mu_);
  std::string id = new_request_id();
  std::vector<Entry>& entries = by_tenant_[tenant];
  size_t before = entries.size();
  int64_t shard_start = start;
  do {
    int64_t shard_end = max_interval > 0 && end - shard_start >= max_interval ? shard_start + max_interval - 1 : end;
    entries.push_back({DeleteRequest{id, shard_start, shard_end, query, Status::kReceived, now}, *q});
    shard_start = shard_end + 1;
  } while (shard_start <= end && shard_start > start);
  if (auto st = save_locked(); !st.ok()) {
    entries.resize(before);
    return st.status_error();
  }
  return id;
}

std::vector<ListedRequest> DeleteRequestStore::list(const std::string& tenant) const {
  std::lock_guard lock(mu_);
  std::vector<ListedRequest> out;
  auto it = by_tenant_.find(tenant);
  if (it == by_tenant_.end()) return out;
  std::map<std::string, std::pair<size_t, size_t>> progress;  // id -> processed, total
  for (const Entry& e : it->second) {
    auto [p, inserted] = progress.try_emplace(e.request.request_id, 0, 0);
    if (inserted) {
      out.push_back({e.request.request_id, e.request.start, e.request.end, e.request.created_at, e.request.query, ""});
    }
    ListedRequest& l = *std::find_if(out.begin(), out.end(), [&](const ListedRequest& r) {
      return r.request_id == e.request.request_id;
    });
    l.start = std::min(l.start, e.request.start);
    l.end = std::max(l.end, e.request.end);
    p->second.second++;
    if (e.request.status == Status::kProcessed) p->second.first++;
  }
  for (ListedRequest& l : out) {
    auto [done, total] = progress[l.request_id];
    l.status = done == total ? "processed" : done == 0 ? "received" : std::to_string(done * 100 / total) + "% Complete";
  }
  return out;
}

util::Status DeleteRequestStore::cancel(const std::string& tenant, const std::string& request_id, bool force,
                                        int64_t now, int64_t cancel_period) {
  std::lock_guard lock(mu_);
  auto it = by_tenant_.find(tenant);
  std::vector<Entry> kept, removed;
  if (it != by_tenant_.end()) {
    for (Entry& e : it->second) (e.request.request_id == request_id ? removed : kept).push_back(e);
  }
  if (removed.empty()) return util::not_found("could not find delete request with given id");
  if (!force) {
    for (const Entry& e : removed) {
      if (e.request.status == Status::kProcessed) {
        return util::invalid_argument("deletion of request which is in process or already processed is not allowed");
      }
      if (now > e.request.created_at + cancel_period) {
        return util::invalid_argument("cancellation period of the delete request has passed; use force=true");
      }
    }
  }
  std::vector<Entry> before = it->second;
  it->second = std::move(kept);
  if (auto st = save_locked(); !st.ok()) {
    it->second = std::move(before);
    return st;
  }
  return {};
}

std::vector<ActiveDelete> DeleteRequestStore::active(const std::string& tenant) const {
  std::lock_guard lock(mu_);
  std::vector<ActiveDelete> out;
  auto it = by_tenant_.find(tenant);
  if (it == by_tenant_.end()) return out;
  for (const Entry& e : it->second) out.push_back({e.request.start, e.request.end, e.query});
  return out;
}

std::vector<DeleteRequest> DeleteRequestStore::due(const std::string& tenant, int64_t now,
                                                   int64_t cancel_period) const {
  std::lock_guard lock(mu_);
  std::vector<DeleteRequest> out;
  auto it = by_tenant_.find(tenant);
  if (it == by_tenant_.end()) return out;
  for (const Entry& e : it->second) {
    if (e.request.status == Status::kReceived && e.request.created_at + cancel_period <= now) out.push_back(e.request);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const DeleteRequest& a, const DeleteRequest& b) { return a.created_at < b.created_at; });
  return out;
}

util::Status DeleteRequestStore::mark_processed(const std::string& tenant, const DeleteRequest& shard) {
  std::lock_guard lock(mu_);
  auto it = by_tenant_.find(tenant);
  if (it == by_tenant_.end()) return util::not_found("no delete requests for tenant " + tenant);
  for (Entry& e : it->second) {
    if (e.request.request_id == shard.request_id && e.request.start == shard.start && e.request.end == shard.end) {
      e.request.status = Status::kProcessed;
      return save_locked();
    }
  }
  return util::not_found("delete request " + shard.request_id + " was cancelled");
}

std::vector<std::string> DeleteRequestStore::tenants() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [t, entries] : by_tenant_) {
    if (!entries.empty()) out.push_back(t);
  }
  return out;
}

}  // namespace deletion
