#include "logd/storage_config.h"

namespace logd {

util::Result<std::vector<StoreSpec>> resolve_stores(const StorageConfig& storage, const std::string& path_prefix) {
  std::vector<StoreSpec> out;
  std::vector<SchemaPeriod> periods = storage.schema;
  if (periods.empty()) periods.push_back(SchemaPeriod{});
  for (size_t i = 0; i < periods.size(); ++i) {
    const SchemaPeriod& p = periods[i];
    if (i > 0 && p.from_day <= periods[i - 1].from_day) {
      return util::invalid_argument("schema_config.configs[" + std::to_string(i) + "].from: " + p.from +
                                    " is not after the previous period's " + periods[i - 1].from);
    }
    StoreSpec spec;
    spec.from_day = p.from_day;
    if (p.object_store == "filesystem") {
      spec.location.kind = objstore::StoreLocation::Kind::kFilesystem;
      spec.location.directory =
          storage.filesystem_directory.empty() ? path_prefix + "/store" : storage.filesystem_directory;
    } else {
      if (!storage.s3_configured) {
        return util::invalid_argument("schema_config.configs[" + std::to_string(i) + "].object_store: " +
                                      p.object_store + " needs storage_config.aws (or common.storage.s3)");
      }
      spec.location.kind = objstore::StoreLocation::Kind::kS3;
      spec.location.s3 = storage.s3;
    }
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace logd
