// Byte coding shared by the chunk and index formats: little-endian fixed-width integers,
// LEB128 varints (zigzag for signed), length-prefixed strings, and ByteReader, a bounds-checked
// cursor whose every read fails cleanly (never reads past the end, never trusts a length).
//
// All functions are pure; a ByteReader is a value over borrowed bytes, one per thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace chunk {

inline void put_fixed32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 4);
}

inline void put_fixed64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 8);
}

inline void put_uvarint(std::string& out, uint64_t v) {
  char b[10];
  size_t n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out.append(b, n);
}

inline uint64_t zigzag_encode(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t zigzag_decode(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

inline void put_svarint(std::string& out, int64_t v) { put_uvarint(out, zigzag_encode(v)); }

inline void put_string(std::string& out, std::string_view s) {
  put_uvarint(out, s.size());
  out.append(s);
}

inline uint32_t get_fixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

inline uint64_t get_fixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// A cursor over bytes. Each read returns false (and leaves the output unspecified) on truncation
// or a malformed varint (more than 10 bytes, or overflowing 64 bits); callers turn that into an
// error naming the field.
class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return pos_ == data_.size(); }
  std::string_view rest() const { return data_.substr(pos_); }

  bool fixed32(uint32_t& v) {
    if (remaining() < 4) return false;
    v = get_fixed32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool fixed64(uint64_t& v) {
    if (remaining() < 8) return false;
    v = get_fixed64(data_.data() + pos_);
    pos_ += 8;
    return true;
  }
  bool uvarint(uint64_t& v) {
    // Fast path: one byte, the common case for lengths and timestamp deltas of dense streams.
    if (pos_ < data_.size() && static_cast<unsigned char>(data_[pos_]) < 0x80) {
      v = static_cast<unsigned char>(data_[pos_++]);
      return true;
    }
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint64_t b = static_cast<unsigned char>(data_[pos_++]);
      if (shift == 63 && b > 1) return false;  // the 10th byte may only carry the top bit
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        v = result;
        return true;
      }
    }
    return false;
  }
  bool svarint(int64_t& v) {
    uint64_t u;
    if (!uvarint(u)) return false;
    v = zigzag_decode(u);
    return true;
  }
  // A uvarint that must be <= `max` (guards counts and lengths before anything is allocated).
  bool bounded(uint64_t& v, uint64_t max) { return uvarint(v) && v <= max; }
  bool bytes(size_t n, std::string_view& out) {
    if (remaining() < n) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // A uvarint length followed by that many bytes, which must be present.
  bool string(std::string_view& out) {
    uint64_t n;
    return uvarint(n) && n <= remaining() && bytes(static_cast<size_t>(n), out);
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace chunk
