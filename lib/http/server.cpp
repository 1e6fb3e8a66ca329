// Server implementation: every Boost.Beast/Asio use of lib/http lives in this file.
//
// One HttpSession per connection, its operations serialized on a strand; WebSocket connections
// become a WsSession (strand too) driven by a dedicated handler thread through the
// http::WebSocket interface. Both are templates over the byte stream, plain TCP or TLS over TCP
// (OpenSSL via Beast's ssl_stream), so HTTPS serves the same code paths as HTTP.
#include <utility>  // before Asio: Boost 1.74 with g++ 12 needs it

// Beast 1.74's websocket read asserts that a read resumed after suspension can only fail with
// operation_aborted, but a timeout legitimately arrives there too (fixed in later Boost). The
// code path handles the error correctly; only the assertion is wrong, so Boost asserts are off
// in this translation unit (as they are in any NDEBUG build).
#define BOOST_DISABLE_ASSERTS 1

#include "http/server.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <poll.h>
#include <sys/resource.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <openssl/ssl.h>

#include "http/body_decoder.h"
#include "http/url.h"

namespace http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

namespace {

struct Route {
  std::string method;
  std::string path;
  bool prefix;
  Handler handler;
};

}  // namespace

class Session {
 public:
  virtual ~Session() = default;
  // Posts the session's reaction to Server::stop() onto its own strand.
  virtual void post_server_stop() = 0;
  // Posts a close of the connection if it is still waiting for a request (connection cap).
  virtual void post_close_if_idle() {}
  // Steady-clock ns since when the connection waits for a request's first byte; 0 while a
  // request is read or handled, or for a WebSocket. Read by the acceptor from any thread.
  std::atomic<int64_t> idle_since_ns{0};
};

namespace {
int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

class Server::Impl {
 public:
  explicit Impl(ServerOptions o) : options(std::move(o)), acceptor(ioc) {}

  ServerOptions options;
  std::vector<Route> routes;
  struct WsRoute {
    WebSocketHandler handler;
    WebSocketAccept accept;  // may be empty
  };
  std::map<std::string, WsRoute, std::less<>> ws_routes;

  // Declared before the io_context so that they outlive it: handlers the io_context destroys
  // when it goes own sessions, whose destructors deregister from `sessions` under `mu`.
  std::mutex mu;  // guards sessions, ws_threads
  std::condition_variable sessions_cv;
  std::map<Session*, std::weak_ptr<Session>> sessions;
  // A WebSocket handler's thread and whether it has returned: finished ones are joined when the
  // next one starts, so a server that saw many tails does not keep their stacks.
  struct WsThread {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<WsThread> ws_threads;

  // WebSockets upgraded and not finished (max_websockets): a slot is held from the upgrade
  // decision until the handler's thread is done.
  std::atomic<size_t> open_websockets{0};
  struct WebSocketSlot {
    explicit WebSocketSlot(std::atomic<size_t>& n) : open(n) {}
    ~WebSocketSlot() { open.fetch_sub(1); }
    std::atomic<size_t>& open;
  };
  std::shared_ptr<WebSocketSlot> reserve_websocket() {
    if (open_websockets.fetch_add(1) >= options.max_websockets && options.max_websockets != 0) {
      open_websockets.fetch_sub(1);
      return nullptr;
    }
    return std::make_shared<WebSocketSlot>(open_websockets);
  }

  // Under mu: takes out the handler threads that have returned, to be joined once mu is
  // released (a finishing thread may still drop the last reference to its session, whose
  // destructor takes mu).
  std::vector<std::thread> take_finished_ws_threads_locked() {
    std::vector<std::thread> finished;
    std::erase_if(ws_threads, [&](WsThread& t) {
      if (!t.done->load()) return false;
      finished.push_back(std::move(t.thread));
      return true;
    });
    return finished;
  }

  size_t max_connections = 0;  // set by start(); guarded by mu with accept_paused
  bool accept_paused = false;   // at the cap: the next session to end resumes accepting
  bool backlog_watched = false; // an async_wait for a waiting connection is pending
  std::atomic<bool> room_wanted{false};  // paused with a connection waiting: the next idle one goes

  net::io_context ioc;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry{ioc};  // backs off accepting when out of descriptors
  std::chrono::milliseconds accept_backoff{0};  // acceptor-only
  std::optional<net::ssl::context> ssl_ctx;  // set by start() when options.tls is enabled
  std::vector<std::thread> threads;
  std::atomic<uint16_t> bound_port{0};
  std::atomic<bool> stopping{false};
  bool started = false;

