// Binding the listening sockets of the listen sources (syslog, gelf): "host:port", "[v6]:port"
// or ":port" resolved with getaddrinfo, the first address that binds wins (SO_REUSEADDR; TCP
// sockets also listen). Errors name the address.
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace sources {

// "host:port", "[v6]:port" or ":port" into host and port strings.
util::Status split_host_port(const std::string& addr, std::string& host, std::string& port);

struct BoundSocket {
  int fd = -1;        // the caller owns it (close)
  uint16_t port = 0;  // the bound port (useful with port 0)
};

// `udp`: a datagram socket, else a listening stream socket.
util::Result<BoundSocket> bind_listen_socket(const std::string& address, bool udp);

}  // namespace sources
