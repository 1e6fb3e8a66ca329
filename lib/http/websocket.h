// A server-side WebSocket connection as a route handler sees it (Loki's /loki/api/v1/tail).
//
// Thread-safety: the methods may be called from any thread, but the handler normally owns the
// connection from its own thread (the server runs each WebSocket handler on a dedicated thread,
// since tailing blocks for as long as the client stays). send_text blocks until the frame is
// written, which gives natural back-pressure against a slow reader.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace http {

class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // Sends one text message; false once the connection is closed or the write failed.
  virtual bool send_text(std::string_view message) = 0;
  // The next message from the client, or nullopt on timeout or once the connection is closed.
  virtual std::optional<std::string> receive(std::chrono::milliseconds timeout) = 0;
  // Starts the closing handshake with `code` (1000: normal; 1001: going away; 1011: error).
  virtual void close(int code = 1000, std::string_view reason = {}) = 0;
  // False once either side has closed or the connection failed (and after server stop()).
  virtual bool is_open() const = 0;
};

}  // namespace http