  void add_session(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(mu);
    sessions.emplace(s.get(), s);
  }
  void remove_session(Session* s) {
    bool resume = false;
    {
      std::lock_guard lock(mu);
      sessions.erase(s);
      sessions_cv.notify_all();
      if (accept_paused && sessions.size() < max_connections && !stopping) {
        accept_paused = false;
        room_wanted = false;
        resume = true;
      }
    }
    if (resume) net::post(ioc, [this] { do_accept(); });
  }
  void do_accept();
  // At the cap with a connection waiting to be accepted: closes the connection idle the longest
  // (waiting for a request since connect, or between keep-alive requests), if there is one.
  void make_room();
  void on_accepted(tcp::socket socket);
  void report(std::string_view what) const {
    if (options.on_internal_error) options.on_internal_error(what);
  }
  // One I/O thread: an exception escaping a completion handler (a bug, or a library throwing
  // where it should have returned an error) ends that handler and so its connection, whose
  // session it owned; the thread reports it and goes back to serving the others.
  void run_io_thread() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        report(std::string("exception in an HTTP connection handler: ") + e.what());
      } catch (...) {
        report("unknown exception in an HTTP connection handler");
      }
    }
  }
  Response dispatch(const Request& req) const;
  Gate gate;
  std::optional<Response> run_gate(const Request& req) const {
    if (!gate) return std::nullopt;
    try {
      return gate(req);
    } catch (const std::exception& e) {
      return Response::text(500, std::string("internal error: ") + e.what() + "\n");
    }
  }
};

namespace {

// --- WebSocket -------------------------------------------------------------------------------

constexpr size_t kMaxClientMessage = 64 << 10;  // bytes of one message from the client
constexpr size_t kMaxInbox = 64;                // client messages waiting for the handler

template <class Stream>
class WsSession : public Session, public WebSocket, public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  using std::enable_shared_from_this<WsSession<Stream>>::shared_from_this;
  WsSession(Server::Impl& server, Stream stream) : server_(server), ws_(std::move(stream)) {}
  ~WsSession() override { server_.remove_session(this); }

