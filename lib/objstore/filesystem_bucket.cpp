#include "objstore/filesystem_bucket.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "fsutil/atomic_file.h"
#include "objstore/filesystem_listing.h"

namespace objstore {
namespace {

enum Op : size_t { kPut, kGet, kGetRange, kHead, kList, kRemove, kRemoveBatch };

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

std::string strip_trailing_slashes(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

// An open regular file, closed on scope exit.
class OpenFile {
 public:
  ~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  // kNotFound when there is no regular file at `path`.
  util::Status open(const std::string& path, const std::string& key) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      if (errno == ENOENT || errno == ENOTDIR) return util::not_found("object " + key + " not found");
      return util::unavailable("open " + path + ": " + std::strerror(errno));
    }
    if (::fstat(fd_, &st_) != 0) return util::unavailable("stat " + path + ": " + std::strerror(errno));
    if (!S_ISREG(st_.st_mode)) return util::not_found("object " + key + " not found");
    return {};
  }
  uint64_t size() const { return static_cast<uint64_t>(st_.st_size); }

  util::Result<std::string> read(uint64_t offset, uint64_t length, const std::string& path) {
    std::string out(length, '\0');
    size_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return util::unavailable("read " + path + ": " + std::strerror(errno));
      }
      if (n == 0) break;  // cannot happen while we hold the inode: files are replaced, never cut
      done += static_cast<size_t>(n);
    }
    if (done != length) {
      return util::corruption("read " + path + ": got " + std::to_string(done) + " of " + std::to_string(length) + " bytes");
    }
    return out;
  }

 private:
  int fd_ = -1;
  struct stat st_ {};
};

Outcome outcome_of(util::ErrorCode code) {
  switch (code) {
    case util::ErrorCode::kNotFound: return Outcome::kNotFound;
    case util::ErrorCode::kCancelled: return Outcome::kCancelled;
    case util::ErrorCode::kInvalidArgument: return Outcome::kClientError;
    case util::ErrorCode::kCorruption: return Outcome::kTruncated;
    default: return Outcome::kError;
  }
}

}  // namespace

FilesystemBucket::FilesystemBucket(std::string root)
    : root_(strip_trailing_slashes(std::move(root))),
      metrics_({"put", "get", "get_range", "head", "list", "remove", "remove_batch"}) {}

util::Status FilesystemBucket::check(std::stop_token) {
  struct stat st;
  if (::stat(root_.c_str(), &st) != 0) {
    if (errno == ENOENT) return util::not_found("store directory " + root_ + " does not exist");
    return util::unavailable("store directory " + root_ + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return util::invalid_argument("store directory " + root_ + " is not a directory");
  return {};
}

util::Status FilesystemBucket::explain_put_failure(const std::string& key, const util::Status& failure) const {
  // A key below an existing object ("a/b" when "a" is a file) or above other keys ("a" when
  // "a/b" exists) cannot be a file: a caller's mistake, not a store failure to retry.
  struct stat st;
  if (::stat(path_of(key).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return util::invalid_argument("put " + key + " in " + root_ + ": other keys are stored below it (\"" + key +
                                  "/...\"), which a filesystem store cannot hold beside an object of that name");
  }
  for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1)) {
    if (::stat(path_of(key.substr(0, slash)).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
      return util::invalid_argument("put " + key + " in " + root_ + ": the key " + key.substr(0, slash) +
                                    " is an object, so no key can be stored below it in a filesystem store");
    }
  }
  return util::unavailable("put " + key + " in " + root_ + ": " + failure.error());
}

util::Status FilesystemBucket::do_put(const std::string& key, std::string_view data, std::stop_token) {
  std::string path = path_of(key);
  std::string dir = fsutil::parent_directory(path);
  util::Status last;
  // A concurrent remove may take an emptied directory away between creating it and writing into
  // it; creating it again settles that.
  for (int attempt = 0; attempt < 5; ++attempt) {
    last = fsutil::create_directories(dir);
    if (last.ok()) last = fsutil::write_file_atomically(path, data);
    if (last.ok()) {
      metrics_.request(kPut, Outcome::kSuccess);
      metrics_.bytes_out(data.size());
      return {};
    }
    struct stat st;
    if (::stat(dir.c_str(), &st) == 0) break;  // the directory is there: not that race
  }
  util::Status error = explain_put_failure(key, last);
  metrics_.request(kPut, outcome_of(error.code()));
  return error;
}

util::Status FilesystemBucket::do_put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop) {
  std::set<std::string> dirs;
  std::vector<fsutil::FileToWrite> files;
  files.reserve(objects.size());
  uint64_t bytes = 0;
  bool ok = true;
  for (const auto& o : objects) {
    std::string path = path_of(o.key);
    if (std::string dir = fsutil::parent_directory(path); dirs.insert(dir).second)
      ok = ok && fsutil::create_directories(dir).ok();
    files.push_back({std::move(path), o.data});
    bytes += o.data.size();
  }
  if (ok && fsutil::write_files_atomically(files).ok()) {
    for (size_t i = 0; i < objects.size(); ++i) metrics_.request(kPut, Outcome::kSuccess);
    metrics_.bytes_out(bytes);
    return {};
  }
  // One at a time: puts that race a removal retry, and a failure is explained for its key.
  for (const auto& o : objects)
    if (auto s = do_put(o.key, o.data, stop); !s.ok()) return s;
  return {};
}

util::Result<std::string> FilesystemBucket::do_get(const std::string& key, std::stop_token) {
  std::string path = path_of(key);
  OpenFile file;
  if (auto s = file.open(path, key); !s.ok()) {
    metrics_.request(kGet, outcome_of(s.code()));
    return s.status_error();
  }
  auto data = file.read(0, file.size(), path);
  metrics_.request(kGet, data.ok() ? Outcome::kSuccess : outcome_of(data.code()));
  if (data.ok()) metrics_.bytes_in(data->size());
  return data;
}

util::Result<std::string> FilesystemBucket::do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                                         std::stop_token) {
  std::string path = path_of(key);
  OpenFile file;
  if (auto s = file.open(path, key); !s.ok()) {
    metrics_.request(kGetRange, outcome_of(s.code()));
    return s.status_error();
  }
  if (offset > file.size()) {
    metrics_.request(kGetRange, Outcome::kClientError);
    return util::invalid_argument("get_range " + key + ": offset " + std::to_string(offset) + " is past the end (" +
                                  std::to_string(file.size()) + " bytes)");
  }
  auto data = file.read(offset, std::min(length, file.size() - offset), path);
  metrics_.request(kGetRange, data.ok() ? Outcome::kSuccess : outcome_of(data.code()));
  if (data.ok()) metrics_.bytes_in(data->size());
  return data;
}

