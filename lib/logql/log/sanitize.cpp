#include "logql/log/sanitize.h"

#include "golang/quote.h"
#include "golang/utf8.h"

namespace logql::log {

void append_sanitized(std::string& out, std::string_view key) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!key.empty() && space(key.front())) key.remove_prefix(1);
  while (!key.empty() && space(key.back())) key.remove_suffix(1);
  if (key.empty()) return;
  if (out.empty() && key[0] >= '0' && key[0] <= '9') out += '_';
  // Keys are nearly always valid already: copy the valid run in one append (a per-byte
  // push_back showed in `| json` / `| logfmt` profiles), then rewrite from the first bad byte.
  auto valid = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
  size_t run = 0;
  while (run < key.size() && valid(key[run])) ++run;
  out.append(key.data(), run);
  for (size_t i = run; i < key.size();) {
    char c = key[i];
    if (valid(c)) {
      out += c;
      ++i;
      continue;
    }
    size_t len = 1;
    if (static_cast<unsigned char>(c) >= 0x80) golang::decode_utf8(key, i, len);
    out += '_';
    i += len;
  }
}

std::string sanitize_label_key(std::string_view key) {
  std::string out;
  append_sanitized(out, key);
  return out;
}

}  // namespace logql::log
