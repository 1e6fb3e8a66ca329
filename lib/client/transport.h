// How a batch reaches Loki: one POST of an encoded push body for one tenant. An interface so the
// client's batching, retry and acknowledgement logic is testable without sockets; the real one is
// HttpTransport (http_transport.h).
#pragma once

#include <atomic>
#include <string>
#include <string_view>

namespace client {

struct PostResult {
  int status = -1;    // HTTP status; -1 when no response arrived (connect error, timeout, TLS, ...)
  std::string error;  // empty on 2xx; else Promtail's wording, e.g.
                      // "server returned HTTP status 400 Bad Request (400): <first body line>"
  bool ok() const { return status / 100 == 2; }
};

// Implementations are used from one thread at a time (the client's sender thread).
class Transport {
 public:
  virtual ~Transport() = default;
  // POSTs `body` (snappy protobuf). `tenant` empty: no X-Scope-OrgID header. When `*cancel`
  // becomes true the request in flight is abandoned as soon as possible (status -1).
  virtual PostResult post(std::string_view body, const std::string& tenant, const std::atomic<bool>& cancel) = 0;
};

}  // namespace client
