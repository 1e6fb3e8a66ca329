#include "positions/positions_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "fsutil/atomic_file.h"

namespace positions {
namespace {

constexpr std::string_view kFileIdPrefix = "logtail-inode:";
// Keys that name no file: Promtail's journal positions, never removed by remove_missing_files().
constexpr std::string_view kCursorPrefix = "cursor-";
constexpr std::string_view kJournalPrefix = "journal-";

std::string file_id_key(const std::string& path) { return std::string(kFileIdPrefix) + path; }

std::optional<FileId> parse_file_id(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  FileId id;
  auto a = std::from_chars(s.data(), s.data() + colon, id.device);
  auto b = std::from_chars(s.data() + colon + 1, s.data() + s.size(), id.inode);
  if (a.ec != std::errc() || a.ptr != s.data() + colon || b.ec != std::errc() ||
      b.ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

util::Result<FileId> file_id_of(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return util::internal("stat " + path + ": " + std::strerror(errno));
  }
  return FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

util::Result<std::unique_ptr<PositionsStore>> PositionsStore::open(PositionsOptions options) {
  if (options.filename.empty()) return util::Error{"positions: filename must not be empty"};
  if (!options.read_only) {
    auto st = fsutil::create_directories(fsutil::parent_directory(options.filename));
    if (!st.ok()) return util::prefixed("positions: ", st.status_error());
  }
  auto loaded = read_positions_file(options.filename, options.ignore_invalid_yaml);
  if (!loaded.ok()) return loaded.status_error();
  return std::unique_ptr<PositionsStore>(new PositionsStore(std::move(options), std::move(*loaded)));
}

PositionsStore::PositionsStore(PositionsOptions options, PositionMap loaded)
    : options_(std::move(options)), entries_(std::move(loaded)) {
  // The first sync always writes, as Promtail's does: the file then exists, and a corrupt file
  // that was ignored gets replaced.
  generation_ = 1;
}

PositionsStore::~PositionsStore() { (void)sync(); }

util::Result<int64_t> PositionsStore::get(const std::string& path) const {
  std::string value = get_string(path);
  if (value.empty()) return int64_t{0};
  int64_t offset = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), offset);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return util::Error{"positions: value " + value + " of " + path + " is not an offset"};
  }
  return offset;
}

std::string PositionsStore::get_string(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? std::string() : it->second;
}

std::optional<FileId> PositionsStore::get_file_id(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(file_id_key(path));
  if (it == entries_.end()) return std::nullopt;
  return parse_file_id(it->second);
}

void PositionsStore::put(const std::string& path, int64_t offset) {
  put_string(path, std::to_string(offset));
}

void PositionsStore::put(const std::string& path, int64_t offset, FileId id) {
  std::string value = std::to_string(offset);
  std::string identity = std::to_string(id.device) + ":" + std::to_string(id.inode);
  std::lock_guard lock(mu_);
  entries_[path] = std::move(value);
  entries_[file_id_key(path)] = std::move(identity);
  ++generation_;
}

void PositionsStore::put_string(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.try_emplace(key, value);
  if (!inserted) {
    if (it->second == value) return;  // unchanged: no reason to rewrite the file
    it->second = value;
  }
  ++generation_;
}

void PositionsStore::remove(const std::string& path) {
  std::lock_guard lock(mu_);
  size_t n = entries_.erase(path) + entries_.erase(file_id_key(path));
  if (n > 0) ++generation_;
}

size_t PositionsStore::remove_missing_files() {
  std::vector<std::string> paths;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, value] : entries_) {
      if (key.starts_with(kCursorPrefix) || key.starts_with(kJournalPrefix) ||
          key.starts_with(kFileIdPrefix)) {
        continue;
      }
      paths.push_back(key);
    }
  }
  // stat() outside the lock: tailers keep putting offsets meanwhile.
  std::vector<std::string> missing;
  for (const auto& p : paths) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0 && errno == ENOENT) missing.push_back(p);
  }
  for (const auto& p : missing) remove(p);
  return missing.size();
}

util::Status PositionsStore::sync() {
  std::lock_guard sync_lock(sync_mu_);
  PositionMap copy;
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    if (generation_ == synced_generation_) return {};
    copy = entries_;
    generation = generation_;
  }
  if (options_.read_only) return {};
  auto st = write_positions_file(options_.filename, copy);
  if (!st.ok()) return util::prefixed("error writing positions file: ", st.status_error());
  synced_generation_ = generation;
  return {};
}

PositionMap PositionsStore::snapshot() const {
  std::lock_guard lock(mu_);
  return entries_;
}

}  // namespace positions
