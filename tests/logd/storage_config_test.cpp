// Loki's storage configuration as logd reads it: schema_config periods, storage_config.aws /
// filesystem / tsdb_shipper, common.storage, what is accepted without effect, and what is an
// error naming its key.
#include <doctest/doctest.h>

#include <algorithm>

#include "logd/config.h"
#include "logd/storage_config.h"

using logd::parse_config;

namespace {

objstore::EnvLookup no_env() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

bool has_no_effect(const logd::Config& c, const std::string& key) {
  return std::any_of(c.storage.accepted_no_effect.begin(), c.storage.accepted_no_effect.end(),
                     [&](const std::string& s) { return s.rfind(key + ":", 0) == 0; });
}

// Loki's documented S3 example (2-S3-Cluster-Example.yaml), endpoint and keys filled in.
constexpr const char* kLokiS3Example = R"(
auth_enabled: false
server:
  http_listen_port: 3100
common:
  ring:
    instance_addr: 127.0.0.1
    kvstore:
      store: inmemory
  replication_factor: 1
  path_prefix: /loki
schema_config:
  configs:
    - from: 2020-05-15
      store: tsdb
      object_store: s3
      schema: v13
      index:
        prefix: index_
        period: 24h
storage_config:
  tsdb_shipper:
    active_index_directory: /loki/index
    cache_location: /loki/index_cache
  aws:
    s3: s3://access_key:secret%2Fkey@127.0.0.1:9000/bucket-name
    s3forcepathstyle: true
)";

}  // namespace

TEST_CASE("storage config: Loki's S3 example is read as written") {
  auto c = parse_config(kLokiS3Example);
  REQUIRE_MESSAGE(c.ok(), c.error());
  const logd::StorageConfig& s = c->storage;
  REQUIRE(s.schema.size() == 1);
  CHECK(s.schema[0].from_day == 18397);  // 2020-05-15
  CHECK(s.schema[0].object_store == "s3");
  CHECK(s.s3_configured);
  CHECK(s.s3.endpoint == "http://127.0.0.1:9000");
  CHECK(s.s3.bucket == "bucket-name");
  CHECK(s.s3.access_key_id == "access_key");
  CHECK(s.s3.secret_access_key == "secret/key");
  CHECK(s.s3.force_path_style);
  CHECK(c->active_index_dir() == "/loki/index");
  CHECK(c->cache_dir() == "/loki/index_cache");
  auto stores = logd::resolve_stores(s, "/loki", no_env());
  REQUIRE_MESSAGE(stores.ok(), stores.error());
  REQUIRE(stores->size() == 1);
  CHECK((*stores)[0].location.kind == objstore::StoreLocation::Kind::kS3);
  CHECK((*stores)[0].location.s3.region == "us-east-1");
}

TEST_CASE("storage config: storage_config.aws keys, a region in the URL, environment credentials") {
  auto c = parse_config(R"(
schema_config:
  configs:
    - {from: 2024-01-01, store: tsdb, object_store: aws, schema: v13, index: {prefix: index_, period: 24h}}
storage_config:
  aws:
    s3: s3://eu-west-1/logs
    endpoint: https://minio.example:9000
    insecure: true
    http_config:
      idle_conn_timeout: 90s
      response_header_timeout: 10s
      insecure_skip_verify: true
      ca_file: /etc/ca.pem
    backoff_config:
      min_period: 50ms
      max_period: 2s
      max_retries: 3
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  const objstore::S3Config& s3 = c->storage.s3;
  CHECK(c->storage.schema[0].object_store == "s3");
  CHECK(s3.region == "eu-west-1");
  CHECK(s3.bucket == "logs");
  CHECK(s3.endpoint == "https://minio.example:9000");
  CHECK(s3.insecure);
  CHECK(s3.request_timeout_ms == 10'000);
  CHECK(s3.tls.insecure_skip_verify);
  CHECK(s3.tls.ca_file == "/etc/ca.pem");
  CHECK(s3.retry.min_backoff_ms == 50);
  CHECK(s3.retry.max_backoff_ms == 2000);
  CHECK(s3.retry.max_attempts == 3);
  CHECK(has_no_effect(*c, "storage_config.aws.http_config.idle_conn_timeout"));
  // No credentials in the config: the environment's, as the AWS SDKs do.
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_ACCESS_KEY_ID") return "AKID";
    if (name == "AWS_SECRET_ACCESS_KEY") return "SECRET";
    return std::nullopt;
  };
  auto stores = logd::resolve_stores(c->storage, "/p", env);
  REQUIRE_MESSAGE(stores.ok(), stores.error());
  CHECK((*stores)[0].location.s3.access_key_id == "AKID");
  // ... and none at all is an error naming the config block.
  auto missing = logd::resolve_stores(c->storage, "/p", no_env());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("storage_config.aws (or common.storage.s3): ") == 0);
}

