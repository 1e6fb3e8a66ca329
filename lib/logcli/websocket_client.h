// The client side of a WebSocket, just what `logcli query --tail` needs: connect over ws:// or,
// for an https:// address, wss:// (TLS with logcli's CA, client certificate and skip-verify
// settings), upgrade with extra headers (auth, X-Scope-OrgID), read messages (answering pings),
// and close normally. Boost.Beast does the protocol; it stays inside websocket_client.cpp.
// Message sizes are bounded; a malformed frame is an error, never a crash.
//
// Not thread-safe: one connection per thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "logcli/http_client.h"
#include "util/result.h"

namespace logcli {

// "http[s]://host:port/prefix" (or ws[s]://) + path?query -> host, port, request target, TLS.
struct WebSocketTarget {
  std::string host;
  std::string port;
  std::string target;  // "/prefix/path?query"
  bool tls = false;    // https:// or wss://
};
util::Result<WebSocketTarget> websocket_target(const std::string& addr, const std::string& path,
                                               const std::string& query);

class WebSocketClient {
 public:
  // With `stop_on_signals`, SIGINT and SIGTERM (for as long as the client exists) end a blocking
  // connect() or read_message() with a kCancelled error ("interrupted"), closing the connection politely.
  explicit WebSocketClient(bool stop_on_signals = false);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Connects, negotiates TLS when target.tls (verifying the server against tls.ca_cert or the
  // system's CAs, and its name against target.host, unless tls.tls_skip_verify; presenting
  // tls.cert/tls.key when set) and upgrades. `headers` are "Name: value" lines. A refused upgrade
  // is an error carrying the server's status and body.
  util::Status connect(const WebSocketTarget& target, const std::vector<std::string>& headers,
                       const ClientOptions& tls);

  // The next data message. `closed` is set (and "" returned) when the server closed normally;
  // `close_reason` then holds its reason text. Interrupted by a signal: a kCancelled error.
  util::Result<std::string> read_message(bool& closed);
  const std::string& close_reason() const;

  // Sends a normal-closure frame and waits briefly for the server's (best effort).
  void close();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace logcli
