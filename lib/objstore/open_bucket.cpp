#include "objstore/open_bucket.h"

#include "objstore/filesystem_bucket.h"
#include "objstore/prefixed_bucket.h"
#include "objstore/s3_bucket.h"

namespace objstore {

util::Result<StoreLocation> parse_store_location(std::string_view text, const EnvLookup& env) {
  StoreLocation location;
  if (text.starts_with("s3://")) {
    auto config = s3_config_from_url(text, env);
    if (!config.ok()) return config.status_error();
    location.kind = StoreLocation::Kind::kS3;
    location.s3 = std::move(*config);
    return location;
  }
  if (text.find("://") != std::string_view::npos && !text.starts_with("file://")) {
    return util::invalid_argument("store \"" + std::string(text) + "\": only s3:// and file:// URLs and directories are supported");
  }
  if (text.starts_with("file://")) text.remove_prefix(7);
  if (text.empty()) return util::invalid_argument("store: no directory given");
  location.directory = std::string(text);
  return location;
}

util::Result<std::unique_ptr<Bucket>> open_bucket(const StoreLocation& location, util::Clock& clock) {
  if (location.kind == StoreLocation::Kind::kFilesystem) {
    return std::unique_ptr<Bucket>(std::make_unique<FilesystemBucket>(location.directory));
  }
  auto s3 = S3Bucket::create(location.s3, clock);
  if (!s3.ok()) return s3.status_error();
  if (location.s3.prefix.empty()) return std::unique_ptr<Bucket>(std::move(*s3));
  auto prefixed = PrefixedBucket::create(std::move(*s3), location.s3.prefix);
  if (!prefixed.ok()) return prefixed.status_error();
  return std::unique_ptr<Bucket>(std::move(*prefixed));
}

}  // namespace objstore
