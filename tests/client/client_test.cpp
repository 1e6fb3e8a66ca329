// The push client against a real HTTP receiver on 127.0.0.1 (lib/http's server), decoding what
// arrives with lib/push's decoder. No timing assertions: waits are bounded polls.
#include <doctest/doctest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "client/client.h"
#include "http/server.h"
#include "push/protobuf_decoder.h"

using model::LabelSet;
using namespace std::chrono_literals;

namespace {

struct Received {
  http::Headers headers;
  push::PushRequest request;
  int status = 0;
};

// A scripted Loki: answers the statuses in `script` in turn, then `otherwise`.
class Receiver {
 public:
  explicit Receiver(uint16_t port = 0) : server_(options(port)) {
    server_.route("POST", "/loki/api/v1/push", [this](const http::Request& r) { return handle(r); });
    auto st = server_.start();
    REQUIRE_MESSAGE(st.ok(), st.error());
  }
  uint16_t port() const { return server_.port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/loki/api/v1/push"; }
  void script(std::deque<int> statuses, int otherwise = 204) {
    std::lock_guard lock(mu_);
    script_ = std::move(statuses);
    otherwise_ = otherwise;
  }
  std::vector<Received> all() const {
    std::lock_guard lock(mu_);
    return all_;
  }
  std::vector<Received> accepted() const {
    std::vector<Received> out;
    for (auto& r : all()) if (r.status / 100 == 2) out.push_back(r);
    return out;
  }
  size_t accepted_entries() const {
    size_t n = 0;
    for (auto& r : accepted()) n += push::entry_count(r.request);
    return n;
  }
  void stop() { server_.stop(); }

 private:
  static http::ServerOptions options(uint16_t port) {
    http::ServerOptions o;
    o.port = port;
    o.shutdown_timeout = 2000ms;
    return o;
  }
  http::Response handle(const http::Request& r) {
    std::lock_guard lock(mu_);
    int status = otherwise_;
    if (!script_.empty()) {
      status = script_.front();
      script_.pop_front();
    }
    auto decoded = push::decode_protobuf_snappy(r.body);
    REQUIRE(decoded.ok());
    all_.push_back(Received{r.headers, std::move(*decoded), status});
    if (status == 204) return http::Response::empty(204);
    return http::Response::text(status, "refused " + std::to_string(status) + "\nsecond line");
  }

  http::Server server_;
  mutable std::mutex mu_;
  std::deque<int> script_;
  int otherwise_ = 204;
  std::vector<Received> all_;
};

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

// Collects acknowledgements (called on the client's sender thread).
struct Acks {
  std::mutex mu;
  std::vector<client::BatchOutcome> outcomes;
  client::AckCallback callback() {
    return [this](const client::BatchOutcome& o) {
      std::lock_guard lock(mu);
      outcomes.push_back(o);
    };
  }
  std::vector<client::BatchOutcome> get() {
    std::lock_guard lock(mu);
    return outcomes;
  }
};

client::ClientConfig config_for(const Receiver& r) {
  client::ClientConfig c;
  c.url = r.url();
  c.batchwait = 3600 * model::kNanosPerSecond;  // only size and stop() cut batches unless a test says so
  c.backoff_config.min_period = 1 * model::kNanosPerMilli;
  c.backoff_config.max_period = 5 * model::kNanosPerMilli;
  return c;
}

client::Entry entry(std::string line, LabelSet labels = {{"job", "varlogs"}}, uint64_t source = 1, int64_t offset = 0) {
  client::Entry e;
  e.labels = std::make_shared<const LabelSet>(std::move(labels));
  e.entry.timestamp = 1'700'000'000'000'000'000 + offset;
  e.entry.line = std::move(line);
  e.position = {source, offset};
  return e;
}

std::unique_ptr<client::Client> make_client(const client::ClientConfig& c, client::ClientOptions o = {}) {
  auto made = client::Client::create(c, std::move(o));
  REQUIRE_MESSAGE(made.ok(), made.error());
  return std::move(*made);
}

}  // namespace

TEST_CASE("client: a batch is cut when the next entry would exceed batchsize") {
  Receiver rx;
  auto c = config_for(rx);
  c.batchsize = 10;
  auto cl = make_client(c);
  for (int i = 0; i < 5; ++i) REQUIRE(cl->push(entry("aaaa", {{"job", "x"}}, 1, i)) == client::Client::PushStatus::kQueued);
  CHECK(cl->stop(10s));
  auto got = rx.accepted();
  REQUIRE(got.size() == 3);  // 4+4 | 4+4 | 4 (the last one flushed by stop)
  CHECK(push::entry_count(got[0].request) == 2);
  CHECK(push::entry_count(got[1].request) == 2);
  CHECK(push::entry_count(got[2].request) == 1);
  CHECK(got[0].headers.get_or("Content-Type", "") == "application/x-protobuf");
  CHECK_FALSE(got[0].headers.has("X-Scope-OrgID"));
  CHECK(cl->metrics().value("promtail_sent_entries_total", {cl->host()}) == 5);
  CHECK(cl->push(entry("late")) == client::Client::PushStatus::kStopped);
}

TEST_CASE("client: a batch is sent once it is batchwait old, without stop") {
  Receiver rx;
  auto c = config_for(rx);
  c.batchwait = 50 * model::kNanosPerMilli;
  Acks acks;
  client::ClientOptions o;
  o.on_ack = acks.callback();
  auto cl = make_client(c, std::move(o));
  for (int i = 1; i <= 3; ++i) cl->push(entry("line " + std::to_string(i), {{"job", "x"}}, 9, i * 10));
  REQUIRE(eventually([&] { return rx.accepted_entries() == 3; }));
  REQUIRE(eventually([&] { return acks.get().size() == rx.accepted().size(); }));
  std::vector<client::SourcePosition> positions;
  for (auto& o : acks.get()) {
    CHECK(o.accepted);
    positions.insert(positions.end(), o.positions.begin(), o.positions.end());
  }
  CHECK(positions == std::vector<client::SourcePosition>{{9, 10}, {9, 20}, {9, 30}});
  CHECK(cl->stop(10s));
}

TEST_CASE("client: tenant, external labels, custom headers and basic auth reach Loki") {
  Receiver rx;
  auto c = config_for(rx);
  c.tenant_id = "configured";
  c.headers = {{"X-Team", "infra"}};
  c.basic_auth.username = "Aladdin";
  c.basic_auth.password = "open sesame";
  c.external_labels = LabelSet{{"cluster", "eu"}, {"job", "ignored"}};
  auto cl = make_client(c);
  cl->push(entry("default tenant", {{"job", "a"}}));
  cl->push(entry("label tenant", {{"job", "a"}, {"__tenant_id__", "from-label"}}));
  auto e = entry("field tenant", {{"job", "a"}, {"__tenant_id__", "from-label"}});
  e.tenant = "from-field";
  cl->push(std::move(e));
  CHECK(cl->stop(10s));
  auto got = rx.accepted();
  REQUIRE(got.size() == 3);  // one batch per tenant
  std::map<std::string, std::string> line_by_tenant;
  for (auto& r : got) {
    CHECK(r.headers.get_or("X-Team", "") == "infra");
    CHECK(r.headers.get_or("Authorization", "") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    REQUIRE(r.request.streams.size() == 1);
    // The entry's job wins over the external one; __tenant_id__ is never sent.
    CHECK(r.request.streams[0].labels == LabelSet{{"cluster", "eu"}, {"job", "a"}});
    line_by_tenant[std::string(r.headers.get_or("X-Scope-OrgID", "?"))] = r.request.streams[0].entries[0].line;
  }
  CHECK(line_by_tenant == std::map<std::string, std::string>{
                              {"configured", "default tenant"}, {"from-label", "label tenant"}, {"from-field", "field tenant"}});
}

TEST_CASE("client: 500 and 429 are retried until accepted; the batch arrives once and is acked once") {
  Receiver rx;
  rx.script({500, 429, 503});
  Acks acks;
  client::ClientOptions o;
  o.on_ack = acks.callback();
  auto cl = make_client(config_for(rx), std::move(o));
  cl->push(entry("one", {{"job", "x"}}, 3, 100));
  cl->push(entry("two", {{"job", "x"}}, 3, 200));
  CHECK(cl->stop(10s));
  auto all = rx.all();
  REQUIRE(all.size() == 4);
  for (auto& r : all) CHECK(push::entry_count(r.request) == 2);  // the same batch each time
  CHECK(rx.accepted().size() == 1);
  auto outcomes = acks.get();
  REQUIRE(outcomes.size() == 1);
  CHECK(outcomes[0].accepted);
  CHECK(outcomes[0].entries == 2);
  CHECK(outcomes[0].positions == std::vector<client::SourcePosition>{{3, 100}, {3, 200}});
  auto& m = cl->metrics();
  CHECK(m.value("promtail_batch_retries_total", {cl->host(), ""}) == 3);
  CHECK(m.requests(500, cl->host()) == 1);
  CHECK(m.requests(429, cl->host()) == 1);
  CHECK(m.requests(204, cl->host()) == 1);
  CHECK(m.value("promtail_sent_entries_total", {cl->host()}) == 2);
  CHECK(m.value("promtail_dropped_entries_total", {cl->host(), "", "ingester_error"}) == 0);
}

TEST_CASE("client: a 400 is not retried; the batch is dropped, counted and acked as dropped") {
  Receiver rx;
  rx.script({400});
  Acks acks;
  client::ClientOptions o;
  o.on_ack = acks.callback();
  auto cl = make_client(config_for(rx), std::move(o));
  cl->push(entry("bad", {{"job", "x"}}, 4, 10));
  CHECK(cl->stop(10s));
  CHECK(rx.all().size() == 1);
  auto outcomes = acks.get();
  REQUIRE(outcomes.size() == 1);
  CHECK_FALSE(outcomes[0].accepted);
  CHECK(outcomes[0].status == 400);
  CHECK(outcomes[0].drop_reason == "ingester_error");
  CHECK(outcomes[0].error == "server returned HTTP status 400 Bad Request (400): refused 400");
  CHECK(outcomes[0].positions == std::vector<client::SourcePosition>{{4, 10}});
  CHECK(cl->metrics().value("promtail_dropped_entries_total", {cl->host(), "", "ingester_error"}) == 1);
  CHECK(cl->metrics().value("promtail_batch_retries_total", {cl->host(), ""}) == 0);
}

TEST_CASE("client: retries stop after max_retries; drop_rate_limited_batches drops a 429 at once") {
  Receiver rx;
  rx.script({}, 500);
  auto c = config_for(rx);
  c.backoff_config.max_retries = 3;
  auto cl = make_client(c);
  cl->push(entry("x"));
  CHECK(cl->stop(10s));
  CHECK(rx.all().size() == 3);
  CHECK(cl->metrics().value("promtail_dropped_entries_total", {cl->host(), "", "ingester_error"}) == 1);

  Receiver limited;
  limited.script({}, 429);
  c = config_for(limited);
  c.drop_rate_limited_batches = true;
  Acks acks;
  client::ClientOptions o;
  o.on_ack = acks.callback();
  cl = make_client(c, std::move(o));
  cl->push(entry("throttled"));
  CHECK(cl->stop(10s));
  CHECK(limited.all().size() == 1);
  REQUIRE(acks.get().size() == 1);
  CHECK(acks.get()[0].drop_reason == "rate_limited");
  CHECK(cl->metrics().value("promtail_dropped_entries_total", {cl->host(), "", "rate_limited"}) == 1);
  CHECK(cl->metrics().value("promtail_batch_retries_total", {cl->host(), ""}) == 0);
}

TEST_CASE("client: receiver down then up: backpressure engages and nothing is lost or duplicated") {
  uint16_t port;
  {
    Receiver probe;  // finds a free port, then frees it: nothing listens there for a while
    port = probe.port();
  }
  client::ClientConfig c;
  c.url = "http://127.0.0.1:" + std::to_string(port) + "/loki/api/v1/push";
  c.batchsize = 200;
  c.batchwait = 10 * model::kNanosPerMilli;
  c.backoff_config.min_period = 5 * model::kNanosPerMilli;
  c.backoff_config.max_period = 20 * model::kNanosPerMilli;
  c.backoff_config.max_retries = 0;  // retry forever
  Acks acks;
  client::ClientOptions o;
  o.on_ack = acks.callback();
  o.max_queued_bytes = 2000;
  auto cl = make_client(c, std::move(o));

  constexpr int kTotal = 300;
  int next = 0;
  bool saw_full = false;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!saw_full && next < kTotal && std::chrono::steady_clock::now() < deadline) {
    auto e = entry("line-" + std::to_string(next), {{"job", "x"}}, 1, next + 1);
    auto st = cl->try_push(e);
    if (st == client::Client::PushStatus::kFull) saw_full = true;
    else ++next;
  }
  CHECK(saw_full);  // the producer is told to stop reading ahead while Loki is down
  CHECK(next < kTotal);
  CHECK(eventually([&] { return cl->metrics().value("promtail_batch_retries_total", {cl->host(), ""}) >= 1; }));
  CHECK(cl->metrics().requests(-1, cl->host()) >= 1);  // connection refused counts as status -1
  CHECK(acks.get().empty());

  Receiver rx(port);  // Loki comes back
  for (; next < kTotal; ++next) {
    REQUIRE(cl->push(entry("line-" + std::to_string(next), {{"job", "x"}}, 1, next + 1)) ==
            client::Client::PushStatus::kQueued);
  }
  CHECK(cl->stop(10s));
  std::vector<std::string> lines;
  for (auto& r : rx.accepted()) {
    for (auto& s : r.request.streams) for (auto& e : s.entries) lines.push_back(e.line);
  }
  REQUIRE(lines.size() == kTotal);
  for (int i = 0; i < kTotal; ++i) CHECK(lines[i] == "line-" + std::to_string(i));
  size_t acked = 0;
  for (auto& o : acks.get()) {
    CHECK(o.accepted);
    acked += o.positions.size();
  }
  CHECK(acked == kTotal);
}

TEST_CASE("client: stop() bounded by its timeout abandons an unsendable batch without acking it") {
  Receiver rx;
  rx.script({}, 503);
  auto c = config_for(rx);
  c.backoff_config.max_retries = 0;
  Acks acks;
  client::ClientOptions o;
  o.on_ack = acks.callback();
  auto cl = make_client(c, std::move(o));
  cl->push(entry("never accepted"));
  CHECK_FALSE(cl->stop(200ms));
  CHECK(acks.get().empty());
  CHECK(rx.accepted().empty());
}

TEST_CASE("client: lines over limits_config.max_line_size are dropped, or truncated when configured") {
  Receiver rx;
  Acks acks;
  client::ClientOptions o;
  o.on_ack = acks.callback();
  o.max_line_size = 5;
  auto cl = make_client(config_for(rx), std::move(o));
  cl->push(entry("123456789", {{"job", "x"}}, 2, 9));
  cl->push(entry("12345", {{"job", "x"}}, 2, 15));
  CHECK(cl->stop(10s));
  auto outcomes = acks.get();
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].drop_reason == "line_too_long");
  CHECK(outcomes[0].positions == std::vector<client::SourcePosition>{{2, 9}});
  CHECK(outcomes[1].accepted);
  CHECK(cl->metrics().value("promtail_dropped_bytes_total", {cl->host(), "", "line_too_long"}) == 9);

  Receiver rx2;
  client::ClientOptions t;
  t.max_line_size = 5;
  t.max_line_size_truncate = true;
  cl = make_client(config_for(rx2), std::move(t));
  cl->push(entry("123456789"));
  CHECK(cl->stop(10s));
  REQUIRE(rx2.accepted().size() == 1);
  CHECK(rx2.accepted()[0].request.streams[0].entries[0].line == "12345");
  CHECK(cl->metrics().value("promtail_mutated_bytes_total", {cl->host(), "", "line_too_long"}) == 4);
}

