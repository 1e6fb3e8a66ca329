#include "objstore/object_key.h"

#include <string>

#include "fsutil/atomic_file.h"

namespace objstore {
namespace {

bool has_control_character(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string quoted(std::string_view key) {
  std::string out = "\"";
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

util::Status validate_key(std::string_view key) {
  auto bad = [&](std::string_view why) {
    return util::invalid_argument("invalid object key " + quoted(key.substr(0, 200)) + ": " + std::string(why));
  };
  if (key.empty()) return bad("empty");
  if (key.size() > kMaxKeyBytes) return bad("longer than 1024 bytes");
  if (has_control_character(key)) return bad("control characters are not allowed");
  if (key.front() == '/') return bad("starts with '/'");
  if (key.back() == '/') return bad("ends with '/'");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view segment = key.substr(start, end - start);
    if (segment.empty()) return bad("empty path segment ('//')");
    if (segment == "." || segment == "..") return bad("'.' and '..' segments are not allowed");
    if (fsutil::is_atomic_write_temporary(segment)) return bad("segment is shaped like a temporary file name");
    start = end + 1;
  }
  return {};
}

util::Status validate_key_prefix(std::string_view prefix, std::string_view what) {
  if (prefix.size() > kMaxKeyBytes) return util::invalid_argument(std::string(what) + " longer than 1024 bytes");
  if (has_control_character(prefix)) {
    return util::invalid_argument(std::string(what) + " " + quoted(prefix) + ": control characters are not allowed");
  }
  if (!prefix.empty() && prefix.front() == '/') {
    return util::invalid_argument(std::string(what) + " " + quoted(prefix) + ": starts with '/'");
  }
  return {};
}

}  // namespace objstore
