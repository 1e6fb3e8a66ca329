// Where the ring's key-value store is and how to reach it: Loki's `kvstore` block
// (common.ring.kvstore, ingester.lifecycler.ring.kvstore, ...). Only `store: etcd` is served;
// the other stores Loki knows are refused by validate_kv_config with an error naming the key.
// Durations are int64 nanoseconds, as everywhere in lib/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kv/kv_client.h"
#include "util/result.h"

namespace kv {

// kvstore.etcd
struct EtcdConfig {
  std::vector<std::string> endpoints;           // endpoints: "host:port" or "http(s)://host:port"
  int64_t dial_timeout_ns = 10'000'000'000;     // dial_timeout (Loki's default 10s)
  int max_retries = 10;                         // max_retries: compare-and-swap retries
  std::string username;                         // username (etcd auth; empty: none)
  std::string password;                         // password
  bool tls_enabled = false;                     // tls_enabled: https to endpoints without a scheme
  std::string tls_cert_path;                    // tls_cert_path: client certificate (mutual TLS)
  std::string tls_key_path;                     // tls_key_path
  std::string tls_ca_path;                      // tls_ca_path: CAs to verify etcd with
  std::string tls_server_name;                  // tls_server_name: name to verify instead of the host
  bool tls_insecure_skip_verify = false;        // tls_insecure_skip_verify
};

// kvstore
struct KvStoreConfig {
  std::string store = "consul";  // store: Loki's default, refused here; set it to etcd
  std::string prefix = "collectors/";  // prefix: put before every key of the rings in this store
  EtcdConfig etcd;                // etcd
};

// Checks the block, naming the offending key under `key_path` (e.g. "common.ring.kvstore") in
// the message: an unsupported store, no endpoints, a malformed endpoint, a password without a
// username, a negative timeout or retry count.
util::Status validate_kv_config(const KvStoreConfig& config, std::string_view key_path = "common.ring.kvstore");

// The client for a validated config (validates it again).
util::Result<std::unique_ptr<KvClient>> make_kv_client(const KvStoreConfig& config,
                                                       std::string_view key_path = "common.ring.kvstore");

}  // namespace kv