  void run(bhttp::request<bhttp::string_body> upgrade, Request request, WebSocketHandler handler,
           std::shared_ptr<Server::Impl::WebSocketSlot> slot) {
    server_.add_session(shared_from_this());
    beast::get_lowest_layer(ws_).expires_never();
    // Nothing a client says to a logd WebSocket needs more (the tail ignores what it is sent);
    // Beast's default would let each message take 16 MB.
    ws_.read_message_max(kMaxClientMessage);
    // Pings after 30 s of silence, drops a peer that does not answer; a closing handshake the
    // peer never completes is abandoned after 5 s (it would otherwise hold up stop()).
    websocket::stream_base::timeout timeouts{std::chrono::seconds(5), std::chrono::seconds(60), true};
    ws_.set_option(timeouts);
    // The read loop only completes after the closing handshake and TCP teardown, which waits for
    // the peer; the handler should stop as soon as the peer asks to close.
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::close) {
        open_ = false;
        inbox_cv_.notify_all();
      }
    });
    upgrade_ = std::move(upgrade);
    ws_.async_accept(upgrade_, [self = shared_from_this(), request = std::move(request), handler = std::move(handler),
                                slot = std::move(slot)](beast::error_code ec) mutable {
      if (ec) return;
      self->open_ = true;
      self->do_read();
      std::vector<std::thread> finished;
      {
        std::lock_guard lock(self->server_.mu);
        finished = self->server_.take_finished_ws_threads_locked();
        auto done = std::make_shared<std::atomic<bool>>(false);
        std::thread t([self, done, request = std::move(request), handler = std::move(handler),
                       slot = std::move(slot)]() mutable {
          try {
            handler(request, *self);
            self->close(1000, {});
          } catch (...) {
            self->close(1011, "internal error");
          }
          self.reset();
          slot.reset();
          *done = true;
        });
        self->server_.ws_threads.push_back({std::move(t), std::move(done)});
      }
      for (auto& t : finished) t.join();
    });
  }

  bool send_text(std::string_view message) override {
    if (!open_) return false;
    auto done = std::make_shared<std::promise<bool>>();
    auto result = done->get_future();
    net::post(ws_.get_executor(), [self = shared_from_this(), msg = std::string(message), done]() mutable {
      if (!self->open_ || self->closing_) return done->set_value(false);
      self->outbox_.push_back({std::move(msg), std::move(done)});
      if (!self->writing_) self->do_write();
    });
    // A client that stops reading stalls the write once the socket buffers are full; past the
    // write timeout the connection is dropped (the handler sees false and ends), rather than
    // holding the handler, its thread and what it buffers for as long as the client likes.
    auto timeout = server_.options.write_timeout;
    if (timeout.count() > 0 && result.wait_for(timeout) != std::future_status::ready) {
      net::post(ws_.get_executor(), [self = shared_from_this()] { self->abort(); });
      return false;
    }
    return result.get();
  }

  std::optional<std::string> receive(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(inbox_mu_);
    inbox_cv_.wait_for(lock, timeout, [&] { return !inbox_.empty() || !open_; });
    if (inbox_.empty()) return std::nullopt;
    std::string m = std::move(inbox_.front());
    inbox_.pop_front();
    return m;
  }

  void close(int code, std::string_view reason) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::string(reason)] {
      self->start_close(code, reason);
    });
  }

  bool is_open() const override { return open_; }

  void post_server_stop() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->start_close(1001, "server shutting down"); });
  }

 private:
  struct Outgoing {
    std::string message;
    std::shared_ptr<std::promise<bool>> done;
  };

  void do_read() {
    ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->on_closed();
      {
        std::lock_guard lock(self->inbox_mu_);
        if (self->inbox_.size() < kMaxInbox) self->inbox_.push_back(beast::buffers_to_string(self->read_buffer_.data()));
      }
      self->inbox_cv_.notify_all();
      self->read_buffer_.consume(self->read_buffer_.size());
      self->do_read();
    });
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(outbox_.front().message), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->outbox_.front().done->set_value(!ec);
      self->outbox_.pop_front();
      self->writing_ = false;
      if (ec || !self->open_) return self->on_closed();
      if (!self->outbox_.empty()) return self->do_write();
      if (self->close_pending_) self->start_close(self->close_code_, self->close_reason_);
    });
  }

  void start_close(int code, const std::string& reason) {
    if (!open_ || closing_) return;
    if (writing_) {  // Beast allows no close while a write is in progress
      close_pending_ = true;
      close_code_ = code;
      close_reason_ = reason;
      return;
    }
    closing_ = true;
    open_ = false;  // the handler stops now; the handshake finishes in the background
    inbox_cv_.notify_all();
    websocket::close_reason cr(static_cast<websocket::close_code>(code), reason);
    ws_.async_close(cr, [self = shared_from_this()](beast::error_code) { self->on_closed(); });
  }

  // Drops the connection without a closing handshake (a peer that does not read would never
  // complete one); the write in flight fails and on_closed() follows.
  void abort() {
    open_ = false;
    closing_ = true;
    inbox_cv_.notify_all();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(ws_).close();
  }

  void on_closed() {
    open_ = false;
    // The frame being written (if any) is failed by its own completion handler.
    size_t keep = writing_ ? 1 : 0;
    while (outbox_.size() > keep) {
      outbox_.back().done->set_value(false);
      outbox_.pop_back();
    }
    inbox_cv_.notify_all();
  }

  Server::Impl& server_;
  websocket::stream<Stream> ws_;
  bhttp::request<bhttp::string_body> upgrade_;
  beast::flat_buffer read_buffer_;
  std::atomic<bool> open_{false};
  bool closing_ = false, writing_ = false, close_pending_ = false;  // strand-only
  int close_code_ = 1000;
  std::string close_reason_;
  std::deque<Outgoing> outbox_;  // strand-only
  std::mutex inbox_mu_;
  std::condition_variable inbox_cv_;
  std::deque<std::string> inbox_;
};

// --- HTTP ------------------------------------------------------------------------------------

// The read buffer holds a request's whole header (or trailer) section at once, so its bound is
// the header limit. Beast cannot store a field longer than 65,533 bytes and throws on one; with
// at most 65,536 buffered bytes no header or trailer field can get that long (a field needs its
// name, ": ", CRLF and the blank line around it), so oversized ones fail as buffer_overflow or
// header_limit and are answered 431 instead.
constexpr size_t kMaxHeaderSection = 65536;

template <bool kTls>
class HttpSession : public Session, public std::enable_shared_from_this<HttpSession<kTls>> {
 public:
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;
  using std::enable_shared_from_this<HttpSession<kTls>>::shared_from_this;

