#include "store/chunk_fetcher.h"

#include <charconv>

#include "chunk/crc32c.h"
#include "store/layout.h"

namespace store {

std::optional<uint32_t> chunk_name_crc(std::string_view name) {
  if (auto slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  if (!name.ends_with(".chunk")) return std::nullopt;
  name.remove_suffix(6);
  auto dash = name.rfind('-');
  if (dash == std::string_view::npos || name.size() - dash - 1 != 8) return std::nullopt;
  uint32_t crc = 0;
  auto [end, ec] = std::from_chars(name.data() + dash + 1, name.data() + name.size(), crc, 16);
  if (ec != std::errc() || end != name.data() + name.size()) return std::nullopt;
  return crc;
}

util::Result<chunk::ChunkReader> ChunkFetcher::open(const std::string& tenant, const std::string& ref_file) const {
  std::string key = chunk_key(tenant, ref_file);
  if (std::string path = bucket_->local_file(key); !path.empty()) return chunk::ChunkReader::open_file(path);
  if (cache_) {
    if (auto mapped = cache_->find(key, CacheKind::kChunk)) {
      std::string_view bytes = mapped->data();
      auto r = chunk::ChunkReader::open_owned(bytes, mapped);
      if (r.ok()) return r;
      cache_->erase(key);  // cut by a crash or damaged on disk: download it again
    }
  }
  const auto want = chunk_name_crc(key);
  std::string where = bucket_->name() + "/" + key;
  util::Error last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto data = bucket_->get(key);
    if (!data.ok()) return util::Error{"store " + bucket_->name() + ": chunk " + key + ": " + data.error(), data.code()};
    if (want && chunk::crc32c(*data) != *want) {
      last = util::corruption(where + ": CRC32C of the " + std::to_string(data->size()) +
                              " bytes read does not match the one in its name");
      continue;  // possibly read while being rewritten: once more
    }
    auto owned = std::make_shared<const std::string>(std::move(*data));
    auto r = chunk::ChunkReader::open_owned(*owned, owned);
    if (!r.ok()) {
      last = util::Error{where + ": " + r.error(), r.code()};
      continue;
    }
    if (cache_) cache_->insert(key, *owned, CacheKind::kChunk);
    return r;
  }
  return util::corruption(last.message);
}

}  // namespace store
