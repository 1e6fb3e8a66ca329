// The etcd client's wire format against a stand-in for etcd's JSON gateway (answers as etcd 3.4
// writes them: int64 as strings, base64 bytes, defaults left out). The same client runs against a
// real etcd in etcd_real_test.cpp.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>

#include "http/server.h"
#include "kv/etcd_client.h"
#include "util/base64.h"

namespace {

using json = nlohmann::json;

std::string b64(const std::string& s) { return util::base64_encode(s); }

struct FakeEtcd {
  FakeEtcd() : server(http::ServerOptions{}) {}
  ~FakeEtcd() { server.stop(); }
  void start() {
    REQUIRE(server.start().ok());
    endpoint = "127.0.0.1:" + std::to_string(server.port());
  }
  // Registers a POST route that records the request body and answers with `answer`.
  void on(const std::string& path, std::function<http::Response(const http::Request&)> answer) {
    server.route("POST", path, [this, path, answer](const http::Request& r) {
      {
        std::lock_guard lock(mu);
        bodies[path] = r.body;
        auth_headers.push_back(std::string(r.headers.get_or("Authorization", "")));
      }
      return answer(r);
    });
  }
  json body_of(const std::string& path) {
    std::lock_guard lock(mu);
    return json::parse(bodies[path]);
  }
  http::Server server;
  std::string endpoint;
  std::mutex mu;
  std::map<std::string, std::string> bodies;
  std::vector<std::string> auth_headers;
};

std::unique_ptr<kv::EtcdClient> client_for(std::vector<std::string> endpoints, std::string user = "",
                                           std::string password = "") {
  kv::EtcdConfig config;
  config.endpoints = std::move(endpoints);
  config.dial_timeout_ns = 2'000'000'000;
  config.username = std::move(user);
  config.password = std::move(password);
  auto c = kv::EtcdClient::create(config);
  REQUIRE(c.ok());
  return std::move(*c);
}

const char* kHeader = R"("header":{"cluster_id":"1","member_id":"2","revision":"42","raft_term":"2"})";

}  // namespace

TEST_CASE("etcd client: ranges in base64, a missing kvs, int64 strings") {
  FakeEtcd etcd;
  std::atomic<int> calls{0};
  etcd.on("/v3/kv/range", [&](const http::Request&) {
    if (calls++ == 0) return http::Response::json(200, std::string("{") + kHeader + "}");  // no match: no "kvs"
    return http::Response::json(
        200, std::string("{") + kHeader + R"(,"kvs":[{"key":")" + b64("ring/a") + R"(","create_revision":"5","mod_revision":"41","version":"3","value":")" +
                 b64("{\"x\":1}") + R"(","lease":"7587869386414373135"},{"key":")" + b64("ring/b") + R"(","create_revision":"6","mod_revision":"6","version":"1"}],"count":"2"})");
  });
  etcd.start();
  auto client = client_for({etcd.endpoint});
  auto empty = client->get_prefix("ring/");
  REQUIRE(empty.ok());
  CHECK(empty->kvs.empty());
  CHECK(empty->revision == 42);
  json sent = etcd.body_of("/v3/kv/range");
  CHECK(sent["key"] == b64("ring/"));
  CHECK(sent["range_end"] == b64("ring0"));

  auto full = client->get_prefix("ring/");
  REQUIRE(full.ok());
  REQUIRE(full->kvs.size() == 2);
  CHECK(full->kvs[0].key == "ring/a");
  CHECK(full->kvs[0].value == "{\"x\":1}");
  CHECK(full->kvs[0].create_revision == 5);
  CHECK(full->kvs[0].mod_revision == 41);
  CHECK(full->kvs[0].version == 3);
  CHECK(full->kvs[0].lease == 7587869386414373135);
  CHECK(full->kvs[1].value.empty());  // an empty value is left out
  CHECK(full->kvs[1].lease == 0);
}

