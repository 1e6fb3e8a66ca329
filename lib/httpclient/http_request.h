// The one libcurl wrapper: an HTTP/1.1 client connection that keeps its connections alive between
// requests, with the TLS, timeout, streaming and cancellation options every caller needs (the
// push client, Kubernetes and Docker discovery, logcli, the S3 object store, the etcd ring client).
// libcurl stays inside http_request.cpp.
//
// Thread-safety: a Connection is used by one thread at a time; ConnectionPool hands connections
// to many threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httpclient {

struct TlsClientOptions {
  std::string ca_file;     // PEM CAs to verify the server with (empty: the system's)
  std::string ca_pem;      // or the CAs themselves
  std::string cert_file;   // client certificate (mutual TLS)
  std::string cert_pem;
  std::string key_file;    // its key
  std::string key_pem;
  bool insecure_skip_verify = false;
  int min_version = 0;     // 10, 11, 12, 13 for TLS 1.0 .. 1.3; 0: libcurl's default
};

struct Response;

struct Request {
  std::string method = "GET";  // GET, HEAD, POST, PUT, DELETE, ...
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; "Name:" removes a header libcurl would add
  std::string_view body;             // sent for POST/PUT (and any method when non-empty)
  int64_t timeout_ms = 0;            // the whole request; 0: none (streams)
  int64_t connect_timeout_ms = 10'000;
  // Abort when the transfer makes no progress (fewer than 1 byte/s) for this long; 0: never.
  int64_t low_speed_timeout_ms = 0;
  TlsClientOptions tls;
  std::string proxy;          // empty: no proxy, environment variables included, unless:
  bool use_environment_proxy = false;  // with an empty `proxy`: libcurl's http(s)_proxy/no_proxy
  std::string userpwd;        // "user:password" for basic auth
  std::string connect_to;     // libcurl CONNECT_TO "host:port:connect-host:connect-port"
  // Connect to this unix domain socket instead of the URL's host (the Docker Engine API); the
  // URL still gives the path and the Host header ("http://localhost/containers/json").
  std::string unix_socket_path;
  std::string user_agent;
  bool accept_encoding = false;  // ask for (and transparently decode) gzip/deflate answers
  // Set to true from another thread to abandon the request as soon as possible.
  const std::atomic<bool>* cancel = nullptr;
  // Called once, before the first piece of the body, with the final response's status and
  // headers (no body yet); return false to stop the transfer.
  std::function<bool(const Response&)> on_response;
  // Streaming: each piece of the body as it arrives; return false to stop the transfer. Without
  // it the body is collected in Response::body, at most max_body_bytes of it
  // (Response::body_truncated says so).
  std::function<bool(std::string_view)> on_data;
  size_t max_body_bytes = SIZE_MAX;
};

struct Response {
  int status = 0;              // HTTP status; 0 when no response arrived
  std::string error;           // transport failure (connect, TLS, timeout, cancelled); empty otherwise
  bool timed_out = false;
  bool cancelled = false;
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response, names lower-case
  std::string body;
  bool body_truncated = false;

  bool transport_ok() const { return error.empty(); }
  bool ok() const { return transport_ok() && status / 100 == 2; }
  // The first header of that (lower-case) name, or "".
  std::string_view header(std::string_view lower_name) const;
};

class Connection {
 public:
  Connection();
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Response perform(const Request& request);

 private:
  void* curl_ = nullptr;  // CURL*, kept out of the header
};

// Connections for many threads: acquire() lends one (reusing an idle one and its kept-alive
// sockets), and it returns to the pool when the lease ends.
class ConnectionPool {
 public:
  explicit ConnectionPool(size_t max_idle = 16) : max_idle_(max_idle) {}
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Connection& operator*() { return *c_; }
    Connection* operator->() { return c_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> c_;
  };
  Lease acquire();
  Response perform(const Request& request) { return acquire()->perform(request); }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t max_idle_;
};

// RFC 3986 percent-encoding; '/' kept when `keep_slash` (object keys in paths).
std::string uri_encode(std::string_view s, bool keep_slash);

}  // namespace httpclient
