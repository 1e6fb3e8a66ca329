#include "logcli/websocket_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace logcli {

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr uint64_t kMaxMessageBytes = 64ull << 20;

std::string base64_key() {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::random_device rd;
  unsigned char raw[16];
  for (auto& b : raw) b = static_cast<unsigned char>(rd());
  std::string out;
  for (int i = 0; i < 15; i += 3) {
    uint32_t v = (raw[i] << 16) | (raw[i + 1] << 8) | raw[i + 2];
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  uint32_t v = raw[15] << 16;
  out += kAlphabet[(v >> 18) & 63];
  out += kAlphabet[(v >> 12) & 63];
  out += "==";
  return out;
}

}  // namespace

util::Result<WebSocketTarget> websocket_target(const std::string& addr, const std::string& path,
                                               const std::string& query) {
  std::string rest;
  std::string default_port;
  if (addr.rfind("http://", 0) == 0) {
    rest = addr.substr(7);
    default_port = "80";
  } else if (addr.rfind("ws://", 0) == 0) {
    rest = addr.substr(5);
    default_port = "80";
  } else if (addr.rfind("https://", 0) == 0 || addr.rfind("wss://", 0) == 0) {
    return util::Error{"tailing over TLS (" + addr + ") is not supported yet; use an http:// address"};
  } else {
    return util::Error{"invalid address \"" + addr + "\": expected http://host[:port]"};
  }
  WebSocketTarget t;
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (hostport.empty()) return util::Error{"invalid address \"" + addr + "\": no host"};
  if (hostport[0] == '[') {  // [IPv6]:port
    size_t close = hostport.find(']');
    if (close == std::string::npos) return util::Error{"invalid address \"" + addr + "\""};
    t.host = hostport.substr(1, close - 1);
    t.port = close + 1 < hostport.size() && hostport[close + 1] == ':' ? hostport.substr(close + 2) : default_port;
  } else {
    size_t colon = hostport.rfind(':');
    t.host = hostport.substr(0, colon);
    t.port = colon == std::string::npos ? default_port : hostport.substr(colon + 1);
  }
  if (t.host.empty() || t.port.empty()) return util::Error{"invalid address \"" + addr + "\""};
  t.target = prefix + path + (query.empty() ? "" : "?" + query);
  return t;
}

WebSocketClient::~WebSocketClient() {
  if (fd_ >= 0) ::close(fd_);
}

util::Status WebSocketClient::connect(const WebSocketTarget& target, const std::vector<std::string>& headers) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &res); rc != 0)
    return util::Error{"cannot resolve " + target.host + ": " + gai_strerror(rc)};
  std::string last_error = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      fd_ = fd;
      break;
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(res);
  if (fd_ < 0) return util::Error{"cannot connect to " + target.host + ":" + target.port + ": " + last_error};

  std::string req = "GET " + target.target + " HTTP/1.1\r\nHost: " + target.host + ":" + target.port +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + base64_key() +
                    "\r\nSec-WebSocket-Version: 13\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  req += "\r\n";
  for (size_t sent = 0; sent < req.size();) {
    ssize_t n = ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return util::Error{std::string("cannot send the WebSocket handshake: ") + std::strerror(errno)};
    sent += static_cast<size_t>(n);
  }

  // Read the answer's head (bounded), keeping whatever follows it for the frame reader.
  std::string head;
  size_t end;
  while ((end = head.find("\r\n\r\n")) == std::string::npos) {
    if (head.size() > kMaxHeaderBytes) return util::Error{"the server's WebSocket answer has oversized headers"};
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) return util::Error{"interrupted"};
    if (n <= 0) return util::Error{"the server closed the connection during the WebSocket handshake"};
    head.append(buf, static_cast<size_t>(n));
  }
  buffered_ = head.substr(end + 4);
  head.resize(end);
  std::string status_line = head.substr(0, head.find("\r\n"));
  if (status_line.find(" 101") == std::string::npos) {
    // Not upgraded: the server's message is the body (bounded read, until close).
    std::string body = buffered_;
    char buf[4096];
    ssize_t n;
    while (body.size() < kMaxHeaderBytes && (n = ::recv(fd_, buf, sizeof buf, 0)) > 0) {
      body.append(buf, static_cast<size_t>(n));
      // Stop once a Content-Length body is complete (the server may keep the connection open).
      std::string lower = head;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (size_t p = lower.find("content-length:"); p != std::string::npos &&
                                                    body.size() >= std::strtoull(lower.c_str() + p + 15, nullptr, 10))
        break;
    }
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    std::string status = status_line.size() > 9 ? status_line.substr(9) : status_line;
    return util::Error{"Error response from server: " + body + " (" + status + ")"};
  }
  // The Sec-WebSocket-Accept check guards against caching proxies answering for the server; a
  // wrong answer would show up as a protocol error on the first frame anyway.
  return {};
}

