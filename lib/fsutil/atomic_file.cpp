#include "fsutil/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <thread>

namespace fsutil {
namespace {

util::Error errno_error(std::string_view what, const std::string& path, int err) {
  return util::internal(std::string(what) + " " + path + ": " + std::strerror(err));
}

// Writes all of `data`, retrying short writes and EINTR.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Keep in step with is_atomic_write_temporary().
std::string temp_name_for(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  size_t tid = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(tid % 1000000) + "." +
         std::to_string(counter.fetch_add(1));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Creates `tmp` (which must not exist) holding `data`, fsync'd when `fsync_file`; removes it again
// on any failure.
util::Status write_temp_file(const std::string& tmp, std::string_view data, bool fsync_file) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error("create", tmp, errno);
  auto fail = [&](std::string_view what) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return errno_error(what, tmp, err);
  };
  if (!write_all(fd, data)) return fail("write");
  // fdatasync would skip the size update on some filesystems; fsync is the safe choice.
  if (fsync_file && ::fsync(fd) != 0) return fail("fsync");
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return fail("close");
  return {};
}

// The distinct directories of a batch, each opened once, remembering its file system.
class BatchDirectories {
 public:
  BatchDirectories() = default;
  BatchDirectories(const BatchDirectories&) = delete;
  BatchDirectories& operator=(const BatchDirectories&) = delete;
  ~BatchDirectories() {
    for (const auto& d : dirs_) ::close(d.fd);
  }

  util::Status add(const std::string& path) {
    if (index_.count(path)) return {};
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno_error("open directory", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return errno_error("stat directory", path, err);
    }
    index_[path] = dirs_.size();
    dirs_.push_back(Dir{path, fd, st.st_dev});
    return {};
  }

  // One syncfs() per distinct file system: writes back every dirty file on it, ours included.
  util::Status syncfs_each_file_system() const {
    std::set<dev_t> synced;
    for (const auto& d : dirs_) {
      if (!synced.insert(d.dev).second) continue;
      if (::syncfs(d.fd) != 0) return errno_error("syncfs of the file system of", d.path, errno);
    }
    return {};
  }

  // Makes the renames into each directory durable.
  util::Status fsync_each() const {
    for (const auto& d : dirs_)
      if (::fsync(d.fd) != 0) return errno_error("fsync directory", d.path, errno);
    return {};
  }

 private:
  struct Dir {
    std::string path;
    int fd;
    dev_t dev;
  };
  std::vector<Dir> dirs_;
  std::map<std::string, size_t> index_;
};

}  // namespace

bool is_atomic_write_temporary(std::string_view file_name) {
  // Three dot-separated numbers after the last ".tmp.".
  size_t at = file_name.rfind(".tmp.");
  if (at == std::string_view::npos) return false;
  std::string_view rest = file_name.substr(at + 5);
  for (int i = 0; i < 2; ++i) {
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos || !all_digits(rest.substr(0, dot))) return false;
    rest.remove_prefix(dot + 1);
  }
  return all_digits(rest);
}

std::string parent_directory(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

util::Status fsync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return errno_error("fsync directory", dir, err);
  return {};
}

util::Status write_file_atomically(const std::string& path, std::string_view data) {
  std::string tmp = temp_name_for(path);
  if (auto s = write_temp_file(tmp, data, /*fsync_file=*/true); !s.ok()) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_error("rename to", path, err);
  }
  // Without this the rename itself may be lost on power failure.
  return fsync_directory(parent_directory(path));
}

bool syncfs_reports_errors() {
  static const bool reports = [] {
    struct utsname u;
    if (::uname(&u) != 0) return false;
    int major = 0, minor = 0;
    if (std::sscanf(u.release, "%d.%d", &major, &minor) != 2) return false;
    return major > 5 || (major == 5 && minor >= 8);
  }();
  return reports;
}

util::Status write_files_atomically(const std::vector<FileToWrite>& files, BatchSync sync) {
  if (files.empty()) return {};
  bool fsync_each_file = sync == BatchSync::kFsyncEachFile || !syncfs_reports_errors();
  // Opened before any file is written, because syncfs() reports the writeback errors of its file
  // system since the descriptor it is given was opened: these then see every error of the batch.
  BatchDirectories dirs;
  for (const auto& f : files)
    if (auto s = dirs.add(parent_directory(f.path)); !s.ok()) return s;
  std::vector<std::string> temps;
  temps.reserve(files.size());
  size_t renamed = 0;
  // Whatever was written but not renamed is removed on every return.
  struct RemoveLeftovers {
    const std::vector<std::string>& temps;
    const size_t& renamed;
    ~RemoveLeftovers() {
      for (size_t i = renamed; i < temps.size(); ++i) ::unlink(temps[i].c_str());
    }
  } remove_leftovers{temps, renamed};

  for (const auto& f : files) {
    std::string tmp = temp_name_for(f.path);
    if (auto s = write_temp_file(tmp, f.data, fsync_each_file); !s.ok()) return s;
    temps.push_back(std::move(tmp));
  }
  if (!fsync_each_file)
    if (auto s = dirs.syncfs_each_file_system(); !s.ok()) return s;
  // Every temporary file is durable now; renaming publishes complete files only.
  for (; renamed < files.size(); ++renamed) {
    if (::rename(temps[renamed].c_str(), files[renamed].path.c_str()) != 0)
      return errno_error("rename to", files[renamed].path, errno);
  }
  return dirs.fsync_each();
}

util::Status create_directories(const std::string& dir) {
  if (dir.empty()) return util::Error{"create_directories: empty path"};
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return util::internal("create directory " + dir + ": exists and is not a directory");
  }
  std::string parent = parent_directory(dir);
  if (parent != dir && parent != "." && parent != "/") {
    if (auto s = create_directories(parent); !s.ok()) return s;
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno_error("mkdir", dir, errno);
  return fsync_directory(parent);
}

util::Result<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("open", path, errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return errno_error("read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace fsutil