  HttpSession(Server::Impl& server, tcp::socket socket)
      : server_(server),
        stream_(make_stream(server, std::move(socket))),
        buffer_(std::min(server.options.max_header_bytes, kMaxHeaderSection)),
        accepted_at_(std::chrono::steady_clock::now()) {}
  ~HttpSession() override { server_.remove_session(this); }

  void start() {
    idle_since_ns = steady_now_ns();
    server_.add_session(shared_from_this());
    beast::error_code ec;
    auto ep = tcp().socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if constexpr (kTls) {
        self->detect_tls();
      } else {
        self->wait_request();
      }
    });
  }

  void post_server_stop() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ && !self->upgraded_) self->close_now();  // a next request would not be served
    });
  }

  void post_close_if_idle() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ && !self->upgraded_) self->close_now();
    });
  }

 private:
  static Stream make_stream(Server::Impl& server, tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(beast::tcp_stream(std::move(socket)), *server.ssl_ctx);
    } else {
      return Stream(std::move(socket));
    }
  }
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // The deadline `timeout` after `from`; a zero timeout is none, as in Go's http.Server.
  void expire(std::chrono::steady_clock::time_point from, std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0) {
      tcp().expires_never();
    } else {
      tcp().expires_at(from + timeout);
    }
  }

  void close_now() {
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp().close();
  }

  void set_idle(bool idle) {
    idle_ = idle;
    idle_since_ns.store(idle ? steady_now_ns() : 0, std::memory_order_relaxed);
    if (idle && server_.room_wanted) server_.make_room();
  }

  // TLS: the first bytes decide. A client speaking plain HTTP gets Go's answer (400 and a
  // sentence saying why) rather than a handshake failure it cannot explain; any failure ends
  // this connection only. The handshake counts against the first request's read deadline.
  void detect_tls() {
    set_idle(true);  // stop() or the connection cap may close a connection that sent nothing yet
    expire(accepted_at_, server_.options.read_timeout);
    beast::async_detect_ssl(tcp(), buffer_, [self = shared_from_this()](beast::error_code ec, bool is_tls) {
      if (ec) return self->tcp().close();
      if (!is_tls) return self->reject_plain_http();
      self->handshake();
    });
  }

  void handshake() {
    if constexpr (kTls) {
      set_idle(false);
      stream_.async_handshake(net::ssl::stream_base::server, buffer_.data(),
                              [self = shared_from_this()](beast::error_code ec, size_t used) {
                                if (ec) return self->tcp().close();
                                self->buffer_.consume(used);
                                self->tls_ready_ = true;
                                self->wait_request();
                              });
    }
  }

  void reject_plain_http() {
    set_idle(false);
    static const std::string kAnswer =
        "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
        "Client sent an HTTP request to an HTTPS server.\n";
    expire(std::chrono::steady_clock::now(), server_.options.write_timeout);
    net::async_write(tcp(), net::buffer(kAnswer), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->tcp().close();
      self->linger_close();
    });
  }

  // Deadlines as Go's http.Server keeps them: a new connection's first request must be read in
  // full (header and body) within read_timeout of the accept; between keep-alive requests the
  // connection may wait idle_timeout for the next request's first byte, which then starts
  // read_timeout for that request. A client trickling a header byte by byte, or sending nothing,
  // is closed at the deadline rather than kept open.
  void wait_request() {
    if (server_.stopping) return tcp().close();
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(std::min(server_.options.max_header_bytes, kMaxHeaderSection)));
    if (buffer_.size() > 0) return begin_request();  // pipelined: the next request is here already
    set_idle(true);
    if (first_request_) {
      expire(accepted_at_, server_.options.read_timeout);
    } else {
      expire(std::chrono::steady_clock::now(), server_.options.idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(std::min<size_t>(4096, buffer_.max_size())),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) {
                                self->set_idle(false);
                                return self->on_read_error(ec);
                              }
                              self->begin_request();
                            });
  }

  void begin_request() {
    set_idle(false);
    request_started_ = first_request_ ? accepted_at_ : std::chrono::steady_clock::now();
    first_request_ = false;
    expire(request_started_, server_.options.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->on_header(ec);
    });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    // Go's net/http, which Loki's server is, requires Host on HTTP/1.1 (RFC 9112 3.2) and takes
    // "chunked" as the only transfer coding: anything else would leave the body's length to
    // Content-Length, which a proxy in front may have read differently (request smuggling).
    size_t hosts = req.count(bhttp::field::host);
    if (hosts == 0 && req.version() >= 11) return send_error(400, "missing required Host header");
    if (hosts > 1) return send_error(400, "too many Host headers");
    if (req.count(bhttp::field::transfer_encoding) > 0) {
      size_t codings = 0;
      bool chunked_only = req.version() >= 11;
      for (const auto& f : req) {
        if (f.name() != bhttp::field::transfer_encoding) continue;
        for (auto coding : bhttp::token_list(f.value())) {
          ++codings;
          chunked_only = chunked_only && beast::iequals(coding, "chunked");
        }
      }
      if (!chunked_only || codings != 1) return send_error(501, "Unsupported transfer encoding");
    }
    if (bhttp::token_list(req[bhttp::field::expect]).exists("100-continue") && !parser_->is_done()) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      expire(std::chrono::steady_clock::now(), server_.options.write_timeout);
      net::async_write(stream_, net::buffer(kContinue), [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->tcp().close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    expire(request_started_, server_.options.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->on_read_error(ec);
      self->on_request();
    });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return send_error(413, "request body too large: limit " + std::to_string(server_.options.max_body_bytes) + " bytes");
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return send_error(431, "request header fields too large");
    }
    if (ec == bhttp::error::bad_transfer_encoding) return send_error(501, "Unsupported transfer encoding");
    if (ec.category() == beast::error_code(bhttp::error::end_of_stream).category() && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return send_error(400, "malformed HTTP request: " + ec.message());
    }
    // end of stream, timeout, reset, cancelled by stop(): nothing to answer.
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp().close();
  }

  void on_request() {
    auto breq = parser_->release();
    if (websocket::is_upgrade(breq)) {
      std::string_view target(breq.target().data(), breq.target().size());
      auto path = percent_decode(target.substr(0, target.find('?')), false);
      auto it = path ? server_.ws_routes.find(*path) : server_.ws_routes.end();
      if (it == server_.ws_routes.end()) return send_error(404, "404 page not found");
      Request req = to_request(breq);
      req.path = std::move(*path);
      size_t q = req.target.find('?');
      if (q != std::string::npos) {
        auto query = parse_query(std::string_view(req.target).substr(q + 1));
        if (!query) return send_error(400, query.error());
        req.query = std::move(*query);
      }
      if (auto refusal = server_.run_gate(req)) return write(std::move(*refusal), false);
      if (it->second.accept) {
        // Refused before the upgrade: a plain HTTP answer (401 without an org ID, 400 for a bad
        // query), as Loki's middleware and tail handler answer before upgrading.
        std::optional<Response> refusal;
        try {
          refusal = it->second.accept(req);
        } catch (const std::exception& e) {
          refusal = Response::text(500, std::string("internal error: ") + e.what() + "\n");
        }
        if (refusal) return write(std::move(*refusal), false);
      }
      // Each WebSocket has a thread of its own: past the cap, refused before one is started.
      auto slot = server_.reserve_websocket();
      if (!slot) {
        return write(Response::text(503, "too many open WebSocket connections: the limit is " +
                                             std::to_string(server_.options.max_websockets) + " (" +
                                             server_.options.max_websockets_key + ")\n"),
                     false);
      }
      upgraded_ = true;
      auto ws = std::make_shared<WsSession<Stream>>(server_, std::move(stream_));
      ws->run(std::move(breq), std::move(req), it->second.handler, std::move(slot));
      return;
    }
    keep_alive_ = breq.keep_alive();
    Request req = to_request(breq);
    // The handler blocks this connection's strand, so nothing else reads the socket meanwhile:
    // a peer that closed shows as POLLRDHUP (FIN) or an error, pipelined data as plain POLLIN.
    req.client_gone = [fd = tcp().socket().native_handle()] {
      pollfd p{fd, POLLRDHUP, 0};
      return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
    };
    Response res;
    size_t q = req.target.find('?');
    auto query = parse_query(q == std::string::npos ? std::string_view{} : std::string_view(req.target).substr(q + 1));
    auto path = percent_decode(std::string_view(req.target).substr(0, q), false);
    if (!query || !path) {
      res = Response::text(400, (query ? path.error() : query.error()) + "\n");
    } else {
      req.query = std::move(*query);
      req.path = std::move(*path);
      // The gate (authentication) answers before a compressed body costs any decoding.
      if (auto refusal = server_.run_gate(req)) return write(std::move(*refusal), keep_alive_ && !server_.stopping);
      if (std::string_view enc = req.headers.get_or("Content-Encoding", ""); !enc.empty() && is_decodable_encoding(enc)) {
        const size_t bound = server_.options.max_decoded_body_for ? server_.options.max_decoded_body_for(req)
                                                                  : server_.options.max_decoded_body_bytes;
        auto decoded = decode_content(enc, req.body, bound);
        if (!decoded.ok()) return send_error(util::http_status_of(decoded.code()), decoded.error());
        req.body = std::move(*decoded);
        req.headers.erase("Content-Encoding");  // the handler sees the identity body
      }
      try {
        res = server_.dispatch(req);
      } catch (const std::exception& e) {
        res = Response::text(500, std::string("internal error: ") + e.what() + "\n");
      } catch (...) {
        res = Response::text(500, "internal error\n");
      }
    }
    write(std::move(res), keep_alive_ && !server_.stopping);
  }

  Request to_request(const bhttp::request<bhttp::string_body>& b) {
    Request r;
    r.method = std::string(b.method_string());
    r.target = std::string(b.target());
    for (const auto& f : b) r.headers.add(std::string(f.name_string()), std::string(f.value()));
    r.body = b.body();
    r.remote_address = remote_;
    return r;
  }

  void send_error(int status, std::string message) {
    // The request may be unread (body too large, garbage): answer, then close without reading on.
    write(Response::text(status, std::move(message) + "\n"), false);
  }

  static std::shared_ptr<bhttp::response<bhttp::string_body>> to_beast(Response& res, bool keep_alive) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->result(static_cast<unsigned>(res.status));
    out->reason(std::string(reason_phrase(res.status)));
    out->version(11);
    for (auto& [n, v] : res.headers.fields()) out->insert(n, v);  // throws on a field Beast cannot hold
    out->body() = std::move(res.body);
    out->keep_alive(keep_alive);
    out->prepare_payload();
    return out;
  }

  void write(Response res, bool keep_alive) {
    std::shared_ptr<bhttp::response<bhttp::string_body>> out;
    try {
      out = to_beast(res, keep_alive);
    } catch (const std::exception& e) {
      server_.report(std::string("unsendable response: ") + e.what());
      Response failed = Response::text(500, "internal error: the response could not be encoded\n");
      keep_alive = false;
      out = to_beast(failed, false);
    }
    expire(std::chrono::steady_clock::now(), server_.options.write_timeout);
    bhttp::async_write(stream_, *out, [self = shared_from_this(), out, keep_alive](beast::error_code ec, size_t) {
      if (ec) return self->tcp().close();
      if (keep_alive) return self->wait_request();
      self->linger_close();
    });
  }

  // Closing a socket with unread request bytes makes the kernel send a reset, which can destroy
  // the response before the client reads it. So: stop sending, drain for a while, then close.
  // Over TLS the stop is a close_notify (TLS's end of data), answered or not within 2 s.
  void linger_close() {
    if constexpr (kTls) {
      if (tls_ready_) {
        tcp().expires_after(std::chrono::seconds(2));
        stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->tcp().close(); });
        return;
      }
    }
    beast::error_code ec;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return tcp().close();
    tcp().expires_after(std::chrono::seconds(2));
    drained_ = 0;
    drain();
  }
  void drain() {
    tcp().async_read_some(net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > (1u << 20)) return self->tcp().close();
      self->drain();
    });
  }

  Server::Impl& server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  const std::chrono::steady_clock::time_point accepted_at_;
  std::chrono::steady_clock::time_point request_started_;  // read_timeout counts from here
  bool first_request_ = true;  // the connection's first request: its deadline counts from the accept
  bool keep_alive_ = false;
  bool idle_ = false;      // strand-only: waiting for a request's first byte
  bool upgraded_ = false;  // the socket now belongs to a WsSession
  bool tls_ready_ = false;  // the TLS handshake is done (TLS only)
  char drain_buf_[8192];
  size_t drained_ = 0;
};

