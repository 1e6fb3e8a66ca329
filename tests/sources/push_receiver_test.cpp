// PushReceiver over loopback, driven by the curl command line as a pusher: Loki's JSON push
// example, a protobuf+snappy body (lib/push's encoder), Promtail's labeling order (`labels`
// override pushed labels, relabel_configs, "__" labels dropped), use_incoming_timestamp, raw
// lines, and a bad body answered 400 with nothing forwarded.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "push/protobuf_encoder.h"
#include "relabel/relabel_yaml.h"
#include "sources/push_receiver.h"

namespace {

struct Got {
  model::LabelSet labels;
  std::vector<model::Entry> entries;
};

struct Collector {
  std::mutex mu;
  std::vector<Got> got;
  sources::PushReceiver::Sink sink() {
    return [this](model::LabelSet l, std::vector<model::Entry> e) {
      std::lock_guard lock(mu);
      got.push_back({std::move(l), std::move(e)});
    };
  }
};

// Runs curl, returning the HTTP status it received.
int curl_status(const std::string& args) {
  std::string cmd = "curl -s -o /dev/null -w '%{http_code}' " + args;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[16] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  return n ? std::atoi(buf) : -1;
}

bool have_curl() { return std::system("command -v curl >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("push receiver: Loki's JSON push example, labels override, relabel, incoming timestamps") {
  if (!have_curl()) return;
  Collector c;
  sources::PushReceiverOptions o;
  o.listen_address = "127.0.0.1";
  o.labels = model::LabelSet{{"pushserver", "push1"}, {"foo", "overridden"}};
  o.use_incoming_timestamp = true;
  auto rules = relabel::parse_relabel_rules(YAML::Load(R"(
- source_labels: [__secret]
  target_label: from_meta
)"), "relabel_configs");
  o.relabel_rules = *rules;
  auto r = sources::PushReceiver::start(o, c.sink());
  REQUIRE(r.ok());
  std::string url = "http://127.0.0.1:" + std::to_string((*r)->port()) + "/loki/api/v1/push";
  // The example body from Loki's HTTP API docs, plus an internal label.
  std::string body =
      R"({"streams":[{"stream":{"foo":"bar2","__secret":"s"},"values":[["1570818238000000000","fizzbuzz"]]}]})";
  CHECK(curl_status("-H 'Content-Type: application/json' --data-raw '" + body + "' " + url) == 204);
  REQUIRE(c.got.size() == 1);
  CHECK(c.got[0].labels.to_string() == "{foo=\"overridden\", from_meta=\"s\", pushserver=\"push1\"}");
  REQUIRE(c.got[0].entries.size() == 1);
  CHECK(c.got[0].entries[0].line == "fizzbuzz");
  CHECK(c.got[0].entries[0].timestamp == 1570818238000000000);
  CHECK((*r)->entries_received() == 1);

  CHECK(curl_status("-H 'Content-Type: application/json' --data-raw '{\"streams\": [' " + url) == 400);
  CHECK(c.got.size() == 1);
}

TEST_CASE("push receiver: protobuf+snappy body; receive time without use_incoming_timestamp; raw lines") {
  if (!have_curl()) return;
  Collector c;
  sources::PushReceiverOptions o;
  o.listen_address = "127.0.0.1";
  o.labels = model::LabelSet{{"job", "relay"}};
  auto r = sources::PushReceiver::start(o, c.sink());
  REQUIRE(r.ok());
  push::PushRequest req;
  req.streams.push_back({model::LabelSet{{"app", "api"}}, {{1000, "one", {}}, {2000, "two", {}}}});
  std::string path = "/tmp/push_receiver_test_" + std::to_string(getpid()) + ".pb";
  {
    std::ofstream f(path, std::ios::binary);
    f << push::encode_protobuf_snappy(req);
  }
  std::string base = "http://127.0.0.1:" + std::to_string((*r)->port());
  CHECK(curl_status("-H 'Content-Type: application/x-protobuf' --data-binary @" + path + " " + base +
                    "/loki/api/v1/push") == 204);
  std::remove(path.c_str());
  REQUIRE(c.got.size() == 1);
  CHECK(c.got[0].labels.to_string() == "{app=\"api\", job=\"relay\"}");
  REQUIRE(c.got[0].entries.size() == 2);
  CHECK(c.got[0].entries[1].line == "two");
  CHECK(c.got[0].entries[0].timestamp > 1'600'000'000'000'000'000);  // now, not 1000

  {
    std::ofstream f(path, std::ios::binary);
    f << "a\r\nb\n";
  }
  CHECK(curl_status("--data-binary @" + path + " " + base + "/promtail/api/v1/raw") == 204);
  std::remove(path.c_str());
  REQUIRE(c.got.size() == 2);
  CHECK(c.got[1].labels.to_string() == "{job=\"relay\"}");
  REQUIRE(c.got[1].entries.size() == 2);
  CHECK(c.got[1].entries[0].line == "a");
  CHECK(c.got[1].entries[1].line == "b");
}