TEST_CASE("etcd client: transactions spell compares and ops as the gateway wants, and a false 'succeeded' is absent") {
  FakeEtcd etcd;
  etcd.on("/v3/kv/txn", [&](const http::Request&) {
    return http::Response::json(200, std::string("{") + kHeader + R"(,"responses":[{"response_range":{"header":{"revision":"42"},"kvs":[{"key":")" +
                                         b64("k") + R"(","value":")" + b64("v") + R"(","mod_revision":"9"}],"count":"1"}}]})");
  });
  etcd.start();
  auto client = client_for({etcd.endpoint});
  auto r = client->txn({kv::none_created_after("ring/", 41), kv::key_missing("k")},
                       {kv::put_op("k", "v2", 99)}, {kv::get_op("k")});
  REQUIRE(r.ok());
  CHECK_FALSE(r->succeeded);
  CHECK(r->revision == 42);
  REQUIRE(r->gets.size() == 1);
  CHECK(r->gets[0].kvs[0].value == "v");
  json sent = etcd.body_of("/v3/kv/txn");
  CHECK(sent["compare"][0] == json{{"key", b64("ring/")}, {"range_end", b64("ring0")}, {"target", "CREATE"},
                                   {"result", "LESS"}, {"create_revision", "42"}});
  CHECK(sent["compare"][1] == json{{"key", b64("k")}, {"target", "VERSION"}, {"result", "EQUAL"}, {"version", "0"}});
  CHECK(sent["success"][0] == json{{"request_put", {{"key", b64("k")}, {"value", b64("v2")}, {"lease", "99"}}}});
  CHECK(sent["failure"][0] == json{{"request_range", {{"key", b64("k")}}}});
}

TEST_CASE("etcd client: leases, and error bodies mapped to error codes") {
  FakeEtcd etcd;
  std::atomic<int> keepalives{0};
  etcd.on("/v3/lease/grant", [](const http::Request&) {
    return http::Response::json(200, std::string("{") + kHeader + R"(,"ID":"7587869386414373135","TTL":"2"})");
  });
  etcd.on("/v3/lease/keepalive", [&](const http::Request&) {
    // A stream: one {"result":...} line; a lease that is gone has no TTL.
    if (keepalives++ == 0) {
      return http::Response::json(200, std::string(R"({"result":{)") + kHeader + R"(,"ID":"7587869386414373135","TTL":"2"}})" + "\n");
    }
    return http::Response::json(200, std::string(R"({"result":{)") + kHeader + R"(,"ID":"7587869386414373135"}})" + "\n");
  });
  etcd.on("/v3/kv/put", [](const http::Request&) {
    return http::Response::json(404, R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})");
  });
  etcd.on("/v3/lease/timetolive", [](const http::Request&) {
    return http::Response::json(200, std::string("{") + kHeader + R"(,"ID":"1","TTL":"-1"})");
  });
  etcd.on("/v3/kv/deleterange", [](const http::Request&) {
    return http::Response::json(403, R"({"error":"etcdserver: permission denied","message":"etcdserver: permission denied","code":7})");
  });
  etcd.start();
  auto client = client_for({etcd.endpoint});
  auto grant = client->lease_grant(1);
  REQUIRE(grant.ok());
  CHECK(grant->id == 7587869386414373135);
  CHECK(grant->ttl_seconds == 2);
  CHECK(etcd.body_of("/v3/lease/grant") == json{{"TTL", "1"}});
  auto kept = client->lease_keep_alive(grant->id);
  REQUIRE(kept.ok());
  CHECK(*kept == 2);
  CHECK(etcd.body_of("/v3/lease/keepalive") == json{{"ID", "7587869386414373135"}});
  CHECK(client->lease_keep_alive(grant->id).code() == util::ErrorCode::kNotFound);
  auto put = client->put("k", "v", grant->id);
  CHECK(put.code() == util::ErrorCode::kNotFound);
  CHECK(put.error().find("requested lease not found") != std::string::npos);
  CHECK(client->lease_time_to_live(1).code() == util::ErrorCode::kNotFound);
  CHECK(client->del("k").code() == util::ErrorCode::kPermissionDenied);
}

TEST_CASE("etcd client: fails over to the next endpoint, and says unavailable when none answers") {
  FakeEtcd no_leader, good;
  std::atomic<int> asked_no_leader{0};
  no_leader.on("/v3/kv/put", [&](const http::Request&) {
    ++asked_no_leader;
    return http::Response::json(503, R"({"error":"etcdserver: no leader","message":"etcdserver: no leader","code":14})");
  });
  good.on("/v3/kv/put", [](const http::Request&) { return http::Response::json(200, std::string("{") + kHeader + "}"); });
  no_leader.start();
  good.start();
  auto client = client_for({"127.0.0.1:1", no_leader.endpoint, "http://" + good.endpoint + "/"});
  auto put = client->put("k", "v");
  REQUIRE(put.ok());
  CHECK(*put == 42);
  CHECK(asked_no_leader == 1);
  REQUIRE(client->put("k", "v").ok());
  CHECK(asked_no_leader == 1);  // the endpoint that answered is asked first from then on

  auto dead = client_for({"127.0.0.1:1"});
  auto failed = dead->get("k");
  CHECK(failed.code() == util::ErrorCode::kUnavailable);
  CHECK(failed.error().find("127.0.0.1:1") != std::string::npos);
}