// The server's TLS context: certificate and key, the client certificate policy (Go's
// tls.ClientAuthType in OpenSSL's terms) and the minimum protocol version.
util::Result<net::ssl::context> make_tls_context(const TlsOptions& tls) {
  if (auto st = validate(tls, "TLS"); !st.ok()) return st.status_error();
  net::ssl::context ctx(net::ssl::context::tls_server);
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::single_dh_use);
  beast::error_code ec;
  ctx.use_certificate_chain_file(tls.cert_file, ec);
  if (ec) return util::Error{"cannot load the TLS certificate " + tls.cert_file + ": " + ec.message()};
  ctx.use_private_key_file(tls.key_file, net::ssl::context::pem, ec);
  if (ec) return util::Error{"cannot load the TLS key " + tls.key_file + ": " + ec.message()};
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return util::Error{"the TLS key " + tls.key_file + " does not match the certificate " + tls.cert_file};
  }
  if (tls.min_version != 0 && SSL_CTX_set_min_proto_version(ctx.native_handle(), tls.min_version) != 1) {
    return util::Error{"cannot set the minimum TLS version"};
  }
  // Sessions resumed with a client certificate need an id context, or OpenSSL refuses them.
  static const unsigned char kSessionContext[] = "logd";
  SSL_CTX_set_session_id_context(ctx.native_handle(), kSessionContext, sizeof kSessionContext - 1);
  if (tls.client_auth == ClientAuth::kNoClientCert) {
    ctx.set_verify_mode(net::ssl::verify_none);
    return ctx;
  }
  if (!tls.client_ca_file.empty()) {
    ctx.load_verify_file(tls.client_ca_file, ec);
    if (ec) return util::Error{"cannot load the client CA file " + tls.client_ca_file + ": " + ec.message()};
    // Named in the certificate request, so a client with several certificates picks the right one.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
    }
  } else {
    ctx.set_default_verify_paths(ec);  // as Go, which verifies against the system's roots then
  }
  const bool required = tls.client_auth == ClientAuth::kRequireAnyClientCert ||
                        tls.client_auth == ClientAuth::kRequireAndVerifyClientCert;
  const bool verified = tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                        tls.client_auth == ClientAuth::kRequireAndVerifyClientCert;
  ctx.set_verify_mode(net::ssl::verify_peer | (required ? net::ssl::verify_fail_if_no_peer_cert : 0));
  if (!verified) ctx.set_verify_callback([](bool, net::ssl::verify_context&) { return true; });
  return ctx;
}

}  // namespace

