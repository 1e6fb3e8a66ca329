// WebSocketClient over Boost.Beast. Every operation is asynchronous on a private io_context that
// the calling thread runs until the operation completes, so a signal (through an Asio
// signal_set) can end any wait, including DNS resolution and the TLS handshake, without races
// between checking a flag and blocking in a system call.
#include <utility>  // before Asio: Boost 1.74 with g++ 12 needs it

// As in lib/http/server.cpp: Beast 1.74 asserts wrongly when a websocket read is resumed with a
// timeout error (here: a close handshake timing out while a read is pending).
#define BOOST_DISABLE_ASSERTS 1

#include "logcli/websocket_client.h"
#include "util/strings.h"

#include <signal.h>

#include <chrono>
#include <optional>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace logcli {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr uint64_t kMaxMessageBytes = 64ull << 20;
constexpr auto kConnectTimeout = std::chrono::seconds(30);
// Bounds the opening handshake and our closing handshake; the tail itself may idle for hours.
constexpr auto kHandshakeTimeout = std::chrono::seconds(30);

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

class WebSocketClient::Impl {
 public:
  explicit Impl(bool stop_on_signals) {
    if (!stop_on_signals) return;
    signals.emplace(ioc, SIGINT, SIGTERM);
    wait_for_signal();
  }

  ~Impl() { drop_connection(); }

  util::Status connect(const WebSocketTarget& target, const std::vector<std::string>& headers,
                       const ClientOptions& tls) {
    if (!target.tls) {
      plain = std::make_unique<PlainWs>(ioc);
      return connect_ws(*plain, target, headers, tls);
    }
    if (auto st = make_tls_context(tls); !st.ok()) return st;
    secure = std::make_unique<TlsWs>(ioc, *ssl_ctx);
    return connect_ws(*secure, target, headers, tls);
  }

  util::Result<std::string> read_message(bool& closed) {
    if (plain) return read_ws(*plain, closed);
    if (secure) return read_ws(*secure, closed);
    return util::Error{"not connected"};
  }

  void close() {
    if (plain) close_ws(*plain);
    if (secure) close_ws(*secure);
  }

  std::string close_reason;

 private:
  // The first signal ends the current wait (and the caller closes politely); a second one also
  // drops the connection, for a server that does not answer the close.
  void wait_for_signal() {
    signals->async_wait([this](beast::error_code ec, int) {
      if (ec) return;
      if (interrupted) drop_connection();
      interrupted = true;
      wait_for_signal();
    });
  }

  void drop_connection() {
    beast::error_code ignored;
    if (plain) beast::get_lowest_layer(*plain).socket().close(ignored);
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
  }

  // Runs handlers until `done`, or until a signal arrived (unless `even_if_interrupted`).
  void run_until(const bool& done, bool even_if_interrupted = false) {
    ioc.restart();
    while (!done && (even_if_interrupted || !interrupted)) {
      if (ioc.run_one() == 0) break;
    }
  }

  util::Status make_tls_context(const ClientOptions& tls) {
    ssl_ctx.emplace(net::ssl::context::tls_client);
    beast::error_code ec;
    if (!tls.ca_cert.empty()) {
      ssl_ctx->load_verify_file(tls.ca_cert, ec);
      if (ec) return util::Error{"cannot load the CA certificate " + tls.ca_cert + ": " + ec.message()};
    } else {
      ssl_ctx->set_default_verify_paths(ec);
    }
    if (!tls.cert.empty()) {
      ssl_ctx->use_certificate_chain_file(tls.cert, ec);
      if (ec) return util::Error{"cannot load the client certificate " + tls.cert + ": " + ec.message()};
    }
    if (!tls.key.empty()) {
      ssl_ctx->use_private_key_file(tls.key, net::ssl::context::pem, ec);
      if (ec) return util::Error{"cannot load the client key " + tls.key + ": " + ec.message()};
    }
    ssl_ctx->set_verify_mode(tls.tls_skip_verify ? net::ssl::verify_none : net::ssl::verify_peer);
    return {};
  }

