#include "wal/wal_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fsutil/atomic_file.h"
#include "wal/wal_dir.h"

namespace wal {

namespace {
std::string errno_text() { return std::strerror(errno); }
}  // namespace

util::Result<std::unique_ptr<WalWriter>> WalWriter::open(const WalWriterOptions& options, uint64_t first_segment) {
  if (options.segment_size == 0) return util::Error{"wal: segment size must be positive"};
  std::unique_ptr<WalWriter> w(new WalWriter(options));
  std::lock_guard lock(w->mu_);
  if (auto st = w->open_segment_locked(first_segment); !st.ok()) return st.status_error();
  return w;
}

WalWriter::~WalWriter() { (void)close(); }

util::Status WalWriter::open_segment_locked(uint64_t n) {
  std::string path = options_.dir + "/" + segment_name(n);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return util::internal("wal: cannot create " + path + ": " + errno_text());
  // The new name must survive a crash, or replay would see a gap after the previous segment.
  if (auto st = fsutil::fsync_directory(options_.dir); !st.ok()) {
    ::close(fd);
    return st;
  }
  fd_ = fd;
  segment_ = n;
  segment_bytes_ = 0;
  return {};
}

util::Status WalWriter::append(std::string_view records) {
  std::lock_guard lock(mu_);
  if (fd_ < 0) return util::Error{"wal: writer is closed"};
  if (segment_bytes_ > 0 && segment_bytes_ + records.size() > options_.segment_size) {
    if (auto st = rotate_locked(); !st.ok()) return st;
  }
  size_t done = 0;
  while (done < records.size()) {
    ssize_t n = ::write(fd_, records.data() + done, records.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = n < 0 ? errno_text() : "short write";
      // Cut the partial record off so later records do not follow a torn one.
      if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(segment_bytes_)) != 0)
        why += " (and truncating the partial record failed: " + errno_text() + ")";
      return util::internal("wal: write to " + segment_name(segment_) + " failed: " + why);
    }
    done += static_cast<size_t>(n);
  }
  segment_bytes_ += records.size();
  bytes_written_ += records.size();
  return {};
}

util::Status WalWriter::rotate_locked() {
  if (::fsync(fd_) != 0) return util::internal("wal: fsync of " + segment_name(segment_) + " failed: " + errno_text());
  int old = fd_;
  if (auto st = open_segment_locked(segment_ + 1); !st.ok()) return st;
  ::close(old);
  return {};
}

util::Result<uint64_t> WalWriter::rotate() {
  std::lock_guard lock(mu_);
  if (fd_ < 0) return util::Error{"wal: writer is closed"};
  if (auto st = rotate_locked(); !st.ok()) return st.status_error();
  return segment_;
}

util::Status WalWriter::sync() {
  std::lock_guard lock(mu_);
  if (fd_ < 0) return util::Error{"wal: writer is closed"};
  if (::fdatasync(fd_) != 0) return util::internal("wal: fsync of " + segment_name(segment_) + " failed: " + errno_text());
  return {};
}

util::Status WalWriter::close() {
  std::lock_guard lock(mu_);
  if (fd_ < 0) return {};
  util::Status st;
  if (::fsync(fd_) != 0) st = util::internal("wal: fsync of " + segment_name(segment_) + " failed: " + errno_text());
  ::close(fd_);
  fd_ = -1;
  return st;
}

uint64_t WalWriter::current_segment() const {
  std::lock_guard lock(mu_);
  return segment_;
}

uint64_t WalWriter::bytes_written() const {
  std::lock_guard lock(mu_);
  return bytes_written_;
}

}  // namespace wal