void Server::Impl::do_accept() {
  if (stopping || !acceptor.is_open()) return;
  {
    std::lock_guard lock(mu);
    if (sessions.size() >= max_connections) {
      // At the cap, new connections wait in the listen backlog (as behind Go's
      // netutil.LimitListener) until one ends; remove_session() accepts again. When one is
      // waiting, the connection idle the longest gives way to it.
      accept_paused = true;
      if (!backlog_watched) {
        backlog_watched = true;
        acceptor.async_wait(tcp::acceptor::wait_read, [this](beast::error_code ec) {
          {
            std::lock_guard lock(mu);
            backlog_watched = false;
            if (ec || !accept_paused) return;
          }
          room_wanted = true;
          make_room();
        });
      }
      return;
    }
  }
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (stopping || !acceptor.is_open()) return;
      if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space || ec == net::error::no_memory ||
          ec.value() == ENFILE) {
        // Out of descriptors: retrying at once spins a core while nothing can change; back off
        // from 5 ms to 1 s as Go's http.Server does.
        accept_backoff = std::min(std::chrono::milliseconds(1000),
                                  std::max(std::chrono::milliseconds(5), accept_backoff * 2));
        accept_retry.expires_after(accept_backoff);
        accept_retry.async_wait([this](beast::error_code e) {
          if (!e) do_accept();
        });
        return;
      }
      return do_accept();
    }
    accept_backoff = std::chrono::milliseconds(0);
    on_accepted(std::move(socket));
    do_accept();
  });
}

