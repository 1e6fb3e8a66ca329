// logd's storage configuration: Loki's schema_config, storage_config (aws, filesystem,
// tsdb_shipper), common.storage and the writer id, as plain values, and what they resolve to:
// one store per schema period (a local directory or an S3 bucket), the active index and cache
// directories, and the readers of those YAML blocks (called by config.cpp).
//
// Thread-safe: values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/time.h"
#include "objstore/open_bucket.h"
#include "objstore/s3_config.h"
#include "util/result.h"

namespace YAML {
class Node;
}

namespace logd {

// One entry of schema_config.configs.
struct SchemaPeriod {
  std::string from = "1970-01-01";  // as written (YYYY-MM-DD, UTC)
  int64_t from_day = 0;             // days since the epoch
  std::string store = "tsdb";
  std::string object_store = "filesystem";  // filesystem, s3 or aws (an alias of s3)
  std::string schema = "v13";
  std::string index_prefix = "index_";
  int64_t index_period = 24 * model::kNanosPerHour;
};

struct StorageConfig {
  // schema_config.configs; empty: one filesystem period from the beginning (logd's default).
  std::vector<SchemaPeriod> schema;
  // storage_config.filesystem.directory (or common.storage.filesystem.chunks_directory); "":
  // <path_prefix>/store.
  std::string filesystem_directory;
  // storage_config.aws (or common.storage.s3).
  bool s3_configured = false;
  objstore::S3Config s3;
  // common.storage.s3 alone and common.storage.filesystem.rules_directory: Loki gives them to the
  // ruler's storage when ruler.storage does not say otherwise (logd/ruler_config.h).
  bool common_s3_configured = false;
  objstore::S3Config common_s3;
  std::string common_rules_directory;
  // storage_config.tsdb_shipper; "": under <path_prefix>.
  std::string active_index_directory;  // <path_prefix>/tsdb-shipper-active
  std::string cache_location;          // <path_prefix>/tsdb-shipper-cache
  int64_t cache_ttl = 24 * model::kNanosPerHour;
  int64_t resync_interval = 5 * model::kNanosPerMinute;
  // logd's own key (storage_config.tsdb_shipper.cache_max_size): the byte limit of the cache of
  // downloaded chunks and index files.
  int64_t cache_max_size = 1LL << 30;
  // logd's own keys (storage_config.segment_chunk_max_size, segment_max_size): chunks of a flush
  // smaller than the first are packed into segment objects of at most the second (one object per
  // chunk in Loki); 0 turns packing off. Off anyway with replication_factor > 1 (docs/scaling.md).
  int64_t segment_chunk_max_size = 64 << 10;
  int64_t segment_max_size = 64 << 20;
  // common.ring.instance_id or ingester.lifecycler.id: names the index files this logd writes.
  // "": a random id kept in <path_prefix>/writer-id.
  std::string instance_id;
  // Loki keys read but meaningless to logd ("path: why"), logged once at start.
  std::vector<std::string> accepted_no_effect;
};

// Where one schema period's data lives.
struct StoreSpec {
  int64_t from_day = 0;
  objstore::StoreLocation location;
};

// The stores of `storage`, oldest period first, with `path_prefix` for the defaults and the AWS_*
// environment filling what storage_config.aws leaves empty. Errors: a period on s3 without
// storage_config.aws, an S3 config that does not validate, periods not in increasing order.
util::Result<std::vector<StoreSpec>> resolve_stores(const StorageConfig& storage, const std::string& path_prefix,
                                                    const objstore::EnvLookup& env = objstore::process_environment());

// The YAML blocks, strictly: unknown keys and keys logd cannot honour are errors naming the key
// path; keys meaningful only to Loki's internals are recorded in accepted_no_effect.
// common.storage is read first; storage_config.aws, when present, replaces common.storage.s3.
util::Status parse_schema_config(const YAML::Node& node, StorageConfig& out);   // schema_config
util::Status parse_storage_config(const YAML::Node& node, StorageConfig& out);  // storage_config
util::Status parse_common_storage(const YAML::Node& node, StorageConfig& out);  // common.storage

// One S3 block as Loki spells it (storage_config.aws, common.storage.s3, ruler.storage.s3: `s3`
// URL, bucketnames, endpoint, region, access_key_id, secret_access_key, session_token, insecure,
// s3forcepathstyle, http_config, backoff_config), read over `s3`: the keys given replace its
// fields, the others stay. Keys without effect in logd are appended to `accepted_no_effect`.
util::Status parse_s3_block(const YAML::Node& node, const std::string& path, objstore::S3Config& s3,
                            std::vector<std::string>& accepted_no_effect);
// The block as -print-config writes it (secrets masked as Loki prints them).
void print_s3_block(const objstore::S3Config& s3, YAML::Node& out);

}  // namespace logd
