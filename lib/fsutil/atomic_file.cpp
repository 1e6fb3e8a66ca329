#include "fsutil/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>

namespace fsutil {
namespace {

util::Error errno_error(std::string_view what, const std::string& path, int err) {
  return util::Error{std::string(what) + " " + path + ": " + std::strerror(err)};
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

std::string temp_name_for(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  size_t tid = std::hash<std::thread::id>{}(std::this_thread::get_id());
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(tid % 1000000) + "." +
         std::to_string(counter.fetch_add(1));
}

}  // namespace

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
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error("create", tmp, errno);
  if (!write_all(fd, data)) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return errno_error("write", tmp, err);
  }
  // fdatasync would skip the size update on some filesystems; fsync is the safe choice.
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return errno_error("fsync", tmp, err);
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_error("close", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return errno_error("rename to", path, err);
  }
  // Without this the rename itself may be lost on power failure.
  return fsync_directory(parent_directory(path));
}

util::Status create_directories(const std::string& dir) {
  if (dir.empty()) return util::Error{"create_directories: empty path"};
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return util::Error{"create directory " + dir + ": exists and is not a directory"};
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
