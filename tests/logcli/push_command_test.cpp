// logcli push over a scripted transport: what reaches the server, the checkpoint, resuming, and
// which failures stop the copy. One entry per batch (--batch-size=1) keeps batches predictable.
#include <doctest/doctest.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "fsutil/atomic_file.h"
#include "logcli/push_command.h"
#include "push/decode.h"

namespace {

namespace fs = std::filesystem;

struct Log {
  std::mutex mu;
  std::vector<push::PushRequest> accepted;
  std::vector<std::string> tenants;
};

// Answers the statuses in `script` in turn, then 204; records the requests it accepted.
class ScriptedTransport : public client::Transport {
 public:
  ScriptedTransport(Log& log, std::deque<int> script) : log_(log), script_(std::move(script)) {}
  client::PostResult post(std::string_view body, const std::string& tenant, const std::atomic<bool>&) override {
    int status = 204;
    if (!script_.empty()) {
      status = script_.front();
      script_.pop_front();
    }
    client::PostResult r;
    r.status = status;
    if (status / 100 != 2) {
      r.error = "server returned HTTP status " + std::to_string(status) + ": scripted";
      return r;
    }
    auto req = push::decode_body(push::BodyFormat::Protobuf, body);
    REQUIRE(req.ok());
    std::lock_guard lock(log_.mu);
    log_.accepted.push_back(std::move(*req));
    log_.tenants.push_back(tenant);
    return r;
  }

 private:
  Log& log_;
  std::deque<int> script_;
};

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("logcli-push-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(reinterpret_cast<uintptr_t>(this)));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

std::string entry_line(int i) {
  return R"({"labels":{"app":"web"},"line":"line )" + std::to_string(i) +
         R"(","timestamp":"2026-12-01T10:00:0)" + std::to_string(i) + R"(Z"})" + "\n";
}

logcli::PushOptions one_per_batch(std::vector<std::string> inputs, std::string checkpoint = "") {
  logcli::PushOptions o;
  o.inputs = std::move(inputs);
  o.batch_size = 1;
  o.batch_wait_ns = 1'000'000;
  o.min_backoff_ns = 1'000'000;
  o.max_backoff_ns = 2'000'000;
  o.max_retries = 2;
  o.checkpoint = std::move(checkpoint);
  o.quiet = true;
  return o;
}

std::vector<std::string> lines_of(Log& log) {
  std::vector<std::string> out;
  for (const auto& r : log.accepted)
    for (const auto& s : r.streams)
      for (const auto& e : s.entries) out.push_back(e.line);
  return out;
}

int run(logcli::PushOptions o, Log& log, std::deque<int> script, std::string* err_text = nullptr) {
  logcli::ClientOptions c;
  c.addr = "http://127.0.0.1:1";
  c.org_id = "tenant-a";
  std::FILE* err = std::tmpfile();
  int rc = logcli::run_push(c, o, err, util::system_clock(), std::make_unique<ScriptedTransport>(log, std::move(script)));
  if (err_text) {
    std::rewind(err);
    char buf[4096];
    size_t n = std::fread(buf, 1, sizeof buf, err);
    err_text->assign(buf, n);
  }
  std::fclose(err);
  return rc;
}

}  // namespace

TEST_CASE("logcli push sends labels, timestamps, structured metadata and --label to the tenant") {
  TempDir dir;
  std::string in = dir.file("in.jsonl",
                            R"({"labels":{"app":"web","env":"prod"},"line":"hello","timestamp":"2026-12-01T10:00:00.5Z"})"
                            "\n\n"
                            R"({"labels":{"app":"db"},"line":"with md","structured_metadata":{"trace_id":"abc"},"ts":1764583200000000001})"
                            "\n");
  Log log;
  auto o = one_per_batch({in});
  o.extra_labels.set("migrated", "yes");
  o.batch_size = 1 << 20;
  REQUIRE(run(o, log, {}) == 0);
  std::vector<push::Stream> streams;
  for (auto& r : log.accepted)
    for (auto& s : r.streams) streams.push_back(s);
  REQUIRE(streams.size() == 2);
  std::sort(streams.begin(), streams.end(), [](auto& a, auto& b) { return a.labels < b.labels; });
  CHECK(streams[0].labels == model::LabelSet{{"app", "db"}, {"migrated", "yes"}});
  CHECK(streams[0].entries.at(0).timestamp == 1764583200000000001);
  CHECK(streams[0].entries.at(0).metadata == model::LabelSet{{"trace_id", "abc"}});
  CHECK(streams[1].labels == model::LabelSet{{"app", "web"}, {"env", "prod"}, {"migrated", "yes"}});
  CHECK(streams[1].entries.at(0).timestamp == 1796119200500000000);
  CHECK(streams[1].entries.at(0).line == "hello");
  CHECK(log.tenants.at(0) == "tenant-a");
}

