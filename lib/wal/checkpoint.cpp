#include "wal/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "chunk/coding.h"
#include "fsutil/atomic_file.h"
#include "wal/record.h"
#include "wal/wal_dir.h"

namespace wal {

util::Result<std::unique_ptr<CheckpointWriter>> CheckpointWriter::create(const std::string& dir, uint64_t n) {
  static std::atomic<uint64_t> counter{0};
  std::string tmp = dir + "/" + checkpoint_name(n) + "." + std::to_string(::getpid()) + "." +
                    std::to_string(counter.fetch_add(1)) + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return util::internal("wal: cannot create " + tmp + ": " + std::strerror(errno));
  return std::unique_ptr<CheckpointWriter>(new CheckpointWriter(dir, n, fd, tmp));
}

CheckpointWriter::~CheckpointWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_path_.c_str());
}

util::Status CheckpointWriter::write_all(std::string_view data) {
  if (fd_ < 0) return util::Error{"wal: checkpoint writer is closed"};
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd_, data.data() + done, data.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return util::internal("wal: write to " + tmp_path_ + " failed: " + (w < 0 ? std::strerror(errno) : "short write"));
    done += static_cast<size_t>(w);
  }
  bytes_ += data.size();
  return {};
}

util::Status CheckpointWriter::append(std::string_view records, uint64_t count) {
  if (committed_) return util::Error{"wal: checkpoint already committed"};
  records_ += count;
  return write_all(records);
}

util::Status CheckpointWriter::commit() {
  if (committed_) return util::Error{"wal: checkpoint already committed"};
  std::string end;
  size_t start = begin_record(end, RecordType::kCheckpointEnd);
  chunk::put_uvarint(end, records_);
  if (auto st = finish_record(end, start); !st.ok()) return st;
  if (auto st = write_all(end); !st.ok()) return st;
  if (::fsync(fd_) != 0) return util::internal("wal: fsync of " + tmp_path_ + " failed: " + std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  std::string final_path = dir_ + "/" + checkpoint_name(n_);
  if (::rename(tmp_path_.c_str(), final_path.c_str()) != 0)
    return util::internal("wal: cannot rename " + tmp_path_ + " to " + final_path + ": " + std::strerror(errno));
  committed_ = true;
  return fsutil::fsync_directory(dir_);
}

}  // namespace wal
