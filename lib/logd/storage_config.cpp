#include "logd/storage_config.h"

#include <yaml-cpp/yaml.h>

#include "config/field_reader.h"
#include "config/yaml_print.h"
#include "http/url.h"
#include "golang/quote.h"
#include "store/layout.h"

namespace logd {

util::Result<std::vector<StoreSpec>> resolve_stores(const StorageConfig& storage, const std::string& path_prefix,
                                                    const objstore::EnvLookup& env) {
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
      objstore::apply_environment(spec.location.s3, env);
      if (auto st = objstore::validate(spec.location.s3); !st.ok()) {
        return util::invalid_argument("storage_config.aws (or common.storage.s3): " + st.error());
      }
    }
    out.push_back(std::move(spec));
  }
  return out;
}

// --- YAML: schema_config, storage_config, common.storage -----------------------------------

namespace {

using config::FieldReader;

// Claims `key`; when it is set, names it once at start as read but without effect in logd.
void accept_no_effect(FieldReader& r, const std::string& key, const std::string& why, StorageConfig& out) {
  if (r.child(key).IsDefined()) out.accepted_no_effect.push_back(r.path_of(key) + ": " + why);
}

// Loki's `s3` URL: s3://[key:secret@]<endpoint with a '.' or ':', or a region>/<bucket>.
util::Status apply_s3_url(const std::string& text, const std::string& where, objstore::S3Config& s3) {
  constexpr std::string_view kScheme = "s3://";
  if (text.rfind(kScheme, 0) != 0) {
    return util::invalid_argument(where + ": " + golang::quote(text) +
                                  " is not an s3:// URL (logd has no in-memory store)");
  }
  std::string rest = text.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string bucket = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!bucket.empty() && bucket.back() == '/') bucket.pop_back();
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    std::string user = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = user.find(':');
    auto key = http::percent_decode(user.substr(0, colon), false);
    auto secret = http::percent_decode(colon == std::string::npos ? "" : user.substr(colon + 1), false);
    if (!key.ok() || !secret.ok()) return util::invalid_argument(where + ": bad percent-encoding in the credentials");
    s3.access_key_id = *key;
    s3.secret_access_key = *secret;
  }
  if (authority.empty()) return util::invalid_argument(where + ": no endpoint or region in " + golang::quote(text));
  // As Loki's AWS config: a host with a dot (or a port) is an http endpoint, anything else a region.
  if (authority.find('.') != std::string::npos || authority.find(':') != std::string::npos) {
    s3.endpoint = "http://" + authority;
  } else {
    s3.region = authority;
  }
  if (!bucket.empty()) s3.bucket = bucket;
  return {};
}

}  // namespace

util::Status parse_s3_block(const YAML::Node& node, const std::string& path, objstore::S3Config& s3,
                            std::vector<std::string>& accepted_no_effect) {
  FieldReader r(node, path);
  StorageConfig notes;  // accept_no_effect's sink
  std::string url;
  r.read_string("s3", url);
  if (!url.empty()) {
    if (auto st = apply_s3_url(url, r.path_of("s3"), s3); !st.ok()) r.fail(st.error());
  }
  std::string buckets;
  r.read_string("bucketnames", buckets);
  if (!buckets.empty()) {
    if (buckets.find(',') != std::string::npos) {
      r.fail(r.path_of("bucketnames") + ": not supported: logd keeps its store in one bucket (got " +
             golang::quote(buckets) + ")");
    }
    s3.bucket = buckets;
  }
  std::string endpoint;
  r.read_string("endpoint", endpoint);
  if (!endpoint.empty()) s3.endpoint = endpoint;
  std::string region;
  r.read_string("region", region);
  if (!region.empty()) s3.region = region;
  std::string key, secret;
  r.read_string("access_key_id", key);
  r.read_string("secret_access_key", secret);
  if (!key.empty()) s3.access_key_id = key;
  if (!secret.empty()) s3.secret_access_key = secret;
  r.read_string("session_token", s3.session_token);
  r.read_bool("insecure", s3.insecure);
  r.read_bool("s3forcepathstyle", s3.force_path_style);
  {
    FieldReader h(r.child("http_config"), r.path_of("http_config"));
    int64_t response_header_timeout = 0;
    h.read_duration("response_header_timeout", response_header_timeout);
    if (response_header_timeout > 0) s3.request_timeout_ms = response_header_timeout / 1'000'000;
    h.read_bool("insecure_skip_verify", s3.tls.insecure_skip_verify);
    h.read_string("ca_file", s3.tls.ca_file);
    accept_no_effect(h, "idle_conn_timeout", "kept-alive connections are reused until the server closes them", notes);
    if (auto st = h.finish(); !st.ok()) r.fail(st.error());
  }
  {
    FieldReader b(r.child("backoff_config"), r.path_of("backoff_config"));
    int64_t min_period = -1, max_period = -1, max_retries = -1;
    b.read_duration("min_period", min_period);
    b.read_duration("max_period", max_period);
    b.read_int("max_retries", max_retries, 1, 100);
    if (min_period >= 0) s3.retry.min_backoff_ms = min_period / 1'000'000;
    if (max_period >= 0) s3.retry.max_backoff_ms = max_period / 1'000'000;
    if (max_retries >= 0) s3.retry.max_attempts = static_cast<int>(max_retries);
    if (auto st = b.finish(); !st.ok()) r.fail(st.error());
  }
  r.reject_unless("signature_version", "v4", "logd signs with AWS Signature Version 4 only", true);
  r.reject_unless("storage_class", "STANDARD", "logd stores objects in the bucket's default class", true);
  r.reject_unless("sse_encryption", "false", "logd does not ask for server-side encryption", true);
  r.reject("sse", "logd does not ask for server-side encryption", true);
  r.reject("dynamodb", "logd's index is tsdb files in the bucket", true);
  accept_no_effect(r, "disable_dualstack", "logd connects to the endpoint as resolved", notes);
  if (auto st = r.finish(); !st.ok()) return st;
  accepted_no_effect.insert(accepted_no_effect.end(), notes.accepted_no_effect.begin(), notes.accepted_no_effect.end());
  return {};
}

