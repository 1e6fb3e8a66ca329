// A minimal blocking HTTP/1.1 and WebSocket client over POSIX sockets, for the server tests:
// it lets the tests send exactly the bytes they mean (malformed requests included).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include <cstdint>
#include <string>

#include "http/message.h"

namespace http_test {

class Connection {
 public:
  explicit Connection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Connection() { ::close(fd_); }
  bool connected() const { return connected_; }

  void send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  // Reads until `n` bytes are buffered; false on EOF/timeout.
  bool fill(size_t n) {
    char tmp[16384];
    while (buf_.size() < n) {
      ssize_t r = ::recv(fd_, tmp, sizeof tmp, 0);
      if (r <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(r));
    }
    return true;
  }
  std::string take(size_t n) {
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
  }

  // Reads one response (Content-Length bodies only). status 0 on EOF or garbage.
  struct Reply {
    int status = 0;
    http::Headers headers;
    std::string body;
  };
  Reply read_response() {
    Reply r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(buf_.size() + 1)) return r;
    std::string head = take(end + 4);
    r.status = std::stoi(head.substr(9, 3));
    size_t pos = head.find("\r\n") + 2;
    while (pos < head.size() - 2) {
      size_t eol = head.find("\r\n", pos);
      std::string line = head.substr(pos, eol - pos);
      size_t colon = line.find(':');
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers.add(line.substr(0, colon), value);
      pos = eol + 2;
    }
    size_t len = std::stoul(std::string(r.headers.get_or("Content-Length", "0")));
    if (!fill(len)) return Reply{};
    r.body = take(len);
    return r;
  }

  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  // True when the server has closed the connection (EOF) with nothing more to read.
  bool closed_by_peer() { return buf_.empty() && !fill(1); }
  // The same without waiting: true only if the close (or a reset) has already arrived.
  bool closed_by_peer_now() {
    char c;
    ssize_t r = ::recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  Reply request(const std::string& method, const std::string& target, const std::string& body = "",
                const std::string& extra_headers = "") {
    send(method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    return read_response();
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

}  // namespace http_test
