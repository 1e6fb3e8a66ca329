// DirectoryWatcher (see directory_watcher.h).
#include "tail/directory_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tail {

DirectoryWatcher::DirectoryWatcher() { fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC); }

DirectoryWatcher::~DirectoryWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

bool DirectoryWatcher::watch(const std::string& dir) {
  if (fd_ < 0) return false;
  if (wd_by_dir_.count(dir)) return true;
  int wd = ::inotify_add_watch(fd_, dir.c_str(),
                               IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE |
                                   IN_ATTRIB);
  if (wd < 0) return false;
  dirs_by_wd_[wd] = dir;
  wd_by_dir_[dir] = wd;
  return true;
}

void DirectoryWatcher::unwatch(const std::string& dir) {
  auto it = wd_by_dir_.find(dir);
  if (it == wd_by_dir_.end()) return;
  ::inotify_rm_watch(fd_, it->second);
  dirs_by_wd_.erase(it->second);
  wd_by_dir_.erase(it);
}

bool DirectoryWatcher::drain(const std::function<void(const Event&)>& on_event) {
  if (fd_ < 0) return true;
  alignas(inotify_event) char buf[16384];
  bool complete = true;
  while (true) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) break;  // EAGAIN: nothing more
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        complete = false;
        continue;
      }
      auto it = dirs_by_wd_.find(ev->wd);
      if (it == dirs_by_wd_.end()) continue;
      if (ev->mask & IN_IGNORED) {  // the directory is gone (or unwatched): inotify dropped the watch
        std::string dir = it->second;
        wd_by_dir_.erase(dir);
        dirs_by_wd_.erase(it);
        on_event(Event{dir, {}, true});
        continue;
      }
      if (ev->len == 0) continue;
      on_event(Event{it->second, std::string_view(ev->name, ::strnlen(ev->name, ev->len)), (ev->mask & IN_ISDIR) != 0});
    }
  }
  return complete;
}

}  // namespace tail
