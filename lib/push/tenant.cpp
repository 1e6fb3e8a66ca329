#include "push/tenant.h"

#include <algorithm>

namespace push {
namespace {

bool allowed(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '-': case '_': case '.': case '*': case '\'': case '(': case ')': return true;
    default: return false;
  }
}

}  // namespace

util::Status validate_tenant_id(std::string_view id) {
  if (id.empty()) return util::Error{"tenant ID is empty"};
  for (char c : id) {
    if (!allowed(c)) {
      // Loki prints the offending byte with %c; a control byte or '/' is shown quoted instead.
      std::string shown = (c >= 0x20 && c < 0x7f) ? std::string(1, c) : "\\x" + std::string(1, "0123456789abcdef"[(c >> 4) & 0xf]) + "0123456789abcdef"[c & 0xf];
      return util::Error{"tenant ID '" + std::string(id) + "' contains unsupported character '" + shown + "'"};
    }
  }
  if (id.size() > kMaxTenantIDLength) {
    return util::Error{"tenant ID is too long: max " + std::to_string(kMaxTenantIDLength) + " characters"};
  }
  if (id == "." || id == "..") return util::Error{"tenant ID is '.' or '..'"};
  return {};
}

util::Result<std::vector<std::string>> split_tenant_ids(std::string_view org_id) {
  if (org_id.empty()) return util::unauthenticated("no org id");
  std::vector<std::string> ids;
  size_t start = 0;
  for (;;) {
    size_t bar = org_id.find('|', start);
    std::string_view id = org_id.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    if (auto st = validate_tenant_id(id); !st) return st.status_error();
    ids.emplace_back(id);
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace push
