#include "store/chunk_fetcher.h"

#include <charconv>

#include "chunk/crc32c.h"
#include "fsutil/mapped_file.h"
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

util::Result<chunk::ChunkReader> ChunkFetcher::open(const std::string& tenant, const idx::ChunkRef& ref) const {
  std::string key = chunk_key(tenant, ref.file);
  if (ref.in_segment()) return open_range(key, ref.offset, ref.length);
  return open_whole(key);
}

util::Result<chunk::ChunkReader> ChunkFetcher::open(const std::string& tenant, const std::string& chunk_id) const {
  auto loc = idx::parse_chunk_id(chunk_id);
  if (!loc) return util::invalid_argument("bad chunk id " + chunk_id);
  std::string key = chunk_key(tenant, loc->file);
  if (loc->length != 0) return open_range(key, loc->offset, loc->length);
  return open_whole(key);
}

util::Result<chunk::ChunkReader> ChunkFetcher::open_range(const std::string& key, uint64_t offset,
                                                          uint64_t length) const {
  std::string where = bucket_->name() + "/" + key + " bytes " + std::to_string(offset) + "+" + std::to_string(length);
  auto slice = [&](std::string_view bytes, std::shared_ptr<const void> owner) -> util::Result<chunk::ChunkReader> {
    if (offset > bytes.size() || length > bytes.size() - offset)
      return util::corruption(where + ": past the end of the " + std::to_string(bytes.size()) + "-byte segment");
    auto r = chunk::ChunkReader::open_owned(bytes.substr(offset, length), std::move(owner));
    if (!r.ok()) return util::Error{where + ": " + r.error(), r.code()};
    return r;
  };
  if (std::string path = bucket_->local_file(key); !path.empty()) {
    auto f = fsutil::MappedFile::open(path);
    if (!f.ok()) return f.status_error();
    auto file = std::make_shared<const fsutil::MappedFile>(std::move(*f));
    std::string_view bytes = file->data();
    return slice(bytes, std::move(file));
  }
  const std::string cache_key = key + "@" + std::to_string(offset) + "+" + std::to_string(length);
  if (cache_) {
    if (auto mapped = cache_->find(cache_key, CacheKind::kChunk)) {
      std::string_view bytes = mapped->data();
      auto r = chunk::ChunkReader::open_owned(bytes, mapped);
      if (r.ok()) return r;
      cache_->erase(cache_key);
    }
  }
  auto data = bucket_->get_range(key, offset, length);
  // A range past the end: the segment is not the one the index was written against.
  if (!data.ok() && data.code() == util::ErrorCode::kInvalidArgument) return util::corruption(where + ": " + data.error());
  if (!data.ok()) return util::Error{"store " + bucket_->name() + ": chunk " + key + ": " + data.error(), data.code()};
  if (data->size() != length) return util::corruption(where + ": the segment ends after " + std::to_string(data->size()));
  auto owned = std::make_shared<const std::string>(std::move(*data));
  auto r = chunk::ChunkReader::open_owned(*owned, owned);
  if (!r.ok()) return util::Error{where + ": " + r.error(), r.code()};
  if (cache_) cache_->insert(cache_key, *owned, CacheKind::kChunk);
  return r;
}

util::Result<chunk::ChunkReader> ChunkFetcher::open_whole(const std::string& key) const {
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
