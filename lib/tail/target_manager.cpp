// TargetManager (see target_manager.h).
#include "tail/target_manager.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <set>

#include "tail/directory_watcher.h"
#include "golang/quote.h"
#include "tail/glob.h"

namespace tail {
namespace {

int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string absolute_path(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

std::string parent_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Validates a glob without touching the file system.
util::Status check_glob(const std::string& pattern) {
  auto m = glob_match(pattern, "");
  if (!m.ok()) return m.status_error();
  return util::Status::Ok();
}

}  // namespace

TargetManager::TargetManager(TargetManagerOptions options, positions::PositionsStore* positions,
                             LineConsumer* consumer)
    : options_(options), positions_(positions), consumer_(consumer) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

TargetManager::~TargetManager() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

util::Status TargetManager::set_targets(const std::vector<model::LabelSet>& targets) {
  std::vector<Target> parsed;
  for (const auto& labels : targets) {
    auto path = labels.get("__path__");
    if (!path || path->empty()) continue;  // Promtail drops it: "no path for target"
    Target t;
    t.path_pattern = std::string(*path);
    t.exclude_pattern = std::string(labels.get("__path_exclude__").value_or(""));
    if (auto st = check_glob(t.path_pattern); !st.ok()) return util::prefixed("__path__: ", st.status_error());
    if (!t.exclude_pattern.empty()) {
      if (auto st = check_glob(t.exclude_pattern); !st.ok()) return util::prefixed("__path_exclude__: ", st.status_error());
    }
    t.absolute_pattern = absolute_path(t.path_pattern);
    std::vector<model::Label> kept;
    for (const auto& l : labels) {
      if (!l.name.starts_with("__")) kept.push_back(l);
    }
    t.labels = model::LabelSet::from_unsorted(std::move(kept));
    parsed.push_back(std::move(t));
  }
  {
    std::lock_guard lock(mu_);
    targets_ = std::move(parsed);
    sync_requested_ = true;
  }
  wake();
  return util::Status::Ok();
}

void TargetManager::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void TargetManager::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake();
  if (thread_.joinable()) thread_.join();
  record_positions();
  std::lock_guard lock(mu_);
  tailers_.clear();
}

void TargetManager::wake() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void TargetManager::run() {
  DirectoryWatcher watcher;
  const bool inotify = options_.use_inotify && watcher.fd() >= 0;
  std::vector<char> buffer(std::max<size_t>(options_.read_buffer_bytes, 4096));
  std::set<std::string> watched_dirs, dirty;
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  // Syncs on inotify events are spaced by this much, so a storm of new files costs bounded work.
  constexpr int64_t kDiscoveryGapNs = 20 * model::kNanosPerMilli;
  int64_t next_sync = 0, discover_at = kNever, last_discovery = 0, interval = options_.min_poll_ns;
  bool poll_all = true;
  while (true) {
    bool periodic = false, discover = false;
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
      const int64_t now = monotonic_ns();
      periodic = sync_requested_ || now >= next_sync;
      discover = !periodic && now >= discover_at;
      sync_requested_ = false;
    }
    if (periodic || discover) {
      // Watch first, then glob: a file created after the glob is seen by its event, one created
      // before by the glob.
      if (inotify) {
        std::set<std::string> dirs = watch_dirs();
        for (const auto& d : watched_dirs) if (!dirs.count(d)) watcher.unwatch(d);
        for (const auto& d : dirs) watcher.watch(d);  // also re-adds a directory that was recreated
        watched_dirs = std::move(dirs);
      }
      sync_files(periodic);
      if (periodic) next_sync = monotonic_ns() + options_.sync_period_ns;
      last_discovery = monotonic_ns();
      discover_at = kNever;
      poll_all = true;
    }

    bool progress = false, more = false;
    {
      std::lock_guard lock(mu_);
      std::span<char> scratch(buffer.data(), buffer.size());
      int64_t now = (options_.clock ? *options_.clock : util::system_clock()).now_ns();
      auto poll_one = [&](FileTailer& t) {
        int64_t before = t.read_offset();
        uint64_t lines_before = t.lines_read();
        auto r = t.poll(*consumer_, scratch, options_.poll_byte_budget, now);
        if (r == FileTailer::PollResult::kMoreData) {
          more = true;
          dirty.insert(t.path());
        }
        if (t.read_offset() != before || t.lines_read() != lines_before) progress = true;
      };
      if (poll_all) {
        dirty.clear();
        for (auto& [path, tailer] : tailers_) poll_one(*tailer);
      } else {
        std::set<std::string> todo;
        todo.swap(dirty);
        for (const auto& path : todo) {
          auto it = tailers_.find(path);
          if (it != tailers_.end()) poll_one(*it->second);
        }
      }
    }
    record_positions();
    poll_all = false;

    // Back off while nothing changes (polling only; inotify wakes us for changes anyway).
    interval = progress ? options_.min_poll_ns : std::min(interval * 2, options_.max_poll_ns);
    const int64_t now = monotonic_ns();
    int64_t timeout_ns = more ? 0 : std::min(interval, std::max<int64_t>(0, next_sync - now));
    if (discover_at != kNever) timeout_ns = std::min(timeout_ns, std::max<int64_t>(0, discover_at - now));
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify ? watcher.fd() : -1, POLLIN, 0}};
    int rc = ::poll(fds, 2, static_cast<int>((timeout_ns + 999'999) / 1'000'000));
    if (rc == 0) poll_all = true;  // the timer: check every file (the polling fallback)
    if (rc > 0 && (fds[0].revents & POLLIN)) {
      uint64_t count;
      [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
      poll_all = true;  // the consumer has room, or targets changed: blocked files may proceed
    }
    if (rc > 0 && (fds[1].revents & POLLIN)) {
      bool rediscover = false;
      bool complete = watcher.drain([&](const DirectoryWatcher::Event& ev) {
        if (ev.name.empty() || ev.is_dir) {  // the directory tree changed: new dirs to watch, maybe files
          rediscover = true;
          return;
        }
        std::string path = ev.dir == "/" ? "/" + std::string(ev.name) : ev.dir + "/" + std::string(ev.name);
        bool known;
        {
          std::lock_guard lock(mu_);
          known = tailers_.count(path) > 0;
        }
        if (known) {
          dirty.insert(std::move(path));
        } else if (may_match(path)) {
          rediscover = true;  // a new file matching a glob: tail it now, not at the next sync
        }
      });
      if (!complete) {
        poll_all = true;
        rediscover = true;
      }
      if (rediscover && discover_at == kNever) discover_at = std::max(monotonic_ns(), last_discovery + kDiscoveryGapNs);
    }
  }
}

std::set<std::string> TargetManager::watch_dirs() const {
  std::vector<std::string> patterns;
  std::set<std::string> dirs;
  {
    std::lock_guard lock(mu_);
    for (const auto& t : targets_) patterns.push_back(t.path_pattern);
    for (const auto& [path, tailer] : tailers_) dirs.insert(parent_dir(path));
  }
  for (const auto& p : patterns) {
    auto found = glob_watch_dirs(p);
    if (!found.ok()) continue;  // validated in set_targets
    for (const auto& d : *found) dirs.insert(absolute_path(d));
  }
  return dirs;
}

bool TargetManager::may_match(const std::string& path) const {
  std::lock_guard lock(mu_);
  for (const auto& t : targets_) {
    auto m = glob_match(t.absolute_pattern, path);
    if (m.ok() && *m) return true;
  }
  return false;
}

void TargetManager::sync_files(bool periodic) {
  std::vector<Target> targets;
  {
    std::lock_guard lock(mu_);
    targets = targets_;
  }
  std::map<std::string, const Target*> wanted;
  for (const auto& t : targets) {
    auto matches = glob_files(t.path_pattern);
    if (!matches.ok()) continue;  // validated in set_targets; cannot happen
    for (const auto& m : *matches) {
      if (!t.exclude_pattern.empty()) {
        auto a = glob_match(t.exclude_pattern, m);
        auto b = glob_match(t.exclude_pattern, absolute_path(m));
        if ((a.ok() && *a) || (b.ok() && *b)) continue;
      }
      wanted.emplace(absolute_path(m), &t);  // first target wins
    }
  }
  std::lock_guard lock(mu_);
  for (auto it = tailers_.begin(); it != tailers_.end();) {
    if (!periodic) break;  // discovery only adds
    if (wanted.count(it->first)) {
      missed_syncs_.erase(it->first);
      ++it;
      continue;
    }
    // Unmatched at two syncs in a row: a rotation between rename and create (the path briefly
    // missing) must not end the tailer that still has the old file's last lines to read.
    if (++missed_syncs_[it->first] < 2) {
      ++it;
      continue;
    }
    // Gone from the file system (or no longer matched): forget its position, as Promtail does.
    missed_syncs_.erase(it->first);
    positions_->remove(it->first);
    recorded_.erase(it->first);
    it = tailers_.erase(it);
  }
  for (const auto& [path, target] : wanted) {
    model::LabelSet labels = target->labels;
    labels.set("filename", path);
    if (auto it = tailers_.find(path); it != tailers_.end()) {
      it->second->set_labels(std::move(labels));  // relabelled targets keep their position
      continue;
    }
    auto offset = positions_->get(path);
    tailers_.emplace(path, std::make_unique<FileTailer>(path, std::move(labels), offset.ok() ? *offset : 0,
                                                        positions_->get_file_id(path)));
  }
}

void TargetManager::record_positions() {
  std::lock_guard lock(mu_);
  for (const auto& [path, tailer] : tailers_) {
    auto cursor = tailer->cursor();
    if (!cursor) continue;
    int64_t acked = cursor->acknowledged();
    // Offset and inode together: a rotation to offset 0 of a new file is a change too.
    std::pair<int64_t, uint64_t> key{acked, cursor->file_id().inode};
    auto it = recorded_.find(path);
    if (it != recorded_.end() && it->second == key) continue;
    positions_->put(path, acked, cursor->file_id());
    recorded_[path] = key;
  }
}

std::vector<FileStats> TargetManager::stats() const {
  std::vector<FileStats> out;
  std::lock_guard lock(mu_);
  for (const auto& [path, t] : tailers_) {
    auto cursor = t->cursor();
    FileStats s{path, t->read_offset(), t->lines_read(), t->file_size(), cursor ? cursor->acknowledged() : 0, {}};
    if (cursor) s.labels = cursor->labels();
    out.push_back(std::move(s));
  }
  return out;
}

size_t TargetManager::files_active() const {
  std::lock_guard lock(mu_);
  return tailers_.size();
}

std::string TargetManager::render_metrics() const {
  auto files = stats();
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help, auto value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& f : files) {
      out += std::string(name) + "{path=" + golang::quote(f.path) + "} " + std::to_string(value(f)) + "\n";
    }
  };
  family("promtail_read_bytes_total", "gauge", "Number of bytes read.", [](const FileStats& f) { return f.read_offset; });
  family("promtail_read_lines_total", "counter", "Number of lines read.", [](const FileStats& f) { return f.lines_read; });
  family("promtail_file_bytes_total", "gauge", "Number of bytes total.", [](const FileStats& f) { return f.file_size; });
  out += "# HELP promtail_files_active_total Number of active files.\n# TYPE promtail_files_active_total gauge\n";
  out += "promtail_files_active_total " + std::to_string(files.size()) + "\n";
  return out;
}

}  // namespace tail
