// Opening a store by what the user wrote: a directory, file:///dir, or s3://bucket/prefix (the
// CLI tools' `--store`), or from a config already built (logd's storage config).
//
// Thread-safe: no shared state.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "objstore/bucket.h"
#include "objstore/s3_config.h"
#include "util/clock.h"

namespace objstore {

struct StoreLocation {
  enum class Kind { kFilesystem, kS3 };
  Kind kind = Kind::kFilesystem;
  std::string directory;  // kFilesystem: the root
  S3Config s3;            // kS3: validated, environment applied
};

// "s3://bucket/prefix" (endpoint, region and credentials from the AWS_* environment, see
// apply_environment), "file:///some/dir", or a plain directory path.
util::Result<StoreLocation> parse_store_location(std::string_view text, const EnvLookup& env = process_environment());

// The backend for `location`: a FilesystemBucket, or an S3Bucket (wrapped in a PrefixedBucket
// when the location has a prefix). Does not call check(): callers do, at start.
util::Result<std::unique_ptr<Bucket>> open_bucket(const StoreLocation& location,
                                                  util::Clock& clock = util::system_clock());

}  // namespace objstore
