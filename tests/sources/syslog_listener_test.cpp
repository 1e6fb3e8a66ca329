// SyslogListener over loopback with Debian's `logger` (util-linux) as the sender: TCP with
// newline and octet-counting framing, UDP, RFC 5424 and RFC 3164, structured data labels,
// use_incoming_timestamp, relabeling of the meta labels, idle_timeout.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "model/time.h"
#include "relabel/relabel_yaml.h"
#include "sources/syslog_listener.h"

namespace {

struct Received {
  model::LabelSet labels;
  model::Entry entry;
};

class Collector {
 public:
  sources::SyslogListener::Sink sink() {
    return [this](model::LabelSet l, model::Entry e) {
      std::lock_guard lock(mu_);
      got_.push_back({std::move(l), std::move(e)});
      cv_.notify_all();
    };
  }
  std::vector<Received> wait_for(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> got_;
};

bool have_logger() { return std::system("command -v logger >/dev/null 2>&1") == 0; }

int run(const std::string& cmd) { return std::system((cmd + " 2>/dev/null").c_str()); }

sources::SyslogListenerOptions loopback(const std::string& protocol) {
  sources::SyslogListenerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.listen_protocol = protocol;
  o.lookup_hostnames = false;
  o.labels = model::LabelSet{{"job", "syslog"}};
  return o;
}

}  // namespace

TEST_CASE("syslog listener: logger --tcp --rfc5424 (newline and octet counting) with structured data") {
  if (!have_logger()) {
    MESSAGE("logger not installed: skipped");
    return;
  }
  Collector c;
  auto opts = loopback("tcp");
  opts.label_structured_data = true;
  auto rules = relabel::parse_relabel_rules(YAML::Load(R"(
- source_labels: [__syslog_message_app_name]
  target_label: app
- source_labels: [__syslog_message_severity]
  target_label: level
- source_labels: [__syslog_message_sd_zoo_32473_tiger]
  target_label: tiger
- source_labels: [__syslog_message_sd_timeQuality_tzKnown]
  target_label: tz
- source_labels: [__syslog_connection_ip_address]
  target_label: ip
)"), "relabel_configs");
  REQUIRE(rules.ok());
  opts.relabel_rules = *rules;
  auto l = sources::SyslogListener::start(opts, c.sink());
  REQUIRE(l.ok());
  std::string port = std::to_string((*l)->port());
  REQUIRE(run("logger --tcp --server 127.0.0.1 --port " + port +
              " --rfc5424 -t myapp -p local3.warning --sd-id zoo@32473 --sd-param 'tiger=\"hungry\"' 'first message'") == 0);
  REQUIRE(run("logger --tcp --octet-count --server 127.0.0.1 --port " + port +
              " --rfc5424 -t other -p user.info --msgid M1 'second message'") == 0);
  auto got = c.wait_for(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].entry.line == "first message");
  CHECK(got[0].labels.get("app") == "myapp");
  CHECK(got[0].labels.get("level") == "warning");
  CHECK(got[0].labels.get("job") == "syslog");
  CHECK(got[0].labels.get("ip") == "127.0.0.1");
  // logger sends [timeQuality tzKnown="1" ...] and the --sd-id element.
  CHECK(got[0].labels.get("tz") == "1");
  CHECK(got[0].labels.get("tiger") == "hungry");
  CHECK(got[1].entry.line == "second message");
  CHECK(got[1].labels.get("app") == "other");
  CHECK(got[1].labels.get("level") == "informational");
  for (const auto& r : got) {
    for (const auto& lb : r.labels) CHECK(lb.name.rfind("__", 0) != 0);
  }
  CHECK((*l)->counters().entries == 2);
}

TEST_CASE("syslog listener: logger --udp --rfc3164, use_incoming_timestamp") {
  if (!have_logger()) return;
  Collector c;
  auto opts = loopback("udp");
  opts.rfc3164 = true;
  opts.rfc3164_default_to_current_year = true;
  opts.use_incoming_timestamp = true;
  auto rules = relabel::parse_relabel_rules(YAML::Load(R"(
- source_labels: [__syslog_message_facility]
  target_label: facility
- source_labels: [__syslog_message_app_name]
  target_label: app
)"), "relabel_configs");
  opts.relabel_rules = *rules;
  auto l = sources::SyslogListener::start(opts, c.sink());
  REQUIRE(l.ok());
  REQUIRE(run("logger --udp --server 127.0.0.1 --port " + std::to_string((*l)->port()) +
              " --rfc3164 -t bsdapp -p daemon.err 'old style'") == 0);
  auto got = c.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].entry.line == "old style");
  CHECK(got[0].labels.get("facility") == "daemon");
  CHECK(got[0].labels.get("app") == "bsdapp");
  // The incoming timestamp has second precision: within a minute of now, with no sub-second part.
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(got[0].entry.timestamp % model::kNanosPerSecond == 0);
  CHECK(std::llabs(now - got[0].entry.timestamp) < 60 * model::kNanosPerSecond);
}

TEST_CASE("syslog listener: idle_timeout closes a silent TCP connection; stop() ends it all") {
  Collector c;
  auto opts = loopback("tcp");
  opts.idle_timeout_ns = 200 * model::kNanosPerMilli;
  auto l = sources::SyslogListener::start(opts, c.sink());
  REQUIRE(l.ok());
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((*l)->port());
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  std::string msg = "<13>1 - host app - - - hello\n";
  REQUIRE(write(fd, msg.data(), msg.size()) == static_cast<ssize_t>(msg.size()));
  REQUIRE(c.wait_for(1).size() == 1);
  char b;
  // The server closes the idle connection: read returns 0 (EOF) well before 5s.
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(read(fd, &b, 1) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
  close(fd);
  (*l)->stop();
}

TEST_CASE("syslog listener: bad addresses and protocols are errors") {
  Collector c;
  auto o = loopback("sctp");
  CHECK(!sources::SyslogListener::start(o, c.sink()).ok());
  o = loopback("tcp");
  o.listen_address = "127.0.0.1";
  CHECK(!sources::SyslogListener::start(o, c.sink()).ok());
}
