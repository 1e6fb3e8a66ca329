// DirectoryWatcher: inotify on the directories that hold tailed files and on the directories of
// the glob patterns, so a write, create, rename or delete wakes the polling thread at once. One inotify descriptor serves every file
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
  struct Event {
    const std::string& dir;  // the watched directory
    std::string_view name;   // the entry in it; empty when the watched directory itself went away
    bool is_dir = false;     // the entry is a directory (created, moved in, removed...)
  };
  // Reads pending events without blocking; calls `on_event` for each. A watched directory that
  // is deleted or moved away is forgotten (reported once with an empty name). Returns false when
  // the event queue overflowed (the caller should then check every file).
  bool drain(const std::function<void(const Event&)>& on_event);
  bool watching(const std::string& dir) const { return wd_by_dir_.count(dir) > 0; }

 private:
  int fd_ = -1;
  std::map<int, std::string> dirs_by_wd_;
  std::map<std::string, int> wd_by_dir_;
};

}  // namespace tail
