#include "kv/kv_config.h"

#include <charconv>

#include "kv/etcd_client.h"

namespace kv {
namespace {

// "host:port", "http://host:port" or "https://host:port" ("[::1]:2379" for IPv6).
bool valid_endpoint(std::string_view e, std::string& why) {
  if (auto scheme = e.find("://"); scheme != std::string_view::npos) {
    std::string_view s = e.substr(0, scheme);
    if (s != "http" && s != "https") {
      why = "scheme must be http or https";
      return false;
    }
    e.remove_prefix(scheme + 3);
  }
  while (!e.empty() && e.back() == '/') e.remove_suffix(1);
  if (e.find_first_of(" /?#@") != std::string_view::npos) {
    why = "expected host:port";
    return false;
  }
  size_t colon = e.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || e.substr(0, colon) == "[]") {
    why = "expected host:port";
    return false;
  }
  std::string_view port = e.substr(colon + 1);
  int n = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (ec != std::errc() || end != port.data() + port.size() || n < 1 || n > 65535) {
    why = "port must be a number from 1 to 65535";
    return false;
  }
  return true;
}

}  // namespace

util::Status validate_kv_config(const KvStoreConfig& config, std::string_view key_path) {
  std::string at(key_path);
  const std::string& store = config.store;
  if (store == "consul" || store == "memberlist" || store == "inmemory" || store == "multi") {
    return util::invalid_argument(at + ".store: \"" + store +
                                  "\" is not supported; the ring is kept in etcd (set " + at + ".store: etcd)");
  }
  if (store != "etcd") {
    return util::invalid_argument(at + ".store: unknown store \"" + store + "\" (supported: etcd)");
  }
  const EtcdConfig& etcd = config.etcd;
  if (etcd.endpoints.empty()) return util::invalid_argument(at + ".etcd.endpoints: at least one endpoint is required");
  for (const auto& e : etcd.endpoints) {
    std::string why;
    if (!valid_endpoint(e, why)) return util::invalid_argument(at + ".etcd.endpoints: \"" + e + "\": " + why);
    if (e.starts_with("http://") && etcd.tls_enabled) {
      return util::invalid_argument(at + ".etcd.endpoints: \"" + e + "\" is plain http but tls_enabled is true");
    }
  }
  if (etcd.dial_timeout_ns <= 0) return util::invalid_argument(at + ".etcd.dial_timeout: must be positive");
  if (etcd.max_retries < 0) return util::invalid_argument(at + ".etcd.max_retries: must not be negative");
  if (etcd.username.empty() && !etcd.password.empty()) {
    return util::invalid_argument(at + ".etcd.password: set without " + at + ".etcd.username");
  }
  if (etcd.tls_cert_path.empty() != etcd.tls_key_path.empty()) {
    return util::invalid_argument(at + ".etcd." + (etcd.tls_cert_path.empty() ? "tls_cert_path" : "tls_key_path") +
                                  ": a client certificate needs both tls_cert_path and tls_key_path");
  }
  bool tls_fields = !etcd.tls_cert_path.empty() || !etcd.tls_ca_path.empty() || !etcd.tls_server_name.empty() ||
                    etcd.tls_insecure_skip_verify;
  bool any_https = false;
  for (const auto& e : etcd.endpoints) any_https |= e.starts_with("https://");
  if (tls_fields && !etcd.tls_enabled && !any_https) {
    return util::invalid_argument(at + ".etcd.tls_enabled: TLS options are set but tls_enabled is false");
  }
  return {};
}

util::Result<std::unique_ptr<KvClient>> make_kv_client(const KvStoreConfig& config, std::string_view key_path) {
  if (auto s = validate_kv_config(config, key_path); !s.ok()) return s.status_error();
  auto client = EtcdClient::create(config.etcd);
  if (!client.ok()) return client.status_error();
  return std::unique_ptr<KvClient>(std::move(*client));
}

}  // namespace kv