TEST_CASE("storage config: common.storage and a period switching from filesystem to s3") {
  auto c = parse_config(R"(
common:
  path_prefix: /data
  storage:
    filesystem:
      chunks_directory: /data/chunks
      rules_directory: /data/rules
    s3:
      endpoint: 127.0.0.1:9000
      bucketnames: bucket-one
      access_key_id: k
      secret_access_key: s
      s3forcepathstyle: true
schema_config:
  configs:
    - {from: 2020-01-01, store: tsdb, object_store: filesystem, schema: v13, index: {prefix: index_, period: 24h}}
    - {from: 2024-06-01, store: tsdb, object_store: s3, schema: v13, index: {prefix: index_, period: 24h}}
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->store_dir() == "/data/chunks");
  // As Loki applies common.storage to the ruler: the bucket, and rules_directory for type local.
  CHECK(c->ruler.storage_type == "s3");
  CHECK(c->ruler.storage_s3.bucket == "bucket-one");
  CHECK(c->rules_dir() == "/data/rules");
  auto stores = logd::resolve_stores(c->storage, "/data", no_env());
  REQUIRE_MESSAGE(stores.ok(), stores.error());
  REQUIRE(stores->size() == 2);
  CHECK((*stores)[0].location.kind == objstore::StoreLocation::Kind::kFilesystem);
  CHECK((*stores)[0].location.directory == "/data/chunks");
  CHECK((*stores)[1].location.kind == objstore::StoreLocation::Kind::kS3);
  CHECK((*stores)[1].location.s3.bucket == "bucket-one");
  CHECK((*stores)[1].from_day > (*stores)[0].from_day);
  // storage_config.aws replaces common.storage.s3 as a whole.
  c = parse_config(R"(
common:
  storage:
    s3: {endpoint: 127.0.0.1:9000, bucketnames: bucket-one, access_key_id: k, secret_access_key: s}
storage_config:
  aws: {endpoint: 127.0.0.1:9001, bucketnames: bucket-two, access_key_id: k2, secret_access_key: s2}
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->storage.s3.bucket == "bucket-two");
  CHECK(c->storage.s3.endpoint == "127.0.0.1:9001");
}

TEST_CASE("storage config: keys logd cannot honour are errors naming the key") {
  struct Case {
    const char* yaml;
    const char* error_start;
  };
  const Case cases[] = {
      {"schema_config:\n  configs:\n    - {from: 2024-01-01, store: boltdb-shipper, object_store: s3, schema: v13}\n",
       "schema_config.configs[0].store: \"boltdb-shipper\" is not supported"},
      {"schema_config:\n  configs:\n    - {from: 2024-01-01, store: tsdb, object_store: gcs, schema: v13}\n",
       "schema_config.configs[0].object_store: \"gcs\" is not supported"},
      {"schema_config:\n  configs:\n    - {from: 2024-01-01, store: tsdb, object_store: s3, schema: v9}\n",
       "schema_config.configs[0].schema: \"v9\" is not supported"},
      {"schema_config:\n  configs:\n    - {from: 2024-01-01, store: tsdb, object_store: s3, schema: v13, index: {period: 168h}}\n",
       "schema_config.configs[0].index.period: only 24h"},
      {"schema_config:\n  configs:\n    - {from: yesterday, store: tsdb, object_store: s3, schema: v13}\n",
       "schema_config.configs[0].from: \"yesterday\" is not a date"},
      {"schema_config:\n  configs:\n    - {store: tsdb, object_store: s3, schema: v13}\n",
       "schema_config.configs[0]: missing required field \"from\""},
      {"storage_config:\n  gcs:\n    bucket_name: x\n", "storage_config.gcs: not supported"},
      {"storage_config:\n  boltdb_shipper:\n    active_index_directory: /x\n", "storage_config.boltdb_shipper: not supported"},
      {"storage_config:\n  aws:\n    bucketnames: a,b\n", "storage_config.aws.bucketnames: not supported"},
      {"storage_config:\n  aws:\n    sse:\n      type: SSE-S3\n", "storage_config.aws.sse: not supported"},
      {"storage_config:\n  aws:\n    storage_class: GLACIER\n", "storage_config.aws.storage_class: not supported"},
      {"storage_config:\n  aws:\n    s3: inmemory:///b\n", "storage_config.aws.s3: \"inmemory:///b\" is not an s3:// URL"},
      {"storage_config:\n  aws:\n    bucket_name: x\n", "storage_config.aws: unknown field \"bucket_name\""},
      {"storage_config:\n  tsdb_shipper:\n    index_gateway_client:\n      server_address: x\n",
       "storage_config.tsdb_shipper.index_gateway_client: not supported"},
      {"common:\n  storage:\n    gcs:\n      bucket_name: x\n", "common.storage.gcs: not supported"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.yaml);
    auto c = parse_config(k.yaml);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().rfind(k.error_start, 0) == 0);
    if (c.error().rfind(k.error_start, 0) != 0) MESSAGE(c.error());
  }
  // A ring store other than inmemory is refused when the single process starts (the target may
  // still come from a flag), naming the key.
  auto ring = parse_config("common:\n  ring:\n    kvstore:\n      store: consul\n");
  REQUIRE(ring.ok());
  CHECK(logd::check_single_process(*ring).error().rfind("common.ring.kvstore: target all", 0) == 0);
  // A period on s3 without any S3 block, and periods out of order.
  auto c = parse_config("schema_config:\n  configs:\n    - {from: 2024-01-01, store: tsdb, object_store: s3, schema: v13}\n");
  REQUIRE(c.ok());
  auto stores = logd::resolve_stores(c->storage, "/p", no_env());
  REQUIRE_FALSE(stores.ok());
  CHECK(stores.error().find("schema_config.configs[0].object_store: s3 needs storage_config.aws") == 0);
  c = parse_config(
      "schema_config:\n  configs:\n"
      "    - {from: 2024-01-02, store: tsdb, object_store: filesystem, schema: v13}\n"
      "    - {from: 2024-01-01, store: tsdb, object_store: filesystem, schema: v13}\n");
  REQUIRE(c.ok());
  stores = logd::resolve_stores(c->storage, "/p", no_env());
  REQUIRE_FALSE(stores.ok());
  CHECK(stores.error().find("schema_config.configs[1].from: 2024-01-01 is not after") == 0);
}

