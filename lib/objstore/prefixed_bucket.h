// PrefixedBucket: a view of another bucket under a key prefix, so "s3://bucket/logs" or a tenant's
// part of a store is a bucket of its own. Keys are joined as "<prefix>/<key>"; listings strip
// the prefix again.
//
// Thread-safe as the bucket it wraps; it owns that bucket.
#pragma once

#include <memory>
#include <string>

#include "objstore/bucket.h"

namespace objstore {

class PrefixedBucket final : public Bucket {
 public:
  // `prefix` is a valid key ("a" or "a/b"), without a trailing '/'.
  static util::Result<std::unique_ptr<PrefixedBucket>> create(std::unique_ptr<Bucket> inner, std::string prefix);

  util::Status check(std::stop_token stop = {}) override { return inner_->check(stop); }
  std::string name() const override;
  BucketMetrics metrics() const override { return inner_->metrics(); }
  std::string local_file(std::string_view key) const override { return inner_->local_file(prefix_ + std::string(key)); }
  Bucket& inner() { return *inner_; }

 protected:
  util::Status do_put(const std::string& key, std::string_view data, std::stop_token stop) override;
  util::Result<std::string> do_get(const std::string& key, std::stop_token stop) override;
  util::Result<std::string> do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                         std::stop_token stop) override;
  util::Result<ObjectAttributes> do_head(const std::string& key, std::stop_token stop) override;
  util::Status do_list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) override;
  util::Status do_remove(const std::string& key, std::stop_token stop) override;
  RemoveBatchResult do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) override;
  util::Status do_put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop) override;

 private:
  PrefixedBucket(std::unique_ptr<Bucket> inner, std::string prefix_slash)
      : inner_(std::move(inner)), prefix_(std::move(prefix_slash)) {}

  std::unique_ptr<Bucket> inner_;
  std::string prefix_;  // "<prefix>/"
};

}  // namespace objstore
