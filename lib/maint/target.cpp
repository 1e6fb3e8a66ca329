#include "maint/target.h"

#include <algorithm>
#include <atomic>

#include "objstore/filesystem_bucket.h"
#include "objstore/open_bucket.h"
#include "store/chunk_fetcher.h"
#include "store/layout.h"

namespace maint {

Target local_target(const std::string& store_dir) {
  Target t;
  t.bucket = std::make_shared<objstore::FilesystemBucket>(store_dir);
  return t;
}

util::Result<Target> open_target(const std::string& store_location, std::string* data_dir) {
  auto location = objstore::parse_store_location(store_location);
  if (!location.ok()) return location.status_error();
  if (data_dir) *data_dir = "";
  if (location->kind == objstore::StoreLocation::Kind::kFilesystem) {
    if (data_dir) *data_dir = location->directory;
    location->directory += "/store";
  }
  auto bucket = objstore::open_bucket(*location);
  if (!bucket.ok()) return bucket.status_error();
  if (auto s = (*bucket)->check(); !s.ok()) return s.status_error();
  Target t;
  t.bucket = std::shared_ptr<objstore::Bucket>(std::move(*bucket));
  return t;
}

util::Result<std::vector<std::string>> list_tenants(const Target& target) {
  std::vector<std::string> out;
  auto s = target.bucket->list(objstore::ListOptions{"", "/", ""}, [&](const objstore::ListEntry& e) {
    if (!e.is_prefix) return true;
    std::string name = e.key.substr(0, e.key.size() - 1);
    if (store::check_tenant_dir_name(name).ok()) out.push_back(std::move(name));
    return true;
  });
  if (!s.ok()) return util::Error{"listing the tenants of " + target.bucket->name() + ": " + s.error(), s.code()};
  std::sort(out.begin(), out.end());
  return out;
}

util::Result<std::map<std::string, ChunkObject>> list_chunk_objects(const Target& target, const std::string& tenant) {
  std::map<std::string, ChunkObject> out;
  std::string prefix = store::chunks_prefix(tenant);
  auto s = target.bucket->list(objstore::ListOptions{prefix, "", ""}, [&](const objstore::ListEntry& e) {
    std::string file = e.key.substr(prefix.size());
    auto slash = file.find('/');
    if (e.is_prefix || slash == std::string::npos || file.find('/', slash + 1) != std::string::npos) return true;
    if (!store::parse_period_dir_name(std::string_view(file).substr(0, slash)) || !(file.ends_with(".chunk") || store::is_segment_file_name(file.substr(slash + 1)))) return true;
    out[file] = ChunkObject{e.size, e.last_modified_ns};
    return true;
  });
  if (!s.ok()) return util::Error{"listing " + target.bucket->name() + "/" + prefix + ": " + s.error(), s.code()};
  return out;
}

util::Result<chunk::ChunkReader> open_chunk(const Target& target, const std::string& tenant, const std::string& file) {
  return store::ChunkFetcher(target.bucket, nullptr).open(tenant, file);
}

util::Result<chunk::ChunkReader> read_chunk_as_stored(const Target& target, const std::string& tenant,
                                                      const std::string& file) {
  auto loc = idx::parse_chunk_id(file);
  if (!loc) return util::invalid_argument("bad chunk id " + file);
  if (loc->length != 0) return open_chunk(target, tenant, file);  // a range of a segment: no name CRC to check
  std::string key = store::chunk_key(tenant, file);
  if (std::string path = target.bucket->local_file(key); !path.empty()) return chunk::ChunkReader::open_file(path);
  auto data = target.bucket->get(key);
  if (!data.ok()) return util::Error{target.bucket->name() + "/" + key + ": " + data.error(), data.code()};
  auto owned = std::make_shared<const std::string>(std::move(*data));
  return chunk::ChunkReader::open_owned(*owned, owned);
}

util::Result<chunk::SegmentReader> open_segment(const Target& target, const std::string& tenant,
                                                const std::string& file) {
  std::string key = store::chunk_key(tenant, file);
  if (std::string path = target.bucket->local_file(key); !path.empty()) return chunk::SegmentReader::open_file(path);
  auto data = target.bucket->get(key);
  if (!data.ok()) return util::Error{target.bucket->name() + "/" + key + ": " + data.error(), data.code()};
  auto owned = std::make_shared<const std::string>(std::move(*data));
  auto r = chunk::SegmentReader::open(*owned, owned);
  if (!r.ok()) return util::Error{target.bucket->name() + "/" + key + ": " + r.error(), r.code()};
  return r;
}

util::Result<idx::IndexReader> read_index_file(const Target& target, const std::string& key) {
  if (std::string path = target.bucket->local_file(key); !path.empty()) return idx::IndexReader::open(path);
  auto data = target.bucket->get(key);
  if (!data.ok()) return util::Error{target.bucket->name() + "/" + key + ": " + data.error(), data.code()};
  auto owned = std::make_shared<const std::string>(std::move(*data));
  return idx::IndexReader::open_owned(*owned, owned, target.bucket->name() + "/" + key);
}

std::string next_index_name(const Target& target) {
  static std::atomic<int64_t> last{0};
  int64_t now = target.clock->now_ns();
  int64_t prev = last.load();
  int64_t next;
  do {
    next = std::max(now, prev + 1);
  } while (!last.compare_exchange_weak(prev, next));
  return store::index_file_name(next, target.writer_id);
}

}  // namespace maint