TEST_CASE("etcd client: authenticates, sends the token, and authenticates again when it expired") {
  FakeEtcd etcd;
  std::mutex mu;
  std::string valid;  // the token etcd accepts now
  int issued = 0;
  etcd.on("/v3/auth/authenticate", [&](const http::Request& r) {
    auto j = json::parse(r.body);
    if (j["name"] != "ring" || j["password"] != "secret") {
      return http::Response::json(400, R"({"error":"etcdserver: authentication failed, invalid user ID or password","code":3})");
    }
    std::lock_guard lock(mu);
    valid = "token-" + std::to_string(++issued);
    return http::Response::json(200, std::string("{") + kHeader + R"(,"token":")" + valid + "\"}");
  });
  etcd.on("/v3/kv/range", [&](const http::Request& r) {
    std::lock_guard lock(mu);
    if (std::string(r.headers.get_or("Authorization", "")) != valid) {
      return http::Response::json(401, R"({"error":"etcdserver: invalid auth token","message":"etcdserver: invalid auth token","code":16})");
    }
    return http::Response::json(200, std::string("{") + kHeader + "}");
  });
  etcd.start();
  auto client = client_for({etcd.endpoint}, "ring", "secret");
  REQUIRE(client->get("k").ok());
  CHECK(client->authentications() == 1);
  REQUIRE(client->get("k").ok());
  CHECK(client->authentications() == 1);
  {
    std::lock_guard lock(mu);
    valid = "expired";  // etcd forgot the token (its TTL passed)
  }
  REQUIRE(client->get("k").ok());
  CHECK(client->authentications() == 2);

  auto wrong = client_for({etcd.endpoint}, "ring", "nope");
  auto denied = wrong->get("k");
  CHECK(denied.code() == util::ErrorCode::kUnauthenticated);
  CHECK(denied.error().find("authentication failed") != std::string::npos);
}

TEST_CASE("etcd client: watch streams: created, PUT without a type, DELETE, compaction, cancellation") {
  FakeEtcd etcd;
  std::atomic<int> watches{0};
  std::string big_value(100'000, 'x');  // one line longer than a read: split across pieces
  etcd.on("/v3/watch", [&](const http::Request&) {
    int n = watches++;
    std::string body;
    if (n == 0) {
      body += std::string(R"({"result":{)") + kHeader + R"(,"created":true}})" + "\n";
      body += std::string(R"({"result":{)") + kHeader + R"(,"events":[{"kv":{"key":")" + b64("ring/a") +
              R"(","create_revision":"43","mod_revision":"43","version":"1","value":")" + b64(big_value) + R"("}}]}})" + "\n";
      body += std::string(R"({"result":{)") + kHeader + R"(,"events":[{"type":"DELETE","kv":{"key":")" + b64("ring/a") +
              R"(","mod_revision":"44"}}]}})" + "\n";
    } else if (n == 1) {
      body += std::string(R"({"result":{)") + kHeader + R"(,"created":true}})" + "\n";
      body += R"({"result":{"header":{"revision":"50"},"canceled":true,"compact_revision":"45"}})" "\n";
    } else {
      body += R"({"result":{"header":{"revision":"50"},"watch_id":"-1","created":true,"canceled":true,"cancel_reason":"rpc error: code = PermissionDenied desc = etcdserver: permission denied"}})" "\n";
    }
    return http::Response::json(200, body);
  });
  etcd.start();
  auto client = client_for({etcd.endpoint});
  std::vector<kv::WatchEvent> events;
  int64_t created = 0;
  kv::WatchStreamCallbacks cb;
  cb.on_created = [&](int64_t rev) { created = rev; };
  cb.on_events = [&](const std::vector<kv::WatchEvent>& e, int64_t) { events.insert(events.end(), e.begin(), e.end()); };

  auto ended = client->watch_stream("ring/", 43, cb, std::stop_token());
  CHECK(ended.code() == util::ErrorCode::kUnavailable);  // the stand-in ends the stream
  CHECK(created == 42);
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == kv::WatchEvent::Type::kPut);
  CHECK(events[0].kv.value == big_value);
  CHECK(events[1].type == kv::WatchEvent::Type::kDelete);
  CHECK(events[1].kv.mod_revision == 44);
  json sent = etcd.body_of("/v3/watch");
  CHECK(sent == json{{"create_request", {{"key", b64("ring/")}, {"range_end", b64("ring0")}, {"start_revision", "43"}}}});

  auto compacted = client->watch_stream("ring/", 43, cb, std::stop_token());
  REQUIRE(compacted.ok());
  CHECK(compacted->compacted);
  CHECK(compacted->compact_revision == 45);

  CHECK(client->watch_stream("ring/", 0, cb, std::stop_token()).code() == util::ErrorCode::kPermissionDenied);
}

