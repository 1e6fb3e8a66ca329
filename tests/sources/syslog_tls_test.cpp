// SyslogListener over TLS: certificates made in the test with the openssl CLI, an OpenSSL client
// in the test. Both framings arrive with their __syslog_* labels; with ca_file, a client without
// a certificate (or with one from another CA) is refused and delivers nothing; bad files are a
// start() error.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <yaml-cpp/yaml.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "relabel/relabel_yaml.h"
#include "sources/syslog_listener.h"

namespace {

struct Received {
  model::LabelSet labels;
  std::string line;
};

class Collector {
 public:
  sources::SyslogListener::Sink sink() {
    return [this](model::LabelSet l, model::Entry e) {
      std::lock_guard lock(mu_);
      got_.push_back({std::move(l), std::move(e.line)});
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

// A CA, a server certificate and a client certificate signed by it, and a client certificate
// signed by another CA, in a fresh directory. Empty when the openssl CLI is missing.
std::string make_certificates() {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) return "";
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("syslog_tls_test_" + std::to_string(getpid()) + "_" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count())))
                        .string();
  std::filesystem::create_directories(dir);
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  std::string script = "cd " + dir + " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' >san.ext";
  for (const char* ca : {"ca", "otherca"}) {
    script += std::string(" && openssl req -x509 ") + key + " -keyout " + ca + ".key -out " + ca +
              ".crt -days 2 -subj /CN=" + ca;
  }
  for (auto [name, ca] : {std::pair{"server", "ca"}, {"client", "ca"}, {"stranger", "otherca"}}) {
    script += std::string(" && openssl req ") + key + " -keyout " + name + ".key -out " + name +
              ".csr -subj /CN=" + name + " && openssl x509 -req -in " + name + ".csr -CA " + ca +
              ".crt -CAkey " + ca + ".key -CAcreateserial -days 2 -extfile san.ext -out " + name + ".crt";
  }
  REQUIRE(std::system(("(" + script + ") >/dev/null 2>&1").c_str()) == 0);
  return dir;
}

// Connects to 127.0.0.1:port over TLS (trusting ca.crt), optionally with a client certificate,
// sends `payload` and closes. False when the handshake or the write failed on the client side.
bool tls_send(const std::string& dir, uint16_t port, const std::string& client, const std::string& payload) {
  sigset_t pipe;  // a refused client writes to a closed socket: EPIPE, not a signal
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, (dir + "/ca.crt").c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!client.empty()) {
    SSL_CTX_use_certificate_file(ctx, (dir + "/" + client + ".crt").c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(ctx, (dir + "/" + client + ".key").c_str(), SSL_FILETYPE_PEM);
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  ok = ok && SSL_connect(ssl) == 1;
  ok = ok && SSL_write(ssl, payload.data(), static_cast<int>(payload.size())) == static_cast<int>(payload.size());
  if (ok) SSL_shutdown(ssl);
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  return ok;
}

sources::SyslogListenerOptions tls_options(const std::string& dir, bool require_client_cert) {
  sources::SyslogListenerOptions o;
  o.listen_address = "127.0.0.1:0";
  o.lookup_hostnames = false;
  o.labels = model::LabelSet{{"job", "syslog"}};
  o.tls = {dir + "/server.crt", dir + "/server.key", require_client_cert ? dir + "/ca.crt" : ""};
  // Meta labels are dropped after relabeling: keep the ones the tests look at.
  auto rules = relabel::parse_relabel_rules(YAML::Load(R"(
- {source_labels: [__syslog_message_hostname], target_label: host}
- {source_labels: [__syslog_message_severity], target_label: level}
- {source_labels: [__syslog_message_app_name], target_label: app}
- {source_labels: [__syslog_connection_ip_address], target_label: ip}
)"), "relabel_configs");
  REQUIRE(rules.ok());
  o.relabel_rules = *rules;
  return o;
}

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 200 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return pred();
}

}  // namespace

TEST_CASE("syslog TLS: newline and octet-counted framing over TLS, with their __syslog_* labels") {
  std::string dir = make_certificates();
  if (dir.empty()) {
    MESSAGE("openssl CLI not installed: skipped");
    return;
  }
  Collector c;
  auto l = sources::SyslogListener::start(tls_options(dir, false), c.sink());
  REQUIRE(l.ok());
  const std::string msg1 = "<165>1 2024-01-02T03:04:05Z host1 app1 - - - over tls, newline\n";
  const std::string msg2 = "<14>1 2024-01-02T03:04:06Z host2 app2 - - - over tls, octet counted";
  CHECK(tls_send(dir, (*l)->port(), "", msg1));
  CHECK(tls_send(dir, (*l)->port(), "", std::to_string(msg2.size()) + " " + msg2));
  auto got = c.wait_for(2);
  REQUIRE(got.size() == 2);
  std::sort(got.begin(), got.end(), [](const Received& a, const Received& b) { return a.line < b.line; });
  CHECK(got[0].line == "over tls, newline");
  CHECK(got[0].labels.to_string() == "{app=\"app1\", host=\"host1\", ip=\"127.0.0.1\", job=\"syslog\", level=\"notice\"}");
  CHECK(got[1].line == "over tls, octet counted");
  CHECK(got[1].labels.get("app") == "app2");
  CHECK(got[1].labels.get("level") == "informational");
  CHECK((*l)->counters().tls_handshake_errors == 0);

  // A plain TCP sender is not a TLS client: refused, nothing parsed.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((*l)->port());
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  REQUIRE(send(fd, msg1.data(), msg1.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(msg1.size()));
  close(fd);
  CHECK(eventually([&] { return (*l)->counters().tls_handshake_errors == 1; }));
  CHECK(eventually([&] { return (*l)->counters().entries == 2; }));
  (*l)->stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("syslog TLS: with ca_file, only clients with a certificate from that CA are served") {
  std::string dir = make_certificates();
  if (dir.empty()) {
    MESSAGE("openssl CLI not installed: skipped");
    return;
  }
  Collector c;
  auto l = sources::SyslogListener::start(tls_options(dir, true), c.sink());
  REQUIRE(l.ok());
  const std::string msg = "<14>1 2024-01-02T03:04:05Z h a - - - ";
  // TLS 1.3 clients learn of the refusal only after their handshake: the server side decides.
  (void)tls_send(dir, (*l)->port(), "", msg + "no certificate\n");
  CHECK(eventually([&] { return (*l)->counters().tls_handshake_errors == 1; }));
  (void)tls_send(dir, (*l)->port(), "stranger", msg + "another CA\n");
  CHECK(eventually([&] { return (*l)->counters().tls_handshake_errors == 2; }));
  CHECK(tls_send(dir, (*l)->port(), "client", msg + "trusted client\n"));
  auto got = c.wait_for(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].line == "trusted client");
  CHECK(eventually([&] { return (*l)->counters().entries == 1; }));
  (*l)->stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("syslog TLS: missing or mismatched files are start() errors") {
  std::string dir = make_certificates();
  if (dir.empty()) {
    MESSAGE("openssl CLI not installed: skipped");
    return;
  }
  Collector c;
  auto o = tls_options(dir, false);
  o.tls.key_file = dir + "/client.key";  // not the server certificate's key
  auto l = sources::SyslogListener::start(o, c.sink());
  REQUIRE(!l.ok());
  CHECK(l.error().starts_with("syslog: tls_config: unable to load server certificate or key"));
  o = tls_options(dir, true);
  o.tls.ca_file = dir + "/missing.crt";
  l = sources::SyslogListener::start(o, c.sink());
  REQUIRE(!l.ok());
  CHECK(l.error().starts_with("syslog: tls_config: unable to load client CA certificate"));
  o = tls_options(dir, false);
  o.tls.cert_file.clear();
  l = sources::SyslogListener::start(o, c.sink());
  REQUIRE(!l.ok());
  CHECK(l.error() == "syslog: tls_config: certificate and key files are required");
  o = tls_options(dir, false);
  o.listen_protocol = "udp";
  l = sources::SyslogListener::start(o, c.sink());
  REQUIRE(!l.ok());
  CHECK(l.error() == "syslog: tls_config needs listen_protocol tcp");
  std::filesystem::remove_all(dir);
}
