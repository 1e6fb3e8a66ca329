#include "logcli/input_buffer.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace logcli {

namespace {

constexpr size_t kHugePage = 2 << 20;

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

InputBuffer InputBuffer::from_string(std::string data) {
  InputBuffer b;
  b.owned_ = std::move(data);
  b.data_ = b.owned_.data();
  b.size_ = b.owned_.size();
  return b;
}

InputBuffer::InputBuffer(InputBuffer&& o) noexcept { *this = std::move(o); }

InputBuffer& InputBuffer::operator=(InputBuffer&& o) noexcept {
  if (this == &o) return *this;
  release();
  bool from_owned = o.data_ == o.owned_.data() && !o.mapped_ && o.capacity_ == 0;
  owned_ = std::move(o.owned_);
  data_ = from_owned ? owned_.data() : o.data_;
  size_ = o.size_;
  capacity_ = o.capacity_;
  map_offset_ = o.map_offset_;
  mapped_ = o.mapped_;
  o.data_ = nullptr;
  o.size_ = o.capacity_ = o.map_offset_ = 0;
  o.mapped_ = false;
  return *this;
}

InputBuffer::~InputBuffer() { release(); }

void InputBuffer::release() {
  if (data_ && capacity_ > 0) munmap(data_ - map_offset_, capacity_);
  data_ = nullptr;
  size_ = capacity_ = map_offset_ = 0;
  mapped_ = false;
}

util::Result<bool> InputBuffer::try_map(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return util::Error{errno_text("stat stdin")};
  if (!S_ISREG(st.st_mode)) return false;
  off_t pos = lseek(fd, 0, SEEK_CUR);
  if (pos < 0 || pos > st.st_size) return false;
  size_t len = static_cast<size_t>(st.st_size - pos);
  if (len == 0) return true;
  // mmap offsets must be page aligned: map from the page holding `pos`.
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t aligned = static_cast<size_t>(pos) / page * page;
  size_t offset = static_cast<size_t>(pos) - aligned;
  void* p = mmap(nullptr, len + offset, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, static_cast<off_t>(aligned));
  if (p == MAP_FAILED) return false;  // e.g. a file system without mmap: fall back to read()
  madvise(p, len + offset, MADV_SEQUENTIAL);
  data_ = static_cast<char*>(p) + offset;
  size_ = len;
  capacity_ = len + offset;
  map_offset_ = offset;
  mapped_ = true;
  return true;
}

util::Status InputBuffer::grow(size_t min_capacity) {
  size_t cap = capacity_ ? capacity_ : 16 * kHugePage;
  while (cap < min_capacity) cap *= 2;
  void* p;
  if (capacity_ == 0) {
    p = mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  } else {
    p = mremap(data_, capacity_, cap, MREMAP_MAYMOVE);  // moves pages, never copies bytes
  }
  if (p == MAP_FAILED) return util::Error{errno_text("allocating input buffer")};
  madvise(p, cap, MADV_HUGEPAGE);
  data_ = static_cast<char*>(p);
  capacity_ = cap;
  return {};
}

util::Result<size_t> InputBuffer::read_some(int fd) {
  if (capacity_ - size_ < kHugePage) {
    if (auto s = grow(capacity_ + kHugePage); !s) return s.status_error();
  }
  for (;;) {
    ssize_t n = ::read(fd, data_ + size_, capacity_ - size_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return util::Error{errno_text("reading stdin")};
    size_ += static_cast<size_t>(n);
    return static_cast<size_t>(n);
  }
}

}  // namespace logcli
