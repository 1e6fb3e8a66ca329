#include "maint/pending_deletions.h"

#include <atomic>
#include <charconv>
#include <cinttypes>
#include <cstdio>

#include "maint/index_update.h"
#include "maint/store_snapshot.h"

namespace maint {
namespace {

std::string deletes_prefix(const std::string& tenant) { return tenant + "/deletes/"; }

// "<deadline, 20 digits>-<writer>-<n>.txt": the deadline is the leading number.
std::optional<int64_t> deadline_of(std::string_view name) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
  if (ec != std::errc() || end == name.data() || *end != '-' || !name.ends_with(".txt")) return std::nullopt;
  return v;
}

}  // namespace

util::Result<std::vector<PendingDeletion>> list_pending_deletions(const Target& target, const std::string& tenant) {
  std::vector<PendingDeletion> out;
  std::string prefix = deletes_prefix(tenant);
  std::vector<std::pair<std::string, int64_t>> markers;
  auto s = target.bucket->list(objstore::ListOptions{prefix, "", ""}, [&](const objstore::ListEntry& e) {
    std::string_view name = std::string_view(e.key).substr(prefix.size());
    if (auto d = deadline_of(name); d && name.find('/') == std::string_view::npos) markers.emplace_back(e.key, *d);
    return true;
  });
  if (!s.ok()) return util::Error{"listing " + target.bucket->name() + "/" + prefix + ": " + s.error(), s.code()};
  for (const auto& [key, deadline] : markers) {
    auto text = target.bucket->get(key);
    if (!text.ok()) {
      if (text.code() == util::ErrorCode::kNotFound) continue;  // carried out meanwhile
      return util::Error{target.bucket->name() + "/" + key + ": " + text.error(), text.code()};
    }
    PendingDeletion d;
    d.key = key;
    d.deadline_ns = deadline;
    size_t pos = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) break;  // a cut-short last line is ignored
      std::string_view line = std::string_view(*text).substr(pos, nl - pos);
      pos = nl + 1;
      if (line.starts_with("index ")) {
        d.index_files.emplace_back(line.substr(6));
      } else if (line.starts_with("chunk ") && is_chunk_path(line.substr(6))) {
        d.chunks.emplace_back(line.substr(6));
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

util::Status defer_deletion(const Target& target, const std::string& tenant, const std::vector<std::string>& index_files,
                            const std::vector<std::string>& chunks) {
  static std::atomic<uint64_t> counter{0};
  std::string text;
  for (const auto& f : index_files) text += "index " + f + "\n";
  for (const auto& c : chunks) text += "chunk " + c + "\n";
  char name[64];
  std::snprintf(name, sizeof name, "%020" PRId64 "-", target.clock->now_ns() + target.delete_delay_ns);
  std::string key = deletes_prefix(tenant) + name + target.writer_id + "-" + std::to_string(counter.fetch_add(1)) + ".txt";
  if (auto s = target.bucket->put(key, text); !s.ok()) {
    return util::Error{target.bucket->name() + ": writing " + key + ": " + s.error(), s.code()};
  }
  return {};
}

util::Result<SettleReport> settle_pending_deletions(const Target& target, const std::string& tenant) {
  SettleReport report;
  auto pending = list_pending_deletions(target, tenant);
  if (!pending.ok()) return pending.status_error();
  int64_t now = target.clock->now_ns();
  for (const auto& d : *pending) {
    if (d.deadline_ns > now) continue;
    std::vector<std::string> keys;
    for (const auto& f : d.index_files) keys.push_back(tenant + "/" + f);
    if (auto s = target.bucket->remove_batch(keys).status(); !s.ok()) return s.status_error();
    report.index_files_removed += keys.size();
    // The marker still names them until it is removed, so the live index is read without them.
    auto removed = remove_unreferenced_chunks(target, tenant, {d.chunks.begin(), d.chunks.end()});
    if (!removed.ok()) return removed.status_error();
    report.chunks_removed += removed->chunks_removed;
    report.chunks_kept.insert(report.chunks_kept.end(), removed->chunks_kept.begin(), removed->chunks_kept.end());
    if (auto s = target.bucket->remove(d.key); !s.ok()) return s.status_error();
    ++report.markers;
  }
  return report;
}

}  // namespace maint
