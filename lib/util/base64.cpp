#include "util/base64.h"

#include <cstdint>

namespace util {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (size_t left = data.size() - i; left > 0) {
    uint32_t v = uint8_t(data[i]) << 16;
    if (left == 2) v |= uint8_t(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += left == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  int pad = 0;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) return std::nullopt;  // data after padding
    int v = value_of(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be fewer than a byte, and padding must complete the last quantum.
  if (bits >= 6 || pad > 2) return std::nullopt;
  if (pad > 0 && (bits / 2) != pad) return std::nullopt;
  return out;
}

std::optional<std::string> base64_decode_strict(std::string_view in, size_t* bad_offset) {
  auto corrupt = [&](size_t at) -> std::optional<std::string> {
    if (bad_offset) *bad_offset = at;
    return std::nullopt;
  };
  auto skip_newlines = [&](size_t j) {
    while (j < in.size() && (in[j] == '\r' || in[j] == '\n')) ++j;
    return j;
  };
  std::string out;
  uint32_t acc = 0;
  int n = 0;  // characters of the current quantum
  size_t quantum_start = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\r' || c == '\n') continue;
    if (n == 0) quantum_start = i;
    if (c == '=') {
      // Padding: allowed only as the 3rd/4th character of the last quantum.
      if (n < 2) return corrupt(i);
      size_t j = skip_newlines(i + 1);
      if (n == 2) {
        if (j >= in.size() || in[j] != '=') return corrupt(j >= in.size() ? i : j);
        j = skip_newlines(j + 1);
      }
      if (j < in.size()) return corrupt(j);
      if (n == 2) {
        out += static_cast<char>(acc >> 4);
      } else {
        out += static_cast<char>(acc >> 10);
        out += static_cast<char>((acc >> 2) & 0xff);
      }
      return out;
    }
    int v = value_of(c);
    if (v < 0) return corrupt(i);
    acc = (acc << 6) | static_cast<uint32_t>(v);
    if (++n == 4) {
      out += static_cast<char>((acc >> 16) & 0xff);
      out += static_cast<char>((acc >> 8) & 0xff);
      out += static_cast<char>(acc & 0xff);
      acc = 0;
      n = 0;
    }
  }
  if (n != 0) return corrupt(quantum_start);
  return out;
}

std::string base64url_encode(std::string_view data) {
  std::string out = base64_encode(data);
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '+' || c == '/' || c == '\r' || c == '\n') return std::nullopt;  // not of this alphabet
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  return base64_decode_strict(standard);
}

}  // namespace util
