#include "ring/tokens.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "fsutil/atomic_file.h"

namespace ring {

uint32_t token_for(std::string_view tenant, std::string_view labels) {
  // FNV-1: multiply, then xor (Go's hash/fnv New32).
  uint32_t h = 2166136261u;
  for (std::string_view part : {tenant, labels}) {
    for (unsigned char c : part) {
      h *= 16777619u;
      h ^= c;
    }
  }
  return h;
}

std::vector<uint32_t> generate_tokens(int n, const std::unordered_set<uint32_t>& taken, std::mt19937_64& random) {
  std::unordered_set<uint32_t> mine;
  std::vector<uint32_t> out;
  out.reserve(static_cast<size_t>(std::max(n, 0)));
  std::uniform_int_distribution<uint32_t> any;
  while (static_cast<int>(out.size()) < n) {
    uint32_t t = any(random);
    if (taken.count(t) || !mine.insert(t).second) continue;
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

util::Result<std::vector<uint32_t>> load_tokens_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return util::not_found("tokens file " + path + " does not exist");
  auto text = fsutil::read_file(path);
  if (!text.ok()) return text.status_error();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  auto tokens = j.is_object() ? j.find("tokens") : j.end();
  if (j.is_discarded() || !j.is_object() || tokens == j.end() || !tokens->is_array()) {
    return util::corruption("tokens file " + path + ": expected {\"tokens\":[...]}");
  }
  std::vector<uint32_t> out;
  for (const auto& v : *tokens) {
    if (!v.is_number_unsigned() || v.get<uint64_t>() > UINT32_MAX) {
      return util::corruption("tokens file " + path + ": a token is not a uint32");
    }
    out.push_back(static_cast<uint32_t>(v.get<uint64_t>()));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

util::Status save_tokens_file(const std::string& path, const std::vector<uint32_t>& tokens) {
  return fsutil::write_file_atomically(path, nlohmann::json{{"tokens", tokens}}.dump());
}

}  // namespace ring
