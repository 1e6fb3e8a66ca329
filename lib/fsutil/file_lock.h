// FileLock: an exclusive advisory lock (flock) on a file, held for the object's lifetime.
//
// Used so that two logd processes never share one data directory (and, later, so that
// maintenance tools can refuse to compact under a running server). The lock is released when the
// object is destroyed or the process dies. Movable, not copyable; not for use by several threads.
#pragma once

#include <string>

#include "util/result.h"

namespace fsutil {

class FileLock {
 public:
  // Creates `path` if missing and locks it without waiting; fails with a clear error naming the
  // path if another process (or another FileLock in this process) holds it.
  static util::Result<FileLock> acquire(const std::string& path);

  FileLock() = default;
  FileLock(FileLock&& o) noexcept;
  FileLock& operator=(FileLock&& o) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  bool held() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace fsutil
