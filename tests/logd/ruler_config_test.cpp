#include <doctest/doctest.h>

#include "logd/config.h"

TEST_CASE("logd ruler config: Loki's keys parse, print and read back") {
  auto c = logd::parse_config(R"Y(
ruler:
  external_url: http://logd.example:3100
  external_labels: {cluster: eu1}
  evaluation_interval: 15s
  poll_interval: 5s
  storage:
    type: local
    local: {directory: /srv/rules}
  rule_path: /srv/rules-temp
  alertmanager_url: http://am1:9093, http://am2:9093
  enable_alertmanager_v2: true
  alert_relabel_configs:
    - {source_labels: [severity], regex: debug, action: drop}
  notification_queue_capacity: 100
  notification_timeout: 5s
  alertmanager_client: {basic_auth_username: u, basic_auth_password: p}
  for_outage_tolerance: 30m
  for_grace_period: 1m
  resend_delay: 30s
  enable_api: true
  enabled_tenants: a,b
  remote_write:
    enabled: true
    add_org_id_header: false
    clients:
      prom:
        url: http://prom:9090/api/v1/write
        headers: {X-A: b}
        queue_config: {capacity: 500, max_samples_per_send: 50, batch_send_deadline: 1s}
  evaluation: {mode: local}
)Y");
  REQUIRE_MESSAGE(c.ok(), c.error());
  const logd::RulerConfig& r = c->ruler;
  CHECK(r.evaluation_interval == 15'000'000'000);
  CHECK(r.alertmanager_urls() == std::vector<std::string>{"http://am1:9093", "http://am2:9093"});
  CHECK(r.external_labels.to_string() == R"({cluster="eu1"})");
  CHECK(r.alert_relabel_configs.size() == 1);
  CHECK(c->rules_dir() == "/srv/rules");
  CHECK(c->rule_path() == "/srv/rules-temp");
  REQUIRE(r.remote_write_clients.size() == 1);
  CHECK(r.remote_write_clients[0].name == "prom");
  CHECK(r.remote_write_clients[0].capacity == 500);
  CHECK_FALSE(r.remote_write_add_org_id_header);
  std::string printed = logd::print_config(*c);
  auto again = logd::parse_config(printed);
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(logd::print_config(*again) == printed);

  auto defaults = logd::parse_config("common: {path_prefix: /d}\n");
  REQUIRE(defaults.ok());
  CHECK(defaults->rules_dir() == "/d/rules");
  CHECK(defaults->rule_path() == "/d/rules-temp");
  CHECK(defaults->ruler.enable_api);
}

TEST_CASE("logd ruler config: unknown and unsupported keys are errors naming them") {
  auto unknown = logd::parse_config("ruler:\n  evaluation_intervall: 1m\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().find("ruler: unknown field \"evaluation_intervall\"") != std::string::npos);
  auto sharding = logd::parse_config("ruler:\n  enable_sharding: true\n");
  REQUIRE_FALSE(sharding.ok());
  CHECK(sharding.error().find("ruler.enable_sharding: not supported") != std::string::npos);
  auto s3 = logd::parse_config("ruler:\n  storage: {type: s3}\n");
  REQUIRE_FALSE(s3.ok());
  CHECK(s3.error().find("ruler.storage.type: s3 needs ruler.storage.s3 (or common.storage.s3)") != std::string::npos);
  auto gcs = logd::parse_config("ruler:\n  storage: {type: gcs, gcs: {bucket_name: x}}\n");
  REQUIRE_FALSE(gcs.ok());
  CHECK(gcs.error().find("ruler.storage.gcs: not supported") != std::string::npos);
  auto v3 = logd::parse_config("ruler_storage:\n  backend: s3\n");
  REQUIRE_FALSE(v3.ok());
  CHECK(v3.error().find("ruler_storage: not supported") != std::string::npos);
  auto wal = logd::parse_config("ruler:\n  wal: {dir: /x}\n");
  REQUIRE_FALSE(wal.ok());
  CHECK(wal.error().find("ruler.wal: not supported") != std::string::npos);
  auto no_url = logd::parse_config("ruler:\n  remote_write: {enabled: true, clients: {p: {name: p}}}\n");
  REQUIRE_FALSE(no_url.ok());
  CHECK(no_url.error().find("ruler.remote_write.clients.p.url: must be set") != std::string::npos);
  auto shards = logd::parse_config("ruler:\n  remote_write: {clients: {p: {url: 'http://x', queue_config: {max_shards: 3}}}}\n");
  REQUIRE_FALSE(shards.ok());
  CHECK(shards.error().find("ruler.remote_write.clients.p.queue_config.max_shards: not supported") != std::string::npos);
  auto am = logd::parse_config("ruler:\n  alertmanager_url: am:9093\n");
  REQUIRE_FALSE(am.ok());
  CHECK(am.error().find("ruler.alertmanager_url: \"am:9093\" is not an http(s) URL") != std::string::npos);
  auto remote = logd::parse_config("ruler:\n  evaluation: {mode: remote}\n");
  REQUIRE_FALSE(remote.ok());
  CHECK(remote.error().find("ruler.evaluation.mode") != std::string::npos);
}

