#include "store/writer_id.h"

#include <sys/random.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "fsutil/atomic_file.h"

namespace store {
namespace {

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

constexpr size_t kMaxWriterId = 64;

}  // namespace

util::Status check_writer_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxWriterId) {
    return util::invalid_argument("writer id must be 1 to 64 characters, got " + std::to_string(id.size()));
  }
  if (id.front() == '.') return util::invalid_argument("writer id must not start with '.'");
  for (char c : id) {
    if (!allowed(c)) return util::invalid_argument("writer id \"" + std::string(id) + "\": only A-Z a-z 0-9 _ . - allowed");
  }
  return {};
}

std::string sanitize_writer_id(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxWriterId)) out += allowed(c) ? c : '_';
  if (!out.empty() && out.front() == '.') out.front() = '_';
  return out;
}

std::string random_writer_id(std::string_view prefix) {
  unsigned char bytes[6] = {};
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  std::string out(prefix);
  for (unsigned char b : bytes) {
    out += "0123456789abcdef"[b >> 4];
    out += "0123456789abcdef"[b & 15];
  }
  return out;
}

util::Result<std::string> load_or_create_writer_id(const std::string& file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) {
    if (errno != ENOENT) return util::unavailable("writer id file " + file + ": " + std::strerror(errno));
    std::string id = random_writer_id("logd-");
    if (auto s = fsutil::create_directories(fsutil::parent_directory(file)); !s.ok()) return s.status_error();
    if (auto s = fsutil::write_file_atomically(file, id + "\n"); !s.ok()) {
      return util::unavailable("writing the writer id file: " + s.error());
    }
    return id;
  }
  auto text = fsutil::read_file(file);
  if (!text.ok()) return util::unavailable("writer id file: " + text.error());
  std::string id = *text;
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r' || id.back() == ' ')) id.pop_back();
  if (auto s = check_writer_id(id); !s.ok()) return util::invalid_argument(file + ": " + s.error());
  return id;
}

}  // namespace store
