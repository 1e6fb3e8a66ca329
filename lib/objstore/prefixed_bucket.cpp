#include "objstore/prefixed_bucket.h"

#include "objstore/object_key.h"

namespace objstore {

util::Result<std::unique_ptr<PrefixedBucket>> PrefixedBucket::create(std::unique_ptr<Bucket> inner, std::string prefix) {
  if (auto s = validate_key(prefix); !s.ok()) return util::invalid_argument("bucket prefix: " + s.error());
  return std::unique_ptr<PrefixedBucket>(new PrefixedBucket(std::move(inner), prefix + "/"));
}

std::string PrefixedBucket::name() const {
  std::string inner = inner_->name();
  return inner + (inner.ends_with('/') ? "" : "/") + prefix_.substr(0, prefix_.size() - 1);
}

util::Status PrefixedBucket::do_put(const std::string& key, std::string_view data, std::stop_token stop) {
  return inner_->put(prefix_ + key, data, stop);
}

util::Status PrefixedBucket::do_put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop) {
  std::vector<std::string> keys;
  keys.reserve(objects.size());
  for (const auto& o : objects) keys.push_back(prefix_ + o.key);
  std::vector<ObjectToPut> full;
  full.reserve(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) full.push_back({keys[i], objects[i].data});
  return inner_->put_many(full, stop);
}

util::Result<std::string> PrefixedBucket::do_get(const std::string& key, std::stop_token stop) {
  return inner_->get(prefix_ + key, stop);
}

util::Result<std::string> PrefixedBucket::do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                                       std::stop_token stop) {
  return inner_->get_range(prefix_ + key, offset, length, stop);
}

util::Result<ObjectAttributes> PrefixedBucket::do_head(const std::string& key, std::stop_token stop) {
  return inner_->head(prefix_ + key, stop);
}

util::Status PrefixedBucket::do_list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) {
  ListOptions inner_options = options;
  inner_options.prefix = prefix_ + options.prefix;
  // Keys below the prefix all sort after it, so an empty start-after adds nothing.
  inner_options.start_after = options.start_after.empty() ? "" : prefix_ + options.start_after;
  return inner_->list(inner_options, [&](const ListEntry& e) {
    ListEntry stripped = e;
    stripped.key.erase(0, prefix_.size());
    return callback(stripped);
  }, stop);
}

util::Status PrefixedBucket::do_remove(const std::string& key, std::stop_token stop) {
  return inner_->remove(prefix_ + key, stop);
}

RemoveBatchResult PrefixedBucket::do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) {
  std::vector<std::string> full;
  full.reserve(keys.size());
  for (const auto& k : keys) full.push_back(prefix_ + k);
  RemoveBatchResult result = inner_->remove_batch(full, stop);
  for (auto& f : result.failed) f.key.erase(0, prefix_.size());
  return result;
}

}  // namespace objstore
