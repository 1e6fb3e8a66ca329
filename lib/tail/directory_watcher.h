// DirectoryWatcher: inotify on the directories that hold tailed files, so a write, create,
// rename or delete wakes the polling thread at once. One inotify descriptor serves every file
// (watching directories, not files, also sees a file appear at a watched path after rotation).
// When inotify is unavailable (fd() < 0) the caller relies on polling alone.
//
// Thread-safety: single thread (the TargetManager's loop).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace tail {

class DirectoryWatcher {
 public:
  DirectoryWatcher();
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  int fd() const { return fd_; }  // for poll(); -1 when inotify is unavailable
  bool watch(const std::string& dir);
  void unwatch(const std::string& dir);
  // Reads pending events without blocking; calls `on_event(dir, name)` for each. Returns false
  // when the event queue overflowed (the caller should then check every file).
  bool drain(const std::function<void(const std::string& dir, std::string_view name)>& on_event);

 private:
  int fd_ = -1;
  std::map<int, std::string> dirs_by_wd_;
  std::map<std::string, int> wd_by_dir_;
};

}  // namespace tail