TEST_CASE("kv config: only etcd, with errors naming the key") {
  kv::KvStoreConfig c;
  auto refused = kv::validate_kv_config(c);
  CHECK(refused.code() == util::ErrorCode::kInvalidArgument);
  CHECK(refused.error().find("common.ring.kvstore.store: \"consul\" is not supported") != std::string::npos);
  for (const char* store : {"memberlist", "inmemory", "multi"}) {
    c.store = store;
    auto s = kv::validate_kv_config(c, "ingester.lifecycler.ring.kvstore");
    CHECK(s.error().find(std::string("ingester.lifecycler.ring.kvstore.store: \"") + store + "\" is not supported") !=
          std::string::npos);
  }
  c.store = "zookeeper";
  CHECK(kv::validate_kv_config(c).error().find("unknown store \"zookeeper\"") != std::string::npos);

  c.store = "etcd";
  CHECK(kv::validate_kv_config(c).error().find("common.ring.kvstore.etcd.endpoints: at least one") != std::string::npos);
  for (const char* bad : {"localhost", "ftp://h:1", "h:0", "h:99999", "h:12x", "h:1/path"}) {
    c.etcd.endpoints = {bad};
    CHECK(kv::validate_kv_config(c).error().find("common.ring.kvstore.etcd.endpoints: \"" + std::string(bad)) !=
          std::string::npos);
  }
  c.etcd.endpoints = {"etcd-0:2379", "http://127.0.0.1:2379", "https://[::1]:2379/"};
  CHECK(kv::validate_kv_config(c).ok());
  c.etcd.password = "p";
  CHECK(kv::validate_kv_config(c).error().find("etcd.password: set without") != std::string::npos);
  c.etcd.username = "u";
  CHECK(kv::validate_kv_config(c).ok());
  c.etcd.dial_timeout_ns = 0;
  CHECK(kv::validate_kv_config(c).error().find("etcd.dial_timeout") != std::string::npos);
  c.etcd.dial_timeout_ns = 1;
  c.etcd.max_retries = -1;
  CHECK(kv::validate_kv_config(c).error().find("etcd.max_retries") != std::string::npos);
  c.etcd.max_retries = 0;
  c.etcd.endpoints = {"127.0.0.1:2379"};
  c.etcd.tls_ca_path = "/ca.pem";
  CHECK(kv::validate_kv_config(c).error().find("etcd.tls_enabled") != std::string::npos);
  c.etcd.tls_enabled = true;
  CHECK(kv::validate_kv_config(c).ok());
  c.etcd.tls_cert_path = "/c.pem";
  CHECK(kv::validate_kv_config(c).error().find("tls_key_path") != std::string::npos);
  c.etcd.endpoints = {"http://127.0.0.1:2379"};
  c.etcd.tls_key_path = "/k.pem";
  CHECK(kv::validate_kv_config(c).error().find("plain http but tls_enabled") != std::string::npos);

  auto made = kv::make_kv_client(kv::KvStoreConfig{});
  CHECK(made.code() == util::ErrorCode::kInvalidArgument);
  kv::KvStoreConfig ok;
  ok.store = "etcd";
  ok.etcd.endpoints = {"127.0.0.1:2379"};
  auto client = kv::make_kv_client(ok);
  REQUIRE(client.ok());
  CHECK((*client)->describe() == "etcd 127.0.0.1:2379");
  CHECK((*client)->max_cas_retries() == 10);
}