TEST_CASE("client: metrics render in the Prometheus text format under Promtail's names") {
  Receiver rx;
  rx.script({500});
  auto cl = make_client(config_for(rx));
  cl->push(entry("x"));
  CHECK(cl->stop(10s));
  std::string out;
  cl->metrics().render(out);
  std::string host = cl->host();
  CHECK(out.find("# TYPE promtail_sent_entries_total counter\npromtail_sent_entries_total{host=\"" + host + "\"} 1\n") !=
        std::string::npos);
  CHECK(out.find("promtail_dropped_entries_total{host=\"" + host + "\",tenant=\"\",reason=\"rate_limited\"} 0\n") !=
        std::string::npos);
  CHECK(out.find("promtail_batch_retries_total{host=\"" + host + "\",tenant=\"\"} 1\n") != std::string::npos);
  CHECK(out.find("promtail_request_duration_seconds_count{status_code=\"500\",host=\"" + host + "\"} 1\n") !=
        std::string::npos);
  CHECK(out.find("promtail_request_duration_seconds_bucket{status_code=\"204\",host=\"" + host +
                 "\",le=\"+Inf\"} 1\n") != std::string::npos);
  CHECK(out.find("le=\"0.005\"") != std::string::npos);
}

TEST_CASE("client: an invalid URL is refused at creation") {
  client::ClientConfig c;
  c.url = "localhost:3100/loki/api/v1/push";
  auto made = client::Client::create(c, {});
  REQUIRE_FALSE(made.ok());
  CHECK(made.error().find("scheme") != std::string::npos);
}

