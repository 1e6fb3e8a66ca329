// GELF as Promtail's gelf target reads it: payloads built from the GELF spec (plain, gzip,
// zlib), go-gelf's typing of the known fields and its JSON form of the line, chunk reassembly
// (out of order, repeated, expired, malformed) on a fake clock, and the UDP listener over
// loopback with labels, relabeled meta labels and use_incoming_timestamp.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>
#include <zlib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "relabel/relabel_yaml.h"
#include "sources/gelf_chunks.h"
#include "sources/gelf_listener.h"
#include "sources/gelf_message.h"
#include "util/clock.h"

namespace {

// The GELF spec's example message, plus a key without `_` (dropped) and HTML characters.
constexpr std::string_view kSpecExample =
    R"({"version":"1.1","host":"example.org","short_message":"A short message that helps <you>",)"
    R"("full_message":"Backtrace here\n\nmore stuff","timestamp":1385053862.3072,"level":1,)"
    R"("_user_id":9001,"_some_info":"foo","_some_env_var":"bar","unknown":"x"})";
constexpr std::string_view kSpecExampleLine =
    R"({"version":"1.1","host":"example.org","short_message":"A short message that helps \u003cyou\u003e",)"
    R"("full_message":"Backtrace here\n\nmore stuff","timestamp":1385053862.3072,"level":1,)"
    R"("_some_env_var":"bar","_some_info":"foo","_user_id":9001})";

// windowBits 15 + 16: gzip; 15: zlib.
std::string deflate_with(std::string_view in, int window_bits) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Splits `payload` into `n` GELF chunks of message `id` (8 bytes).
std::vector<std::string> chunk(std::string_view payload, std::string_view id, size_t n) {
  std::vector<std::string> out;
  const size_t per = (payload.size() + n - 1) / n;
  for (size_t i = 0; i < n; ++i) {
    std::string c = "\x1e\x0f";
    c += id;
    c += static_cast<char>(i);
    c += static_cast<char>(n);
    c += payload.substr(std::min(payload.size(), i * per), per);
    out.push_back(std::move(c));
  }
  return out;
}

std::string line_of(std::string_view payload) {
  auto m = sources::parse_gelf_payload(payload);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error()));
  return sources::gelf_message_json(*m);
}

}  // namespace

TEST_CASE("gelf message: the spec's example, written back as go-gelf writes it") {
  auto m = sources::parse_gelf_payload(kSpecExample);
  REQUIRE(m.ok());
  CHECK(m->host == "example.org");
  CHECK(m->level == 1);
  CHECK(m->timestamp == doctest::Approx(1385053862.3072));
  CHECK(m->extra.size() == 3);  // "unknown" has no `_`: dropped, as go-gelf does
  CHECK(sources::gelf_message_json(*m) == kSpecExampleLine);
  // Compressed payloads are recognised by their magic bytes.
  CHECK(line_of(deflate_with(kSpecExample, 15 + 16)) == kSpecExampleLine);
  CHECK(line_of(deflate_with(kSpecExample, 15)) == kSpecExampleLine);
}

