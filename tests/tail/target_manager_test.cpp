// TargetManager end to end over real files: discovery with globs and exclusions, Promtail's
// labels, new and vanished files, backpressure with acknowledgements, positions and restart,
// metrics. The manager runs its own thread, so the tests wait with bounded polling loops (no
// timing assertions: only "eventually, within 10 s").
#include "tail/target_manager.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "tail/bounded_line_queue.h"
#include "tail_test_util.h"

using tail::BoundedLineQueue;
using tail::QueuedLine;
using tail::TargetManager;
using tail_test::append;

namespace {

bool eventually(const std::function<bool()>& cond) {
  for (int i = 0; i < 1000; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

tail::TargetManagerOptions fast_options() {
  tail::TargetManagerOptions o;
  o.sync_period_ns = 50 * model::kNanosPerMilli;
  o.min_poll_ns = 10 * model::kNanosPerMilli;
  o.max_poll_ns = 50 * model::kNanosPerMilli;
  return o;
}

struct Collector {
  BoundedLineQueue& queue;
  std::vector<QueuedLine> got;
  // Pops whatever is queued, acknowledging it when `ack`.
  size_t drain(bool ack = true) {
    std::vector<QueuedLine> batch;
    queue.pop(batch, 1000, 0);
    for (auto& l : batch) {
      if (ack) l.acknowledge();
      got.push_back(std::move(l));
    }
    return got.size();
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& l : got) out.push_back(l.line);
    return out;
  }
};

std::unique_ptr<positions::PositionsStore> open_positions(const std::string& file) {
  auto store = positions::PositionsStore::open({file, false, false});
  REQUIRE(store.ok());
  return std::move(*store);
}

}  // namespace

TEST_CASE("tail manager: globs, exclusions, Promtail's labels, new and vanished files") {
  tail_test::TempDir dir;
  append(dir / "a.log", "a1\n");
  append(dir / "skip.log", "never\n");
  append(dir / "notes.txt", "never\n");
  auto positions = open_positions(dir / "positions.yaml");
  BoundedLineQueue queue(100, 1 << 20);
  TargetManager manager(fast_options(), positions.get(), &queue);
  REQUIRE(manager.set_targets({model::LabelSet{{"job", "varlogs"},
                                               {"__path__", dir / "*.log"},
                                               {"__path_exclude__", dir / "skip.log"},
                                               {"__address__", "localhost"}}})
              .ok());
  manager.start();
  Collector c{queue, {}};
  REQUIRE(eventually([&] { return c.drain() >= 1; }));
  CHECK(c.got[0].line == "a1");
  CHECK(c.got[0].cursor->labels() == model::LabelSet{{"filename", dir / "a.log"}, {"job", "varlogs"}});

  append(dir / "b.log", "b1\n");  // discovered at a later sync
  REQUIRE(eventually([&] { return c.drain() >= 2; }));
  CHECK(c.got[1].line == "b1");
  CHECK(c.got[1].cursor->path() == dir / "b.log");
  CHECK(manager.files_active() == 2);

  ::unlink((dir / "b.log").c_str());  // vanished: its tailer stops and its position goes
  REQUIRE(eventually([&] { return manager.files_active() == 1; }));
  CHECK(positions->snapshot().count(dir / "b.log") == 0);
  manager.stop();
  CHECK(c.lines() == std::vector<std::string>{"a1", "b1"});
}

TEST_CASE("tail manager: malformed globs are rejected, targets without __path__ dropped") {
  tail_test::TempDir dir;
  auto positions = open_positions(dir / "positions.yaml");
  BoundedLineQueue queue(10, 1024);
  TargetManager manager(fast_options(), positions.get(), &queue);
  auto st = manager.set_targets({model::LabelSet{{"__path__", dir / "[a.log"}}});
  CHECK_FALSE(st.ok());
  CHECK(st.error().find("__path__") != std::string::npos);
  CHECK(manager.set_targets({model::LabelSet{{"job", "x"}}}).ok());
}

TEST_CASE("tail manager: a stalled consumer stops reading; positions follow acknowledgements only") {
  tail_test::TempDir dir;
  std::string path = dir / "app.log";
  for (int i = 0; i < 10; ++i) append(path, "line " + std::to_string(i) + "\n");  // 7 bytes each
  auto positions = open_positions(dir / "positions.yaml");
  BoundedLineQueue queue(3, 1 << 20);
  TargetManager manager(fast_options(), positions.get(), &queue);
  queue.set_space_callback([&] { manager.wake(); });
  REQUIRE(manager.set_targets({model::LabelSet{{"__path__", dir / "*.log"}}}).ok());
  manager.start();
  REQUIRE(eventually([&] { return queue.size() == 3; }));
  // Let the manager poll a few more times: it must not read past what the queue holds.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto stats = manager.stats();
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].read_offset == 21);
  CHECK(stats[0].lines_read == 3);
  CHECK(*positions->get(path) == 0);  // nothing acknowledged

  Collector c{queue, {}};
  c.drain(/*ack=*/false);  // popped but not yet acknowledged (e.g. logd is down)
  REQUIRE(eventually([&] { return queue.size() == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(*positions->get(path) == 0);
  for (auto& l : c.got) l.acknowledge();
  REQUIRE(eventually([&] { return *positions->get(path) == 21; }));
  REQUIRE(eventually([&] { return c.drain() == 10; }));
  REQUIRE(eventually([&] { return *positions->get(path) == 70; }));
  manager.stop();
  CHECK(c.lines().back() == "line 9");
  REQUIRE(positions->sync().ok());
}

TEST_CASE("tail manager: restart from the positions file resumes exactly") {
  tail_test::TempDir dir;
  std::string path = dir / "app.log";
  append(path, "1\n2\n3\n");
  std::vector<std::string> all;
  {
    auto positions = open_positions(dir / "positions.yaml");
    BoundedLineQueue queue(100, 1 << 20);
    TargetManager manager(fast_options(), positions.get(), &queue);
    REQUIRE(manager.set_targets({model::LabelSet{{"__path__", path}}}).ok());
    manager.start();
    Collector c{queue, {}};
    REQUIRE(eventually([&] { return c.drain(false) == 3; }));
    c.got[0].acknowledge();
    c.got[1].acknowledge();  // "3" was read but never shipped
    manager.stop();
    REQUIRE(positions->close().ok());
    for (int i = 0; i < 2; ++i) all.push_back(c.got[i].line);
  }
  append(path, "4\n");
  auto positions = open_positions(dir / "positions.yaml");
  CHECK(*positions->get(path) == 4);
  BoundedLineQueue queue(100, 1 << 20);
  TargetManager manager(fast_options(), positions.get(), &queue);
  REQUIRE(manager.set_targets({model::LabelSet{{"__path__", path}}}).ok());
  manager.start();
  Collector c{queue, {}};
  REQUIRE(eventually([&] { return c.drain() == 2; }));
  manager.stop();
  for (const auto& l : c.lines()) all.push_back(l);
  CHECK(all == std::vector<std::string>{"1", "2", "3", "4"});
}

TEST_CASE("tail manager: rotation by rename while running loses and duplicates nothing") {
  tail_test::TempDir dir;
  std::string path = dir / "app.log";
  auto positions = open_positions(dir / "positions.yaml");
  BoundedLineQueue queue(10000, 1 << 24);
  auto options = fast_options();
  SUBCASE("inotify") {}
  SUBCASE("polling only") { options.use_inotify = false; }
  TargetManager manager(options, positions.get(), &queue);
  REQUIRE(manager.set_targets({model::LabelSet{{"__path__", dir / "*.log"}}}).ok());
  append(path, "");
  manager.start();
  Collector c{queue, {}};
  std::vector<std::string> expected;
  int n = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) {
      expected.push_back("line " + std::to_string(n));
      append(path, "line " + std::to_string(n++) + "\n");
    }
    // The tailer must be on this file before it rotates again (two rotations between two reads
    // would skip a whole file, in Promtail too).
    REQUIRE(eventually([&] { return c.drain() >= expected.size(); }));
    std::string rotated = dir / ("app.log." + std::to_string(round));  // not matched by *.log
    REQUIRE(::rename(path.c_str(), rotated.c_str()) == 0);
    for (int i = 0; i < 5; ++i) {  // still written to the old file after the rename
      expected.push_back("line " + std::to_string(n));
      append(rotated, "line " + std::to_string(n++) + "\n");
    }
    append(path, "");
  }
  REQUIRE(eventually([&] { return c.drain() >= expected.size(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  c.drain();
  manager.stop();
  CHECK(c.lines() == expected);
}

TEST_CASE("tail manager: Promtail's metrics") {
  tail_test::TempDir dir;
  std::string path = dir / "m.log";
  append(path, "x\nyy\n");
  auto positions = open_positions(dir / "positions.yaml");
  BoundedLineQueue queue(100, 1 << 20);
  TargetManager manager(fast_options(), positions.get(), &queue);
  REQUIRE(manager.set_targets({model::LabelSet{{"__path__", path}}}).ok());
  manager.start();
  REQUIRE(eventually([&] { return queue.size() == 2; }));
  std::string m = manager.render_metrics();
  manager.stop();
  CHECK(m.find("promtail_read_lines_total{path=\"" + path + "\"} 2\n") != std::string::npos);
  CHECK(m.find("promtail_read_bytes_total{path=\"" + path + "\"} 5\n") != std::string::npos);
  CHECK(m.find("promtail_file_bytes_total{path=\"" + path + "\"} 5\n") != std::string::npos);
  CHECK(m.find("promtail_files_active_total 1\n") != std::string::npos);
}
