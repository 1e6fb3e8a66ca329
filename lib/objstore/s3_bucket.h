// S3Bucket: the Bucket interface over an S3-compatible store (AWS S3, MinIO, Ceph RGW, R2,
// s3rver): PutObject, GetObject (with Range), HeadObject, ListObjectsV2, DeleteObject and
// DeleteObjects, through S3Client (our SigV4 signer, keep-alive pool, retries with backoff).
//
// The whole bucket is the key space; open_bucket() wraps it in a PrefixedBucket for
// s3://bucket/prefix. Ranges are always asked as "bytes=a-b" (never "bytes=0-0" or suffix
// ranges, which s3rver answers with the whole object) and the answer's length is checked.
//
// Thread-safe: every method may be called from many threads at once.
#pragma once

#include <memory>
#include <string>

#include "objstore/bucket.h"
#include "objstore/s3_client.h"
#include "objstore/s3_config.h"
#include "util/clock.h"

namespace objstore {

class S3Bucket final : public Bucket {
 public:
  // Errors: the config does not pass validate() (a message naming the field).
  static util::Result<std::unique_ptr<S3Bucket>> create(S3Config config, util::Clock& clock = util::system_clock());

  // Lists at most one key under the configured prefix: proves the bucket exists and that the
  // credentials may read it. A HEAD answer would carry no error code, so a GET is used. Errors
  // name the bucket, the endpoint and S3's code ("NoSuchBucket", "InvalidAccessKeyId", ...).
  util::Status check(std::stop_token stop = {}) override;
  std::string name() const override { return "s3://" + client_.config().bucket; }
  BucketMetrics metrics() const override { return client_.metrics(); }
  S3Client& client() { return client_; }

 protected:
  util::Status do_put(const std::string& key, std::string_view data, std::stop_token stop) override;
  util::Result<std::string> do_get(const std::string& key, std::stop_token stop) override;
  util::Result<std::string> do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                         std::stop_token stop) override;
  util::Result<ObjectAttributes> do_head(const std::string& key, std::stop_token stop) override;
  util::Status do_list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) override;
  util::Status do_remove(const std::string& key, std::stop_token stop) override;
  RemoveBatchResult do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) override;
  size_t put_parallelism() const override { return static_cast<size_t>(client_.config().max_parallel_uploads); }

 private:
  S3Bucket(S3Config config, util::Clock& clock) : client_(std::move(config), clock) {}
  util::Result<std::string> range_past_end(const std::string& key, uint64_t offset, std::stop_token stop);
  void delete_chunk(const std::vector<std::string>& keys, size_t begin, size_t end, RemoveBatchResult& result,
                    std::stop_token stop);

  S3Client client_;
};

}  // namespace objstore