TEST_CASE("storage config: -print-config shows the effective storage, secrets masked") {
  auto c = parse_config(kLokiS3Example);
  REQUIRE(c.ok());
  std::string printed = logd::print_config(*c);
  CHECK(printed.find("object_store: s3") != std::string::npos);
  CHECK(printed.find("bucketnames: bucket-name") != std::string::npos);
  CHECK(printed.find("active_index_directory: /loki/index") != std::string::npos);
  CHECK(printed.find("secret/key") == std::string::npos);
  CHECK(printed.find("<secret>") != std::string::npos);
  // What it prints reads back.
  auto again = parse_config(printed);
  CHECK_MESSAGE(again.ok(), again.error());
}

TEST_CASE("storage config: Loki's single-binary example (cmd/loki/loki-local-config.yaml) is read as written") {
  auto c = parse_config(R"(
auth_enabled: false

server:
  http_listen_port: 3100
  grpc_listen_port: 9096
  log_level: debug
  grpc_server_max_concurrent_streams: 1000

common:
  instance_addr: 127.0.0.1
  path_prefix: /tmp/loki
  storage:
    filesystem:
      chunks_directory: /tmp/loki/chunks
      rules_directory: /tmp/loki/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory

query_range:
  align_queries_with_step: true
  results_cache:
    cache:
      embedded_cache:
        enabled: true
        max_size_mb: 100

limits_config:
  metric_aggregation_enabled: true
  split_queries_by_interval: 15m

schema_config:
  configs:
    - from: 2020-10-24
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h

pattern_ingester:
  enabled: true
  metric_aggregation:
    loki_address: localhost:3100

ruler:
  alertmanager_url: http://localhost:9093

frontend:
  encoding: protobuf
)");
  REQUIRE_MESSAGE(c.ok(), c.error());
  CHECK(c->store_dir() == "/tmp/loki/chunks");
  CHECK(c->storage.schema.size() == 1);
  // Every key without effect is named (logged once at start).
  // (server.grpc_listen_port is named at start when the target is all: cluster roles serve on it.)
  for (const char* key : {"server.grpc_server_max_concurrent_streams",
                          "query_range.align_queries_with_step", "query_range.results_cache",
                          "limits_config.metric_aggregation_enabled", "pattern_ingester.metric_aggregation",
                          "frontend.encoding"}) {
    CAPTURE(key);
    CHECK(std::any_of(c->accepted_no_effect.begin(), c->accepted_no_effect.end(),
                      [&](const std::string& s) { return s.rfind(std::string(key) + ":", 0) == 0; }));
  }
  CHECK(c->ruler.storage_type == "local");
  CHECK(c->rules_dir() == "/tmp/loki/rules");  // common.storage.filesystem.rules_directory, as in Loki
}
