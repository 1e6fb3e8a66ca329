// Bucket: the object-store interface the chunk and index stores are built on, in the spirit of
// Thanos' objstore.Bucket. Objects are whole byte strings under '/'-separated keys; a put
// replaces an object atomically (a reader sees the old object or the new one, never a part).
// Backends: FilesystemBucket (a directory tree), S3Bucket (any S3-compatible store), and
// PrefixedBucket (a view of another bucket under a key prefix).
//
// Keys are validated once, here, before a backend sees them (validate_key in object_key.h): no
// leading '/', no empty, "." or ".." segments, no control characters, at most 1024 bytes.
//
// Errors (util::ErrorCode): kNotFound for a missing key; kUnavailable when the store does not
// answer (after the backend's retries); kUnauthenticated / kPermissionDenied for credential
// problems; kCorruption for a truncated download; kCancelled when `stop` was requested;
// kInvalidArgument for a bad key or range.
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace objstore {

struct ObjectAttributes {
  uint64_t size = 0;
  int64_t last_modified_ns = 0;  // Unix nanoseconds (S3 gives seconds or milliseconds)
};

// One result of list(): an object, or (with a delimiter) a common prefix standing for every
// object whose key starts with it.
struct ListEntry {
  std::string key;         // the object's key, or the common prefix (ending in the delimiter)
  bool is_prefix = false;
  uint64_t size = 0;       // objects only
  int64_t last_modified_ns = 0;
};

struct ListOptions {
  std::string prefix;       // only keys starting with this ("" lists everything)
  std::string delimiter;    // "" or e.g. "/": keys with the delimiter after the prefix roll up
                            // into one common prefix each, as in S3's ListObjectsV2
  std::string start_after;  // only keys byte-wise greater than this
};

// Called for every entry in byte-wise lexicographic order of the key; return false to stop.
using ListCallback = std::function<bool(const ListEntry&)>;

// One object of put_many(); `data` must stay valid during the call.
struct ObjectToPut {
  std::string key;
  std::string_view data;
};

// The keys remove_batch() could not remove, with why.
struct RemoveBatchResult {
  struct Failure {
    std::string key;
    util::Error error;
  };
  std::vector<Failure> failed;

  bool ok() const { return failed.empty(); }
  // Ok, or the first failure's code with a message counting them all.
  util::Status status() const;
};

// Requests and outcomes counted by a backend, for /metrics. A snapshot: plain values.
struct BucketMetrics {
  struct Requests {
    std::string operation;  // S3: "GetObject", "PutObject", ...; filesystem: "get", "put", ...
    std::string outcome;    // "success", "not_found", "client_error", "server_error", "network_error", ...
    uint64_t count = 0;
  };
  std::vector<Requests> requests;  // only the pairs that happened
  uint64_t retries = 0;            // requests sent again after a retryable failure
  uint64_t bytes_in = 0;           // object bytes read (bodies received)
  uint64_t bytes_out = 0;          // object bytes written (bodies sent)
};

class Bucket {
 public:
  virtual ~Bucket() = default;

  // Creates or replaces `key` with `data`, atomically.
  util::Status put(std::string_view key, std::string_view data, std::stop_token stop = {});
  // Puts every object, each atomically, in any order and possibly several at once (S3: parallel
  // requests; filesystem: one syncfs for the whole batch). On failure, objects put before it
  // stay and the others may or may not be there; the first failure is returned.
  util::Status put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop = {});
  // The whole object.
  util::Result<std::string> get(std::string_view key, std::stop_token stop = {});
  // Up to `length` bytes from `offset`: fewer when the object ends first, "" when offset is its
  // size; kInvalidArgument when offset is past its end.
  util::Result<std::string> get_range(std::string_view key, uint64_t offset, uint64_t length,
                                      std::stop_token stop = {});
  util::Result<ObjectAttributes> head(std::string_view key, std::stop_token stop = {});
  // head() with kNotFound turned into false.
  util::Result<bool> exists(std::string_view key, std::stop_token stop = {});
  // Every matching entry, page by page behind the scenes, until `callback` returns false.
  util::Status list(const ListOptions& options, const ListCallback& callback, std::stop_token stop = {});
  // Removes `key`; removing a missing key succeeds (deletes are idempotent, as in S3).
  util::Status remove(std::string_view key, std::stop_token stop = {});
  // Removes many keys (S3: DeleteObjects, 1000 per request). Every key not removed is reported,
  // invalid keys included; the others are gone.
  RemoveBatchResult remove_batch(const std::vector<std::string>& keys, std::stop_token stop = {});

  // Whether the store is there and usable with these credentials: run at start, so a missing
  // bucket or a wrong secret is one clear error naming the bucket, not a stream of retries.
  virtual util::Status check(std::stop_token stop = {}) = 0;
  // Where the objects live, for messages: "s3://bucket/prefix", "/var/lib/logd/data".
  virtual std::string name() const = 0;
  virtual BucketMetrics metrics() const = 0;
  // The local file holding `key` when the backend keeps objects as plain files that readers may
  // map directly (the filesystem backend: zero-copy reads); "" otherwise. `key` must be valid.
  virtual std::string local_file(std::string_view key) const {
    (void)key;
    return "";
  }

 protected:
  // The backends' operations, called with validated keys only.
  virtual util::Status do_put(const std::string& key, std::string_view data, std::stop_token stop) = 0;
  virtual util::Result<std::string> do_get(const std::string& key, std::stop_token stop) = 0;
  virtual util::Result<std::string> do_get_range(const std::string& key, uint64_t offset, uint64_t length,
                                                 std::stop_token stop) = 0;
  virtual util::Result<ObjectAttributes> do_head(const std::string& key, std::stop_token stop) = 0;
  virtual util::Status do_list(const ListOptions& options, const ListCallback& callback, std::stop_token stop) = 0;
  virtual util::Status do_remove(const std::string& key, std::stop_token stop) = 0;
  virtual RemoveBatchResult do_remove_batch(const std::vector<std::string>& keys, std::stop_token stop) = 0;
  // Default: do_put for each object, on up to put_parallelism() threads at once.
  virtual util::Status do_put_many(const std::vector<ObjectToPut>& objects, std::stop_token stop);
  virtual size_t put_parallelism() const { return 1; }
};

}  // namespace objstore
