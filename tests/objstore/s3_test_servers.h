// Scripted stand-ins for an S3 server, for the S3 client's unit tests:
// - ScriptedS3: an http::Server whose answers the test scripts request by request, recording
//   every request it got;
// - RawServer: a bare TCP listener for what an HTTP server library will not do on purpose
//   (reset connections, announce more body than it sends);
// - ClockPusher: moves a FakeClock whenever a thread waits on it, so retries run without sleeping.
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"
#include "objstore/s3_config.h"
#include "util/clock.h"

namespace objstore_test {

class ScriptedS3 {
 public:
  using Handler = std::function<http::Response(const http::Request&)>;

  ScriptedS3() : server_(options()) {
    for (const char* method : {"GET", "PUT", "POST", "DELETE", "HEAD"}) {
      server_.route_prefix(method, "/", [this](const http::Request& r) { return answer(r); });
    }
    REQUIRE(server_.start().ok());
  }
  ~ScriptedS3() {
    release();
    server_.stop();
  }

  // Answers the next requests in order, one script entry each; `fallback` after that.
  void script(std::vector<Handler> steps) {
    std::lock_guard lock(mu_);
    for (auto& s : steps) steps_.push_back(std::move(s));
  }
  void fallback(Handler h) {
    std::lock_guard lock(mu_);
    fallback_ = std::move(h);
  }
  std::vector<http::Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  size_t request_count() {
    std::lock_guard lock(mu_);
    return requests_.size();
  }
  // Handlers made by hang() return once this is called (or the server goes).
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  Handler hang() {
    return [this](const http::Request&) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return released_; });
      return http::Response::text(200, "too late");
    };
  }

  uint16_t port() const { return server_.port(); }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port()); }

  objstore::S3Config config(std::string bucket = "test-bucket") const {
    objstore::S3Config c;
    c.endpoint = endpoint();
    c.region = "us-east-1";
    c.bucket = std::move(bucket);
    c.access_key_id = "AKIDTEST";
    c.secret_access_key = "secret/with+chars";
    c.retry = {4, 100, 1000};
    c.request_timeout_ms = 10'000;
    return c;
  }

 private:
  static http::ServerOptions options() {
    http::ServerOptions o;
    o.threads = 4;
    o.shutdown_timeout = std::chrono::milliseconds(2000);
    return o;
  }
  http::Response answer(const http::Request& r) {
    Handler h;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
      if (!steps_.empty()) {
        h = std::move(steps_.front());
        steps_.pop_front();
      } else {
        h = fallback_;
      }
    }
    if (!h) return http::Response::text(500, "no script left");
    return h(r);
  }

  http::Server server_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::deque<Handler> steps_;
  Handler fallback_;
  std::vector<http::Request> requests_;
};

inline http::Response s3_error(int status, const std::string& code, const std::string& message = "scripted") {
  http::Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/xml");
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message +
           "</Message><RequestId>REQ123</RequestId></Error>";
  return r;
}

inline ScriptedS3::Handler answer_with(http::Response r) {
  return [r](const http::Request&) { return r; };
}

// A TCP listener on 127.0.0.1 that handles each connection with the next script entry, given
// the socket after one request (header and Content-Length body) has been read from it.
class RawServer {
 public:
  using Step = std::function<void(int fd)>;

  explicit RawServer(std::vector<Step> steps) : steps_(std::move(steps)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~RawServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  uint16_t port() const { return port_; }
  int connections() const { return connections_; }

  // Steps.
  static void reset(int fd) {
    linger l{1, 0};  // close with RST
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  static Step reply(std::string raw) {
    return [raw](int fd) { (void)::send(fd, raw.data(), raw.size(), MSG_NOSIGNAL); };
  }
  // Announces `announced` bytes, sends `sent` of them, and closes.
  static Step truncated(size_t announced, size_t sent) {
    return reply("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(announced) + "\r\n\r\n" + std::string(sent, 'x'));
  }

 private:
  static void read_request(int fd) {
    std::string buf;
    char tmp[4096];
    size_t header_end = std::string::npos;
    while (header_end == std::string::npos) {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return;
      buf.append(tmp, static_cast<size_t>(n));
      header_end = buf.find("\r\n\r\n");
    }
    size_t length = 0;
    size_t at = buf.find("ontent-Length: ");
    if (at == std::string::npos) at = buf.find("ontent-length: ");
    if (at != std::string::npos && at < header_end) length = std::stoul(buf.substr(at + 15));
    while (buf.size() < header_end + 4 + length) {
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return;
      buf.append(tmp, static_cast<size_t>(n));
    }
  }
  void run() {
    for (size_t i = 0;; ++i) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      if (stopping_) {
        ::close(c);
        return;
      }
      ++connections_;
      read_request(c);
      if (i < steps_.size()) steps_[i](c);
      ::close(c);
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::vector<Step> steps_;
  std::atomic<int> connections_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Advances `clock` by a minute whenever a thread waits on it, until destroyed. (A sleeper that
// has not woken yet may get a second push: harmless, time only moves on.)
class ClockPusher {
 public:
  explicit ClockPusher(util::FakeClock& clock) : clock_(clock) {
    thread_ = std::thread([this] {
      while (!done_) {
        if (clock_.wait_for_sleepers(1, 20)) clock_.advance(60'000'000'000);
      }
    });
  }
  ~ClockPusher() {
    done_ = true;
    thread_.join();
  }

 private:
  util::FakeClock& clock_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace objstore_test
