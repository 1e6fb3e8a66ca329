// A bucket that behaves like a remote store for the store tests: objects live in a directory (so
// tests can look at and damage them as files) but local_file() is empty, so the store lists,
// downloads and caches as it does over S3. Requests are counted, and the store can be taken down
// or made to return damaged or vanished objects.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "objstore/filesystem_bucket.h"

namespace store_test {

class RemoteTestBucket final : public objstore::Bucket {
 public:
  explicit RemoteTestBucket(std::string dir) : inner_(std::move(dir)) {}

  util::Status check(std::stop_token stop = {}) override { return down_ ? unavailable() : inner_.check(stop); }
  std::string name() const override { return "s3://test-bucket"; }
  objstore::BucketMetrics metrics() const override { return inner_.metrics(); }

  std::atomic<int> gets{0}, lists{0}, puts{0}, removes{0};
  // While set, every request fails as a store that does not answer.
  void set_down(bool down) { down_ = down; }
  // Called with every downloaded object before it is returned (e.g. to damage it once).
  void on_get(std::function<void(const std::string& key, std::string& data)> hook) {
    std::lock_guard lock(mu_);
    hook_ = std::move(hook);
  }
  // Called before every download; returning true makes it answer "not found" (the object
  // vanished between a listing and its download). May change the bucket through inner().
  void before_get(std::function<bool(const std::string& key)> hook) {
    std::lock_guard lock(mu_);
    before_ = std::move(hook);
  }
  int requests() const { return gets + lists + puts + removes; }
  objstore::FilesystemBucket& inner() { return inner_; }

 protected:
  util::Status do_put(const std::string& key, std::string_view data, std::stop_token stop) override {
    ++puts;
    if (down_) return unavailable();
    return inner_.put(key, data, stop);
  }
  util::Result<std::string> do_get(const std::string& key, std::stop_token stop) override {
    ++gets;
    if (down_) return unavailable();
    std::function<bool(const std::string&)> before;
    {
      std::lock_guard lock(mu_);
      before = before_;
    }
    if (before && before(key)) return util::not_found("object " + key + " not found");
    auto data = inner_.get(key, stop);
    if (data.ok()) {
      std::lock_guard lock(mu_);
      if (hook_) hook_(key, *data);
    }
    return data;
  }
  util::Result<std::string> do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                         std::stop_token stop) override {
    ++gets;
    if (down_) return unavailable();
    return inner_.get_range(key, offset, length, stop);
  }
  util::Result<objstore::ObjectAttributes> do_head(const std::string& key, std::stop_token stop) override {
    if (down_) return unavailable();
    return inner_.head(key, stop);
  }
  util::Status do_list(const objstore::ListOptions& options, const objstore::ListCallback& callback,
                       std::stop_token stop) override {
    ++lists;
    if (down_) return unavailable();
    return inner_.list(options, callback, stop);
  }
  util::Status do_remove(const std::string& key, std::stop_token stop) override {
    ++removes;
    if (down_) return unavailable();
    return inner_.remove(key, stop);
  }
  objstore::RemoveBatchResult do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) override {
    ++removes;
    if (down_) {
      objstore::RemoveBatchResult r;
      for (const auto& k : keys) r.failed.push_back({k, unavailable()});
      return r;
    }
    return inner_.remove_batch(keys, stop);
  }

 private:
  static util::Error unavailable() { return util::unavailable("test bucket is down (connection refused)"); }
  objstore::FilesystemBucket inner_;
  std::atomic<bool> down_{false};
  std::mutex mu_;
  std::function<void(const std::string&, std::string&)> hook_;
  std::function<bool(const std::string&)> before_;
};

}  // namespace store_test
