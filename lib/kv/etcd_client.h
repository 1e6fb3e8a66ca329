// KvClient over etcd's v3 JSON gateway (the HTTP/1.1 + JSON face of etcd's gRPC API, served on
// the client port of etcd 3.4), through lib/httpclient. Every wire detail lives in this file pair:
// base64 keys and values, int64 fields as JSON strings, default enum values and empty lists left
// out of answers, streamed keep-alive and watch answers as newline-separated {"result":...}
// objects, gRPC status codes in error bodies.
//
// Endpoints are tried in turn: a request that gets no answer, or an "unavailable" one (no
// leader, shutting down), moves to the next endpoint, and the client remembers the one that
// answered. When none answers the call fails with kUnavailable. With a username, the client
// authenticates (/v3/auth/authenticate) before its first request and again whenever etcd says
// the token expired. Requests time out after dial_timeout + 5 s; watch streams only time out
// while connecting.
//
// Thread-safety: every method may be called from any thread (connections come from a pool).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "httpclient/http_request.h"
#include "kv/kv_client.h"
#include "kv/kv_config.h"

namespace kv {

class EtcdClient final : public KvClient {
 public:
  // Fails on a config validate_kv_config would refuse (checked again here).
  static util::Result<std::unique_ptr<EtcdClient>> create(const EtcdConfig& config);

  util::Result<std::optional<KeyValue>> get(const std::string& key) override;
  util::Result<RangeResult> get_prefix(const std::string& prefix) override;
  util::Result<int64_t> put(const std::string& key, const std::string& value, int64_t lease = 0) override;
  util::Result<int64_t> del(const std::string& key) override;
  util::Result<TxnResult> txn(const std::vector<Compare>& compares, const std::vector<TxnOp>& success,
                              const std::vector<TxnOp>& failure) override;
  util::Result<LeaseGrant> lease_grant(int64_t ttl_seconds) override;
  util::Result<int64_t> lease_keep_alive(int64_t lease_id) override;
  util::Status lease_revoke(int64_t lease_id) override;
  util::Result<LeaseTimeToLive> lease_time_to_live(int64_t lease_id) override;
  util::Result<WatchEnd> watch_stream(const std::string& prefix, int64_t start_revision,
                                      const WatchStreamCallbacks& callbacks, std::stop_token stop) override;
  int max_cas_retries() const override { return config_.max_retries; }
  std::string describe() const override;

  // Authentications done so far (the first one and every refresh of an expired token).
  int64_t authentications() const;

 private:
  struct Endpoint {
    std::string url;         // scheme://host:port as requests go out
    std::string connect_to;  // libcurl CONNECT_TO when tls_server_name renames the host
  };
  explicit EtcdClient(EtcdConfig config, std::vector<Endpoint> endpoints);

  // POSTs a JSON body to `path` on the endpoints in turn; the answer's body, or the error.
  util::Result<std::string> call(const std::string& path, const std::string& body);
  httpclient::Request request_for(const Endpoint& endpoint, const std::string& path, const std::string& body,
                                  const std::string& token) const;
  // The current auth token ("" without a username), authenticating first if there is none.
  util::Result<std::string> current_token();
  util::Status authenticate_at(const Endpoint& endpoint);
  void drop_token(const std::string& token);

  EtcdConfig config_;
  std::vector<Endpoint> endpoints_;
  httpclient::ConnectionPool pool_;
  mutable std::mutex mu_;
  size_t current_ = 0;  // the endpoint that answered last
  std::string token_;
  int64_t authentications_ = 0;
};

}  // namespace kv