  template <class Ws>
  util::Status connect_ws(Ws& ws, const WebSocketTarget& t, const std::vector<std::string>& headers,
                          const ClientOptions& tls) {
    auto& tcp_stream = beast::get_lowest_layer(ws);
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    bool done = false;
    beast::error_code ec;
    resolver.async_resolve(t.host, t.port, [&](beast::error_code e, tcp::resolver::results_type r) {
      ec = e;
      endpoints = std::move(r);
      done = true;
    });
    run_until(done);
    if (interrupted) return util::cancelled("interrupted");
    if (ec) return util::Error{"cannot resolve " + t.host + ": " + ec.message()};

    done = false;
    tcp_stream.expires_after(kConnectTimeout);
    tcp_stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    run_until(done);
    if (interrupted) return util::cancelled("interrupted");
    if (ec) return util::Error{"cannot connect to " + t.host + ":" + t.port + ": " + ec.message()};

    if constexpr (std::is_same_v<Ws, TlsWs>) {
      SSL* ssl = ws.next_layer().native_handle();
      const bool ip = is_ip_address(t.host);
      // SNI carries names only; the certificate must name the host (or IP) we dialled.
      if (!ip) SSL_set_tlsext_host_name(ssl, t.host.c_str());
      if (!tls.tls_skip_verify) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (ip) {
          X509_VERIFY_PARAM_set1_ip_asc(param, t.host.c_str());
        } else {
          X509_VERIFY_PARAM_set1_host(param, t.host.c_str(), 0);
        }
      }
      done = false;
      ws.next_layer().async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) {
        ec = e;
        done = true;
      });
      run_until(done);
      if (interrupted) return util::cancelled("interrupted");
      if (ec) return util::Error{"TLS handshake with " + t.host + ":" + t.port + " failed: " + ec.message()};
    } else {
      (void)tls;
    }

    tcp_stream.expires_never();  // the websocket stream keeps its own timers from here on
    websocket::stream_base::timeout timeouts{kHandshakeTimeout, websocket::stream_base::none(), false};
    ws.set_option(timeouts);
    ws.read_message_max(kMaxMessageBytes);
    ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& h : headers) {
        size_t colon = h.find(':');
        if (colon == std::string::npos) continue;
        req.set(std::string(util::trim(h.substr(0, colon))), std::string(util::trim(h.substr(colon + 1))));
      }
    }));
    std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    websocket::response_type res;
    done = false;
    ws.async_handshake(res, host + ":" + t.port, t.target, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    run_until(done);
    if (interrupted) return util::cancelled("interrupted");
    if (ec == websocket::error::upgrade_declined) {
      return util::Error{"Error response from server: " + std::string(util::trim(res.body())) + " (" + std::to_string(res.result_int()) +
                         " " + std::string(res.reason()) + ")"};
    }
    if (ec) return util::Error{"WebSocket handshake failed: " + ec.message()};
    upgraded = true;
    return {};
  }

  template <class Ws>
  util::Result<std::string> read_ws(Ws& ws, bool& closed) {
    closed = false;
    if (finished) return util::Error{"the connection is closed"};
    if (!read_pending) {  // after an interruption the earlier read may still be running
      buffer.clear();
      read_done = false;
      read_pending = true;
      ws.async_read(buffer, [this](beast::error_code e, size_t) {
        read_ec = e;
        read_done = true;
        read_pending = false;
      });
    }
    run_until(read_done);
    if (interrupted) return util::cancelled("interrupted");
    if (read_ec == websocket::error::closed) {
      closed = true;
      finished = true;
      close_reason = std::string(ws.reason().reason.c_str());
      return std::string();
    }
    if (read_ec == websocket::error::message_too_big) return util::Error{"WebSocket message too large"};
    if (read_ec == beast::http::error::end_of_stream || read_ec == net::error::eof)
      return util::Error{"the server closed the connection"};
    if (read_ec) return util::Error{"error reading the stream: " + read_ec.message()};
    return beast::buffers_to_string(buffer.data());
  }

  template <class Ws>
  void close_ws(Ws& ws) {
    if (!upgraded || finished) return;
    finished = true;
    bool done = false;
    // Allowed while a read is pending: the read then ends with the server's closing answer.
    ws.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    run_until(done, true);
  }

  net::io_context ioc;
  std::optional<net::signal_set> signals;
  std::optional<net::ssl::context> ssl_ctx;
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> secure;
  beast::flat_buffer buffer;
  beast::error_code read_ec;
  bool read_done = false, read_pending = false;
  bool interrupted = false;
  bool upgraded = false;  // the opening handshake succeeded
  bool finished = false;  // closed by either side
};

util::Result<WebSocketTarget> websocket_target(const std::string& addr, const std::string& path,
                                               const std::string& query) {
  WebSocketTarget t;
  std::string rest;
  std::string default_port;
  for (const auto& [scheme, tls, port] : {std::tuple<const char*, bool, const char*>{"http://", false, "80"},
                                          {"ws://", false, "80"},
                                          {"https://", true, "443"},
                                          {"wss://", true, "443"}}) {
    std::string_view s(scheme);
    if (addr.compare(0, s.size(), s) == 0) {
      rest = addr.substr(s.size());
      t.tls = tls;
      default_port = port;
      break;
    }
  }
  if (default_port.empty()) return util::Error{"invalid address \"" + addr + "\": expected http[s]://host[:port]"};
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

WebSocketClient::WebSocketClient(bool stop_on_signals) : impl_(std::make_unique<Impl>(stop_on_signals)) {}

WebSocketClient::~WebSocketClient() = default;

util::Status WebSocketClient::connect(const WebSocketTarget& target, const std::vector<std::string>& headers,
                                      const ClientOptions& tls) {
  return impl_->connect(target, headers, tls);
}

util::Result<std::string> WebSocketClient::read_message(bool& closed) { return impl_->read_message(closed); }

const std::string& WebSocketClient::close_reason() const { return impl_->close_reason; }

void WebSocketClient::close() { impl_->close(); }

}  // namespace logcli