void Server::Impl::make_room() {
  if (!room_wanted) return;
  std::weak_ptr<Session> victim;
  {
    std::lock_guard lock(mu);
    if (!accept_paused) return;
    Session* oldest = nullptr;
    int64_t oldest_since = 0;
    for (const auto& [s, w] : sessions) {
      int64_t since = s->idle_since_ns.load(std::memory_order_relaxed);
      if (since != 0 && (!oldest || since < oldest_since)) {
        oldest = s;
        oldest_since = since;
      }
    }
    if (!oldest) return;  // all busy: the next one to go idle or to end makes room
    victim = sessions[oldest];
  }
  // Locked outside mu: dropping the last reference runs the destructor, which takes mu.
  if (auto v = victim.lock()) v->post_close_if_idle();
}

void Server::Impl::on_accepted(tcp::socket socket) {
  try {
    if (ssl_ctx) {
      std::make_shared<HttpSession<true>>(*this, std::move(socket))->start();
    } else {
      std::make_shared<HttpSession<false>>(*this, std::move(socket))->start();
    }
  } catch (const std::exception& e) {  // e.g. OpenSSL out of memory: this connection only
    report(std::string("cannot start an HTTP connection: ") + e.what());
  }
}

Response Server::Impl::dispatch(const Request& req) const {
  const Route* best = nullptr;
  bool path_exists = false;
  std::string allow;
  for (const auto& r : routes) {
    bool match = r.prefix ? req.path.compare(0, r.path.size(), r.path) == 0 : req.path == r.path;
    if (!match) continue;
    if (best && best->method == req.method && (!best->prefix || (r.prefix && r.path.size() <= best->path.size())))
      continue;
    path_exists = true;
    if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
    if (r.method == req.method) {
      if (!best || best->method != req.method || (best->prefix && !r.prefix) || (r.prefix && r.path.size() > best->path.size())) best = &r;
    }
  }
  if (best && best->method == req.method) return best->handler(req);
  if (ws_routes.count(req.path)) return Response::text(400, "this endpoint expects a WebSocket upgrade\n");
  if (path_exists) {
    Response r = Response::text(405, "method " + req.method + " not allowed\n");
    r.headers.set("Allow", allow);
    return r;
  }
  return Response::text(404, "404 page not found\n");
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() { stop(); }

void Server::route(std::string method, std::string path, Handler handler) {
  impl_->routes.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void Server::route_prefix(std::string method, std::string prefix, Handler handler) {
  impl_->routes.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

void Server::set_gate(Gate gate) { impl_->gate = std::move(gate); }

void Server::websocket(std::string path, WebSocketHandler handler, WebSocketAccept accept) {
  impl_->ws_routes[std::move(path)] = {std::move(handler), std::move(accept)};
}

util::Status Server::start() {
  auto& im = *impl_;
  if (im.started) return util::Error{"server already started"};
  if (im.options.tls.enabled()) {
    auto ctx = make_tls_context(im.options.tls);
    if (!ctx) return ctx.status_error();
    im.ssl_ctx.emplace(std::move(*ctx));
  }
  beast::error_code ec;
  auto address = net::ip::make_address(im.options.host, ec);
  if (ec) return util::Error{"invalid listen address \"" + im.options.host + "\": " + ec.message()};
  tcp::endpoint ep(address, im.options.port);
  im.acceptor.open(ep.protocol(), ec);
  if (!ec) im.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(ep, ec);
  if (!ec) im.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    im.acceptor.close(ignored);
    return util::Error{"cannot listen on " + im.options.host + ":" + std::to_string(im.options.port) + ": " + ec.message()};
  }
  im.bound_port = im.acceptor.local_endpoint().port();
  im.max_connections = effective_max_connections(im.options.max_connections);
  im.started = true;
  im.do_accept();
  for (int i = 0; i < std::max(1, im.options.threads); ++i) im.threads.emplace_back([&im] { im.run_io_thread(); });
  return {};
}

uint16_t Server::port() const { return impl_->bound_port; }

size_t Server::max_connections() const { return impl_->max_connections; }

size_t effective_max_connections(size_t configured) {
  if (configured > 0) return configured;
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur == RLIM_INFINITY) return 65536;
  // The rest of the process needs descriptors too (WAL segments, chunk and index files being
  // written, the store's reads): connections get what is left after an eighth, at least 64.
  const size_t limit = static_cast<size_t>(nofile.rlim_cur);
  const size_t reserve = std::max<size_t>(64, limit / 8);
  return limit > reserve + 16 ? limit - reserve : 16;
}

void Server::stop() {
  auto& im = *impl_;
  if (!im.started || im.stopping.exchange(true)) return;
  net::post(im.ioc, [&im] {
    beast::error_code ignored;
    im.accept_retry.cancel();
    im.acceptor.close(ignored);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(im.mu);
    for (auto& [p, w] : im.sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->post_server_stop();
  live.clear();
  {
    std::unique_lock lock(im.mu);
    im.sessions_cv.wait_for(lock, im.options.shutdown_timeout, [&] { return im.sessions.empty(); });
  }
  std::vector<Impl::WsThread> ws_threads;
  {
    std::lock_guard lock(im.mu);
    ws_threads.swap(im.ws_threads);
  }
  for (auto& t : ws_threads) t.thread.join();
  im.ioc.stop();
  for (auto& t : im.threads) t.join();
  im.threads.clear();
}

}  // namespace http
