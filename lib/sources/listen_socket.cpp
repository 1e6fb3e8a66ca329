// Listening sockets of the listen sources (see listen_socket.h).
#include "sources/listen_socket.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sources {

util::Status split_host_port(const std::string& addr, std::string& host, std::string& port) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos) return util::Error{"missing port in address \"" + addr + "\""};
  host = addr.substr(0, colon);
  port = addr.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (port.empty()) return util::Error{"missing port in address \"" + addr + "\""};
  return {};
}

util::Result<BoundSocket> bind_listen_socket(const std::string& address, bool udp) {
  std::string host, port;
  if (auto st = split_host_port(address, host, port); !st.ok()) return st.status_error();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return util::Error{"cannot resolve \"" + address + "\": " + gai_strerror(rc)};
  }
  BoundSocket out;
  std::string bind_error = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && (udp || listen(fd, 128) == 0)) {
      out.fd = fd;
      break;
    }
    bind_error = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(res);
  if (out.fd < 0) {
    return util::Error{std::string("cannot listen on ") + (udp ? "udp " : "tcp ") + address + ": " + bind_error};
  }
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  getsockname(out.fd, reinterpret_cast<sockaddr*>(&bound), &blen);
  out.port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                               : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  return out;
}

}  // namespace sources
