// FilesystemBucket: objects as files under a root directory, key "a/b/c" at <root>/a/b/c, so the
// store's local layout (<root>/<tenant>/chunks/<day>/<name>) is a bucket as it is.
//
// Writes go through fsutil::write_file_atomically (temporary file, fsync, rename, directory
// fsync): a reader sees the old file or the new one. Temporary files are never listed. Listing
// is in S3's order (byte-wise on the whole key) with S3's delimiter roll-up, streamed directory
// by directory. Removing the last object of a directory removes the emptied directories too, so
// common prefixes never stand for nothing.
//
// One limit S3 does not have: a key cannot also be a "directory" of other keys ("a" and "a/b"
// cannot both exist); such a put is kInvalidArgument.
//
// Thread-safe: no mutable state besides atomic counters; concurrent puts, removes and listings
// of the same directories are handled (a put retries when a remove just took its directory).
#pragma once

#include <string>

#include "objstore/bucket.h"
#include "objstore/bucket_metrics.h"

namespace objstore {

class FilesystemBucket final : public Bucket {
 public:
  // `root` need not exist yet: check() says whether it does, put() creates what it needs below it.
  explicit FilesystemBucket(std::string root);

  util::Status check(std::stop_token stop = {}) override;
  std::string name() const override { return root_; }
  BucketMetrics metrics() const override { return metrics_.snapshot(); }

  // The file holding `key` (which must be valid).
  std::string path_of(const std::string& key) const { return root_ + "/" + key; }
  std::string local_file(std::string_view key) const override { return root_ + "/" + std::string(key); }

 protected:
  util::Status do_put(const std::string& key, std::string_view data, std::stop_token stop) override;
  util::Result<std::string> do_get(const std::string& key, std::stop_token stop) override;
  util::Result<std::string> do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                         std::stop_token stop) override;
  util::Result<ObjectAttributes> do_head(const std::string& key, std::stop_token stop) override;
  util::Status do_list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) override;
  util::Status do_remove(const std::string& key, std::stop_token stop) override;
  RemoveBatchResult do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) override;
  // fsutil::write_files_atomically: one syncfs for the whole batch rather than two fsyncs each.
  util::Status do_put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop) override;

 private:
  util::Status remove_one(const std::string& key);
  void remove_empty_parents(const std::string& key);
  util::Status explain_put_failure(const std::string& key, const util::Status& failure) const;

  std::string root_;
  mutable MetricsRecorder metrics_;
};

}  // namespace objstore