void print_s3_block(const objstore::S3Config& s3, YAML::Node& a) {
  a["endpoint"] = s3.endpoint;
  a["region"] = s3.region;
  a["bucketnames"] = s3.bucket;
  a["access_key_id"] = s3.access_key_id;
  a["secret_access_key"] = s3.secret_access_key.empty() ? "" : "<secret>";
  a["session_token"] = s3.session_token.empty() ? "" : "<secret>";
  a["insecure"] = s3.insecure;
  a["s3forcepathstyle"] = s3.force_path_style;
  a["http_config"]["response_header_timeout"] = config::print_duration(s3.request_timeout_ms * 1'000'000);
  a["http_config"]["insecure_skip_verify"] = s3.tls.insecure_skip_verify;
  a["http_config"]["ca_file"] = s3.tls.ca_file;
  a["backoff_config"]["min_period"] = config::print_duration(s3.retry.min_backoff_ms * 1'000'000);
  a["backoff_config"]["max_period"] = config::print_duration(s3.retry.max_backoff_ms * 1'000'000);
  a["backoff_config"]["max_retries"] = s3.retry.max_attempts;
}

namespace {


// storage_config.aws and common.storage.s3 (the same block in Loki): a fresh S3 config each.
util::Status parse_aws(const YAML::Node& node, const std::string& path, StorageConfig& out) {
  objstore::S3Config s3;
  if (auto st = parse_s3_block(node, path, s3, out.accepted_no_effect); !st.ok()) return st;
  out.s3_configured = true;
  out.s3 = std::move(s3);
  return {};
}

util::Status parse_period(const YAML::Node& node, const std::string& path, SchemaPeriod& p) {
  FieldReader r(node, path);
  r.read_required_string("from", p.from);
  r.read_required_string("store", p.store);
  r.read_required_string("object_store", p.object_store);
  r.read_required_string("schema", p.schema);
  {
    FieldReader ix(r.child("index"), r.path_of("index"));
    ix.read_string("prefix", p.index_prefix);
    ix.read_duration("period", p.index_period);
    ix.reject("tags", "logd's index has no tags", true);
    if (auto st = ix.finish(); !st.ok()) r.fail(st.error());
  }
  r.reject("chunks", "logd names chunk objects itself (<tenant>/chunks/<day>/...)", true);
  r.reject_unless("row_shards", "16", "logd's tsdb index has no row shards", true);
  if (auto st = r.finish(); !st.ok()) return st;
  auto day = store::parse_period_dir_name(p.from);
  if (!day) return util::invalid_argument(path + ".from: " + golang::quote(p.from) + " is not a date (YYYY-MM-DD)");
  p.from_day = *day;
  if (p.store != "tsdb") {
    return util::invalid_argument(path + ".store: " + golang::quote(p.store) +
                                  " is not supported: logd's index is tsdb (use store: tsdb)");
  }
  if (p.object_store == "aws") p.object_store = "s3";
  if (p.object_store != "filesystem" && p.object_store != "s3") {
    return util::invalid_argument(path + ".object_store: " + golang::quote(p.object_store) +
                                  " is not supported: logd stores to filesystem or s3 (aws)");
  }
  if (p.schema != "v11" && p.schema != "v12" && p.schema != "v13") {
    return util::invalid_argument(path + ".schema: " + golang::quote(p.schema) +
                                  " is not supported (v11, v12 or v13; logd's own chunk and index formats are the same for each)");
  }
  if (p.index_period != 24 * model::kNanosPerHour) {
    return util::invalid_argument(path + ".index.period: only 24h is supported (logd's index files are per day)");
  }
  return {};
}

}  // namespace