TEST_CASE("gelf message: optional fields, Go's numbers, typing") {
  // level 0, no full_message, no facility: omitted; level truncated toward zero.
  CHECK(line_of(R"({"version":"1.1","host":"h","short_message":"m","timestamp":1.5,"level":0})") ==
        R"({"version":"1.1","host":"h","short_message":"m","timestamp":1.5})");
  CHECK(line_of(R"({"host":"h","short_message":"m","level":5.9,"facility":"kern"})") ==
        R"({"version":"","host":"h","short_message":"m","timestamp":0,"level":5,"facility":"kern"})");
  // Additional fields are float64s, maps and lists in Go: exponents as encoding/json writes them.
  CHECK(line_of(R"({"short_message":"m","_small":1e-7,"_big":1e21,"_int":12345678901234567890,)"
                R"("_obj":{"b":[1,true,null],"a":"x&y"}})") ==
        R"({"version":"","host":"","short_message":"m","timestamp":0,"_big":1e+21,"_int":12345678901234567000,)"
        R"("_obj":{"a":"x\u0026y","b":[1,true,null]},"_small":1e-7})");
  auto bad = sources::parse_gelf_payload(R"({"host":1,"short_message":"m"})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "gelf: invalid type for field host");
  CHECK_FALSE(sources::parse_gelf_payload(R"({"level":"3"})").ok());
  CHECK_FALSE(sources::parse_gelf_payload("not json").ok());
  CHECK_FALSE(sources::parse_gelf_payload("[1,2]").ok());
  CHECK(sources::gelf_level_name(6) == "informational");
  CHECK(sources::gelf_level_name(8).empty());
}

TEST_CASE("gelf chunks: reassembled in sequence order whatever the arrival order") {
  util::FakeClock clock;
  sources::GelfChunkAssembler a;
  const std::string payload = deflate_with(kSpecExample, 15 + 16);
  auto parts = chunk(payload, "ABCDEFGH", 3);
  auto r = a.add(parts[2], clock.now_ns());
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
  r = a.add(parts[0], clock.now_ns());
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
  r = a.add(parts[0], clock.now_ns());  // a repeated chunk changes nothing
  REQUIRE(r.ok());
  CHECK_FALSE(r->has_value());
  // Another message's chunks interleave without mixing.
  auto other = chunk(R"({"short_message":"other"})", "12345678", 2);
  REQUIRE(a.add(other[1], clock.now_ns()).ok());
  r = a.add(parts[1], clock.now_ns());
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK(**r == payload);
  CHECK(line_of(**r) == kSpecExampleLine);
  CHECK(a.pending() == 1);
  r = a.add(other[0], clock.now_ns());
  REQUIRE(r.ok());
  REQUIRE(r->has_value());
  CHECK(line_of(**r) == R"({"version":"","host":"","short_message":"other","timestamp":0})");
  CHECK(a.pending() == 0);
}

TEST_CASE("gelf chunks: a message not complete within 5 seconds is forgotten; malformed chunks are errors") {
  util::FakeClock clock;
  sources::GelfChunkAssembler a;
  auto parts = chunk(R"({"short_message":"late"})", "LATELATE", 2);
  REQUIRE(a.add(parts[0], clock.now_ns()).ok());
  clock.advance(5'000'000'001);
  auto late = a.add(parts[1], clock.now_ns());
  CHECK_FALSE(late.ok());
  CHECK(a.pending() == 0);
  REQUIRE(a.add(parts[0], clock.now_ns()).ok());
  CHECK(a.expire(clock.now_ns() + 4'000'000'000) == 0);
  CHECK(a.expire(clock.now_ns() + 6'000'000'000) == 1);

  std::string header = std::string("\x1e\x0f", 2) + "IDIDIDID";
  CHECK_FALSE(a.add(header + std::string("\x00\x00", 2) + "x", 0).ok());    // count 0
  CHECK_FALSE(a.add(header + std::string("\x00\x81", 2) + "x", 0).ok());    // 129 chunks
  CHECK_FALSE(a.add(header + std::string("\x02\x02", 2) + "x", 0).ok());    // sequence >= count
  CHECK_FALSE(a.add(header + std::string("\x00\x02", 2), 0).ok());          // no data
  // A flood of never-completed ids is bounded.
  sources::GelfChunkAssembler small(4);
  for (int i = 0; i < 10; ++i) {
    std::string id = "id" + std::to_string(100000 + i);
    REQUIRE(small.add(chunk("{}", id, 2)[0], i).ok());
  }
  CHECK(small.pending() == 4);
}

namespace {

class Collector {
 public:
  sources::GelfListener::Sink sink() {
    return [this](model::LabelSet l, model::Entry e) {
      std::lock_guard lock(mu_);
      got_.push_back({std::move(l), std::move(e)});
      cv_.notify_all();
    };
  }
  std::vector<std::pair<model::LabelSet, model::Entry>> wait_for(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<model::LabelSet, model::Entry>> got_;
};

void send_udp(uint16_t port, std::string_view datagram) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
        static_cast<ssize_t>(datagram.size()));
  close(fd);
}

}  // namespace

TEST_CASE("gelf listener: plain, gzip and chunked zlib datagrams; labels, relabeled meta labels, timestamps") {
  util::FakeClock clock(1'700'000'000'000'000'000);
  sources::GelfListenerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.labels = model::LabelSet{{"job", "gelf"}};
  o.use_incoming_timestamp = true;
  o.clock = &clock;
  auto rules = relabel::parse_relabel_rules(YAML::Load(R"(
- source_labels: [__gelf_message_host]
  target_label: host
- source_labels: [__gelf_message_level]
  target_label: level
- source_labels: [__gelf_message_facility]
  target_label: facility
- source_labels: [__gelf_message_version]
  target_label: version
)"),
                                            "relabel_configs");
  REQUIRE(rules.ok());
  o.relabel_rules = *rules;
  Collector c;
  auto l = sources::GelfListener::start(o, c.sink());
  REQUIRE_MESSAGE(l.ok(), (l.ok() ? "" : l.error()));
  const uint16_t port = (*l)->port();

  send_udp(port, kSpecExample);
  send_udp(port, deflate_with(R"({"version":"1.1","host":"b","short_message":"zipped","level":3,"facility":"app"})", 15 + 16));
  send_udp(port, "not gelf at all");  // counted, skipped
  std::string big = R"({"version":"1.1","host":"c","short_message":")" + std::string(5000, 'x') + R"(","timestamp":0})";
  auto parts = chunk(deflate_with(big, 15), "CHUNKED!", 4);
  for (size_t i : {3, 1, 0, 2}) send_udp(port, parts[i]);

  auto got = c.wait_for(3);
  (*l)->stop();
  REQUIRE(got.size() == 3);
  CHECK(got[0].first.to_string() == R"({host="example.org", job="gelf", level="alert", version="1.1"})");
  CHECK(got[0].second.line == kSpecExampleLine);
  CHECK(got[0].second.timestamp == 1385053862307200000);  // use_incoming_timestamp
  CHECK(got[1].first.to_string() == R"({facility="app", host="b", job="gelf", level="error", version="1.1"})");
  CHECK(got[1].second.timestamp == clock.now_ns());  // no timestamp in the message: the receive time
  CHECK(got[2].first.get("host") == "c");
  CHECK(got[2].second.line.size() > 5000);
  CHECK(got[2].second.timestamp == clock.now_ns());  // timestamp 0: the receive time
  CHECK((*l)->counters().entries == 3);
  CHECK((*l)->counters().errors == 1);
}

TEST_CASE("gelf listener: an address that cannot be bound is an error naming it") {
  sources::GelfListenerOptions o;
  o.listen_address = "127.0.0.1";
  auto l = sources::GelfListener::start(o, [](model::LabelSet, model::Entry) {});
  REQUIRE_FALSE(l.ok());
  CHECK(l.error().find("missing port in address \"127.0.0.1\"") != std::string::npos);
}