TEST_CASE("logd ruler config: ruler.storage.s3 with Loki's keys, and common.storage.s3 as Loki applies it") {
  auto own = logd::parse_config(R"(
ruler:
  storage:
    type: s3
    s3:
      bucketnames: rules
      endpoint: 127.0.0.1:9000
      region: eu-west-1
      access_key_id: k
      secret_access_key: s
      s3forcepathstyle: true
      insecure: true
)");
  REQUIRE_MESSAGE(own.ok(), own.error());
  CHECK(own->ruler.storage_type == "s3");
  CHECK(own->ruler.storage_s3.bucket == "rules");
  CHECK(own->ruler.storage_s3.endpoint == "127.0.0.1:9000");
  CHECK(own->ruler.storage_s3.region == "eu-west-1");
  CHECK(own->ruler.storage_s3.access_key_id == "k");
  CHECK(own->ruler.storage_s3.secret_access_key == "s");
  CHECK(own->ruler.storage_s3.force_path_style);
  CHECK(own->ruler.storage_s3.insecure);
  auto again = logd::parse_config(logd::print_config(*own));  // -print-config output is accepted back
  REQUIRE_MESSAGE(again.ok(), again.error());
  CHECK(logd::print_config(*again) == logd::print_config(*own));
  CHECK(again->ruler.storage_s3.bucket == "rules");

  const char* common = R"(
common:
  storage:
    s3: {bucketnames: chunks, endpoint: 127.0.0.1:9000, access_key_id: k, secret_access_key: s}
)";
  // Unset ruler.storage: the common bucket (Loki's applyStorageConfig).
  auto inherited = logd::parse_config(common);
  REQUIRE_MESSAGE(inherited.ok(), inherited.error());
  CHECK(inherited->ruler.storage_type == "s3");
  CHECK(inherited->ruler.storage_s3.bucket == "chunks");
  // ruler.storage.s3 keys replace the common ones they name; the rest is inherited.
  auto overlaid = logd::parse_config(std::string(common) + "ruler:\n  storage: {s3: {bucketnames: rules}}\n");
  REQUIRE_MESSAGE(overlaid.ok(), overlaid.error());
  CHECK(overlaid->ruler.storage_type == "s3");
  CHECK(overlaid->ruler.storage_s3.bucket == "rules");
  CHECK(overlaid->ruler.storage_s3.access_key_id == "k");
  // An explicit type wins over common.storage.
  auto local = logd::parse_config(std::string(common) + "ruler:\n  storage: {type: local}\n");
  REQUIRE_MESSAGE(local.ok(), local.error());
  CHECK(local->ruler.storage_type == "local");
  // A ruler.storage.s3 block that type: local would leave unused is an error, not ignored.
  auto unused = logd::parse_config("ruler:\n  storage: {type: local, s3: {bucketnames: rules}}\n");
  REQUIRE_FALSE(unused.ok());
  CHECK(unused.error().find("ruler.storage.s3: set, but ruler.storage.type is \"local\"") != std::string::npos);
  auto unused_dir = logd::parse_config("ruler:\n  storage: {type: s3, local: {directory: /r}, s3: {bucketnames: rules}}\n");
  REQUIRE_FALSE(unused_dir.ok());
  CHECK(unused_dir.error().find("ruler.storage.local.directory: set, but ruler.storage.type is \"s3\"") != std::string::npos);
  auto bad_key = logd::parse_config("ruler:\n  storage: {type: s3, s3: {bucketnames: r, sse: {type: SSE-S3}}}\n");
  REQUIRE_FALSE(bad_key.ok());
  CHECK(bad_key.error().find("ruler.storage.s3.sse: not supported") != std::string::npos);
}
