// The client side of RFC 6455 over a plain TCP socket, just what `logcli query --tail` needs:
// the opening handshake with extra headers, reading text/binary messages (fragmented or not,
// answering pings) and a normal close. ws:// only (TLS tailing is not supported yet).
// Message sizes are bounded; a malformed frame is an error, never a crash.
//
// Not thread-safe: one connection per thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace logcli {

// "http://host:port/prefix" + path?query -> host, port and request target.
struct WebSocketTarget {
  std::string host;
  std::string port;
  std::string target;  // "/prefix/path?query"
};
util::Result<WebSocketTarget> websocket_target(const std::string& addr, const std::string& path,
                                               const std::string& query);

class WebSocketClient {
 public:
  WebSocketClient() = default;
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Connects and upgrades. A refused upgrade is an error carrying the server's status and body.
  util::Status connect(const WebSocketTarget& target, const std::vector<std::string>& headers);

  // The next data message. `closed` is set (and "" returned) when the server closed normally;
  // `close_reason` then holds its reason text. Interrupted by a signal: error "interrupted".
  util::Result<std::string> read_message(bool& closed);
  const std::string& close_reason() const { return close_reason_; }

  // Sends a normal-closure frame (best effort).
  void close();

 private:
  util::Status read_exact(char* out, size_t n);
  util::Status send_frame(uint8_t opcode, const std::string& payload);

  int fd_ = -1;
  std::string buffered_;  // bytes read past the handshake
  std::string close_reason_;
};

}  // namespace logcli