util::Result<ObjectAttributes> FilesystemBucket::do_head(const std::string& key, std::stop_token) {
  struct stat st;
  if (::stat(path_of(key).c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) {
      metrics_.request(kHead, Outcome::kError);
      return util::unavailable("stat " + path_of(key) + ": " + std::strerror(errno));
    }
    st.st_mode = 0;
  }
  if (!S_ISREG(st.st_mode)) {  // missing, or a directory of other keys
    metrics_.request(kHead, Outcome::kNotFound);
    return util::not_found("object " + key + " not found");
  }
  metrics_.request(kHead, Outcome::kSuccess);
  return ObjectAttributes{static_cast<uint64_t>(st.st_size), mtime_ns(st)};
}

util::Status FilesystemBucket::do_list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) {
  util::Status s = list_directory_tree(root_, options, callback, stop);
  metrics_.request(kList, s.ok() ? Outcome::kSuccess : outcome_of(s.code()));
  return s;
}

void FilesystemBucket::remove_empty_parents(const std::string& key) {
  // rmdir fails on a directory that is not empty, which ends the climb; never the root itself.
  for (size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0; slash = key.rfind('/', slash - 1)) {
    if (::rmdir(path_of(key.substr(0, slash)).c_str()) != 0) break;
  }
}

util::Status FilesystemBucket::remove_one(const std::string& key) {
  std::string path = path_of(key);
  if (::unlink(path.c_str()) != 0) {
    int err = errno;
    struct stat st;
    // Missing, or a directory of other keys: there is no object `key`, which is what was asked.
    if (err == ENOENT || err == ENOTDIR || (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) return {};
    if (err == EACCES || err == EPERM) return util::permission_denied("remove " + path + ": " + std::strerror(err));
    return util::unavailable("remove " + path + ": " + std::strerror(err));
  }
  remove_empty_parents(key);
  return {};
}

util::Status FilesystemBucket::do_remove(const std::string& key, std::stop_token) {
  util::Status s = remove_one(key);
  metrics_.request(kRemove, s.ok() ? Outcome::kSuccess : outcome_of(s.code()));
  return s;
}

RemoveBatchResult FilesystemBucket::do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) {
  RemoveBatchResult result;
  for (const auto& key : keys) {
    if (stop.stop_requested()) {
      result.failed.push_back({key, util::cancelled("remove " + key + ": cancelled")});
      continue;
    }
    if (auto s = remove_one(key); !s.ok()) result.failed.push_back({key, s.status_error()});
  }
  metrics_.request(kRemoveBatch, result.ok() ? Outcome::kSuccess : outcome_of(result.failed.front().error.code));
  return result;
}

}  // namespace objstore