TEST_CASE("client: a push blocked on a full queue gives up when its cancel flag is set and producers are woken") {
  uint16_t port;
  {
    Receiver probe;  // nothing listens there: the queue fills and stays full
    port = probe.port();
  }
  client::ClientConfig c;
  c.url = "http://127.0.0.1:" + std::to_string(port) + "/loki/api/v1/push";
  c.batchsize = 100;
  c.batchwait = 10 * model::kNanosPerMilli;
  c.backoff_config.min_period = 5 * model::kNanosPerMilli;
  c.backoff_config.max_period = 20 * model::kNanosPerMilli;
  c.backoff_config.max_retries = 0;
  client::ClientOptions o;
  o.max_queued_bytes = 500;
  auto cl = make_client(c, std::move(o));
  int n = 0;
  auto fill = [&] {
    for (;; ++n) {
      auto e = entry("line-" + std::to_string(n), {{"job", "x"}}, 1, n + 1);
      if (cl->try_push(e) == client::Client::PushStatus::kFull) return;
    }
  };
  fill();
  // Once the sender holds a batch it keeps retrying, nothing leaves the queue any more.
  CHECK(eventually([&] { return cl->metrics().value("promtail_batch_retries_total", {cl->host(), ""}) >= 1; }));
  fill();
  std::atomic<bool> cancel{false};
  std::atomic<int> result{-1};
  std::thread producer([&] {
    auto st = cl->push(entry("blocked", {{"job", "x"}}, 1, n + 1), &cancel);
    result = static_cast<int>(st);
  });
  std::this_thread::sleep_for(50ms);  // the producer is blocked (nothing frees room)
  CHECK(result.load() == -1);
  cancel = true;
  cl->wake_producers();
  producer.join();
  CHECK(result.load() == static_cast<int>(client::Client::PushStatus::kStopped));
  cl->stop(0ms);
}