TEST_CASE("logcli push stops on a batch that keeps failing, and a rerun resumes after the last acknowledged one") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 6; ++i) text += entry_line(i);
  std::string in = dir.file("in.jsonl", text);
  std::string ckpt = (dir.path / "ckpt").string();

  Log first;
  std::string err;
  // Two batches accepted, then the third fails on every attempt (1 + 2 retries).
  CHECK(run(one_per_batch({in}, ckpt), first, {204, 204, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503,
                                                503, 503, 503, 503},
            &err) == 1);
  CHECK(err.find("stopped: server returned HTTP status 503") != std::string::npos);
  CHECK(err.find("run again with the same --checkpoint") != std::string::npos);
  REQUIRE(lines_of(first).size() >= 2);
  CHECK(lines_of(first)[0] == "line 0");
  CHECK(lines_of(first)[1] == "line 1");

  Log second;
  REQUIRE(run(one_per_batch({in}, ckpt), second, {}) == 0);
  // Resumed right after the second line: lines 2..5, each once, in order.
  CHECK(lines_of(second) == std::vector<std::string>{"line 2", "line 3", "line 4", "line 5"});

  Log third;  // everything acknowledged: nothing left to send
  REQUIRE(run(one_per_batch({in}, ckpt), third, {}) == 0);
  CHECK(lines_of(third).empty());

  // More input appended to the same file: only the new lines go.
  std::ofstream(in, std::ios::app) << entry_line(6);
  Log fourth;
  REQUIRE(run(one_per_batch({in}, ckpt), fourth, {}) == 0);
  CHECK(lines_of(fourth) == std::vector<std::string>{"line 6"});
}

TEST_CASE("logcli push counts what the server refuses for good and goes on") {
  TempDir dir;
  std::string in = dir.file("in.jsonl", entry_line(0) + entry_line(1) + entry_line(2));
  std::string ckpt = (dir.path / "ckpt").string();
  Log log;
  std::string err;
  auto o = one_per_batch({in}, ckpt);
  o.quiet = false;
  CHECK(run(o, log, {204, 400}, &err) == 1);
  CHECK(lines_of(log) == std::vector<std::string>{"line 0", "line 2"});
  CHECK(err.find("3 read, 2 accepted") != std::string::npos);
  CHECK(err.find("1 refused") != std::string::npos);
  CHECK(err.find("refused: server returned HTTP status 400") != std::string::npos);
  // The refused entry is settled: a rerun does not send it again.
  Log again;
  REQUIRE(run(one_per_batch({in}, ckpt), again, {}) == 0);
  CHECK(lines_of(again).empty());
}

TEST_CASE("logcli push: bad input names its line; a checkpoint of other inputs is refused") {
  TempDir dir;
  std::string in = dir.file("in.jsonl", entry_line(0) + "{\"labels\":{},\"timestamp\":\"2026-12-01T10:00:00Z\"}\n");
  Log log;
  std::string err;
  CHECK(run(one_per_batch({in}), log, {}, &err) == 2);
  CHECK(err.find("in.jsonl: line 2: missing string field \"line\"") != std::string::npos);
  CHECK(lines_of(log) == std::vector<std::string>{"line 0"});  // what was read before is delivered

  std::string other = dir.file("other.jsonl", entry_line(0));
  std::string ckpt = (dir.path / "ckpt").string();
  REQUIRE(run(one_per_batch({other}, ckpt), log, {}) == 0);
  CHECK(run(one_per_batch({in}, ckpt), log, {}, &err) == 2);
  CHECK(err.find("was written for the input(s)") != std::string::npos);

  logcli::ClientOptions c;
  c.org_id = "a|b";
  std::FILE* null = std::tmpfile();
  CHECK(logcli::run_push(c, one_per_batch({in}), null) == 2);
  std::fclose(null);
}