util::Status parse_schema_config(const YAML::Node& node, StorageConfig& out) {
  FieldReader r(node, "schema_config");
  r.read_list("configs", out.schema, parse_period);
  if (auto st = r.finish(); !st.ok()) return st;
  for (size_t i = 0; i < out.schema.size(); ++i) {
    const SchemaPeriod& p = out.schema[i];
    if (p.schema != out.schema.front().schema || p.index_prefix != out.schema.front().index_prefix) {
      out.accepted_no_effect.push_back("schema_config.configs[" + std::to_string(i) +
                                       "]: a change of schema or index.prefix: logd's formats do not change with them");
    }
  }
  return {};
}

util::Status parse_storage_config(const YAML::Node& node, StorageConfig& out) {
  FieldReader r(node, "storage_config");
  if (r.child("aws").IsDefined()) {
    if (auto st = parse_aws(r.child("aws"), r.path_of("aws"), out); !st.ok()) r.fail(st.error());
  }
  {
    FieldReader f(r.child("filesystem"), r.path_of("filesystem"));
    f.read_string("directory", out.filesystem_directory);
    if (auto st = f.finish(); !st.ok()) r.fail(st.error());
  }
  {
    FieldReader t(r.child("tsdb_shipper"), r.path_of("tsdb_shipper"));
    t.read_string("active_index_directory", out.active_index_directory);
    t.read_string("cache_location", out.cache_location);
    t.read_duration("cache_ttl", out.cache_ttl);
    t.read_duration("resync_interval", out.resync_interval);
    t.read_bytes("cache_max_size", out.cache_max_size);  // logd's own: the cache's byte limit
    accept_no_effect(t, "query_ready_num_days", "logd downloads index files when a query needs them", out);
    accept_no_effect(t, "shared_store", "the store is the period's object_store", out);
    accept_no_effect(t, "shared_store_key_prefix", "logd's bucket layout is fixed (docs/data-layout.md)", out);
    t.reject("index_gateway_client", "logd has no index gateway: every logd reads the index from the bucket", true);
    if (auto st = t.finish(); !st.ok()) r.fail(st.error());
  }
  // logd's own: small chunks of a flush share segment objects (docs/storage.md).
  r.read_bytes("segment_chunk_max_size", out.segment_chunk_max_size);
  r.read_bytes("segment_max_size", out.segment_max_size);
  if (out.segment_chunk_max_size < 0 || out.segment_chunk_max_size > (16 << 20)) {
    r.fail(r.path_of("segment_chunk_max_size") + ": " + std::to_string(out.segment_chunk_max_size) +
           " out of range (0 to 16MiB; 0 writes every chunk as an object of its own)");
  }
  if (out.segment_max_size < (1 << 20) || out.segment_max_size > (1LL << 30)) {
    r.fail(r.path_of("segment_max_size") + ": " + std::to_string(out.segment_max_size) + " out of range (1MiB to 1GiB)");
  }
  accept_no_effect(r, "max_parallel_get_chunk", "logd reads chunks as its query workers need them", out);
  accept_no_effect(r, "max_chunk_batch_size", "logd reads chunks as its query workers need them", out);
  accept_no_effect(r, "disable_broad_index_queries", "logd's index has no broad queries", out);
  accept_no_effect(r, "index_queries_cache_config", "logd caches whole index files (tsdb_shipper.cache_location)", out);
  for (const char* key : {"gcs", "azure", "swift", "bos", "cos", "alibabacloud", "congestion_control",
                          "hedging", "named_stores", "object_prefix", "bigtable", "cassandra", "grpc_store"}) {
    r.reject(key, "logd stores to filesystem or s3 (storage_config.filesystem, storage_config.aws)", true);
  }
  r.reject("boltdb_shipper", "logd's index is tsdb (schema_config store: tsdb, storage_config.tsdb_shipper)", true);
  r.reject("boltdb", "logd's index is tsdb (schema_config store: tsdb, storage_config.tsdb_shipper)", true);
  return r.finish();
}

util::Status parse_common_storage(const YAML::Node& node, StorageConfig& out) {
  FieldReader r(node, "common.storage");
  if (r.child("s3").IsDefined()) {
    if (auto st = parse_aws(r.child("s3"), r.path_of("s3"), out); !st.ok()) r.fail(st.error());
    out.common_s3_configured = out.s3_configured;
    out.common_s3 = out.s3;
  }
  {
    FieldReader f(r.child("filesystem"), r.path_of("filesystem"));
    f.read_string("chunks_directory", out.filesystem_directory);
    f.read_string("rules_directory", out.common_rules_directory);
    if (auto st = f.finish(); !st.ok()) r.fail(st.error());
  }
  for (const char* key : {"gcs", "azure", "swift", "bos", "cos", "alibabacloud", "congestion_control", "hedging",
                          "object_store"}) {
    r.reject(key, "logd stores to filesystem or s3 (common.storage.filesystem, common.storage.s3)", true);
  }
  return r.finish();
}

}  // namespace logd