util::Status WebSocketClient::read_exact(char* out, size_t n) {
  size_t got = 0;
  size_t from_buffer = std::min(n, buffered_.size());
  std::memcpy(out, buffered_.data(), from_buffer);
  buffered_.erase(0, from_buffer);
  got = from_buffer;
  while (got < n) {
    ssize_t r = ::recv(fd_, out + got, n - got, 0);
    if (r < 0 && errno == EINTR) return util::Error{"interrupted"};
    if (r < 0) return util::Error{std::string("error reading the stream: ") + std::strerror(errno)};
    if (r == 0) return util::Error{"the server closed the connection"};
    got += static_cast<size_t>(r);
  }
  return {};
}

util::Result<std::string> WebSocketClient::read_message(bool& closed) {
  closed = false;
  std::string message;
  bool in_fragmented = false;
  for (;;) {
    unsigned char hdr[2];
    if (auto s = read_exact(reinterpret_cast<char*>(hdr), 2); !s) return util::Error{s.error()};
    bool fin = hdr[0] & 0x80;
    uint8_t opcode = hdr[0] & 0x0f;
    if (hdr[0] & 0x70) return util::Error{"WebSocket protocol error: reserved bits set"};
    if (hdr[1] & 0x80) return util::Error{"WebSocket protocol error: masked frame from the server"};
    uint64_t len = hdr[1] & 0x7f;
    if (len == 126 || len == 127) {
      unsigned char ext[8];
      size_t n = len == 126 ? 2 : 8;
      if (auto s = read_exact(reinterpret_cast<char*>(ext), n); !s) return util::Error{s.error()};
      len = 0;
      for (size_t i = 0; i < n; ++i) len = (len << 8) | ext[i];
    }
    bool control = opcode & 0x8;
    if (control && (len > 125 || !fin)) return util::Error{"WebSocket protocol error: bad control frame"};
    if (message.size() + len > kMaxMessageBytes) return util::Error{"WebSocket message too large"};
    std::string payload(len, '\0');
    if (len) {
      if (auto s = read_exact(payload.data(), len); !s) return util::Error{s.error()};
    }
    switch (opcode) {
      case 0x8:  // close
        closed = true;
        close_reason_ = payload.size() > 2 ? payload.substr(2) : "";
        close();
        return std::string();
      case 0x9:  // ping
        if (auto s = send_frame(0xA, payload); !s) return util::Error{s.error()};
        continue;
      case 0xA:  // pong
        continue;
      case 0x0:  // continuation
        if (!in_fragmented) return util::Error{"WebSocket protocol error: unexpected continuation"};
        message += payload;
        break;
      case 0x1:
      case 0x2:
        if (in_fragmented) return util::Error{"WebSocket protocol error: interleaved message"};
        message = std::move(payload);
        in_fragmented = true;
        break;
      default:
        return util::Error{"WebSocket protocol error: unknown opcode " + std::to_string(opcode)};
    }
    if (fin) return message;
  }
}

util::Status WebSocketClient::send_frame(uint8_t opcode, const std::string& payload) {
  if (fd_ < 0) return util::Error{"not connected"};
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);
  // Client frames are always masked (RFC 6455 5.3); control payloads are at most 125 bytes.
  frame += static_cast<char>(0x80 | payload.size());
  std::random_device rd;
  unsigned char mask[4];
  for (auto& m : mask) m = static_cast<unsigned char>(rd());
  frame.append(reinterpret_cast<char*>(mask), 4);
  for (size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  for (size_t sent = 0; sent < frame.size();) {
    ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return util::Error{std::string("cannot write to the WebSocket: ") + std::strerror(errno)};
    sent += static_cast<size_t>(n);
  }
  return {};
}

void WebSocketClient::close() {
  if (fd_ < 0) return;
  (void)send_frame(0x8, std::string("\x03\xe8", 2));  // 1000: normal closure
  ::shutdown(fd_, SHUT_WR);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace logcli
