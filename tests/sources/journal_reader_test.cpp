// JournalReader over journal files written in the test by systemd-journal-remote from
// export-format input (no running journald): MESSAGE lines, __journal_* meta labels and the
// priority keyword through relabel_configs, json: true, realtime timestamps, resuming after a
// cursor, and max_age skipping old entries.
#include <doctest/doctest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "relabel/relabel_yaml.h"
#include "sources/journal_cursor_tracker.h"
#include "sources/journal_reader.h"

namespace {

constexpr const char* kJournalRemote = "/lib/systemd/systemd-journal-remote";

struct Got {
  model::LabelSet labels;
  model::Entry entry;
  uint64_t sequence;
};

struct Collector {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Got> got;
  std::vector<std::string> saved;  // save_cursor's calls
  sources::JournalReader::Sink sink() {
    return [this](model::LabelSet l, model::Entry e, uint64_t seq) {
      std::lock_guard lock(mu);
      got.push_back({std::move(l), std::move(e), seq});
      cv.notify_all();
    };
  }
  // Records saved cursors; `o` must outlive the reader started with it.
  void hook(sources::JournalReaderOptions& o) {
    o.save_cursor = [this](const std::string& c) {
      std::lock_guard lock(mu);
      saved.push_back(c);
      cv.notify_all();
    };
  }
  std::vector<std::string> wait_saved(size_t n) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return saved.size() >= n; });
    return saved;
  }
  std::vector<Got> wait_for(size_t n, std::chrono::milliseconds t = std::chrono::seconds(10)) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, t, [&] { return got.size() >= n; });
    return got;
  }
};

// Writes `export_text` (journal export format) as a journal file in a fresh directory.
std::string make_journal(const std::string& export_text) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("journal_reader_test_" + std::to_string(getpid()) + "_" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count())))
                        .string();
  std::filesystem::create_directories(dir);
  std::string cmd = std::string(kJournalRemote) + " -o " + dir + "/test.journal - 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "w");
  REQUIRE(p != nullptr);
  fwrite(export_text.data(), 1, export_text.size(), p);
  REQUIRE(pclose(p) == 0);
  return dir;
}

std::string export_entry(uint64_t realtime_us, const std::string& fields) {
  return "__REALTIME_TIMESTAMP=" + std::to_string(realtime_us) + "\n__MONOTONIC_TIMESTAMP=" +
         std::to_string(realtime_us % 1000000) + "\n_BOOT_ID=0123456789abcdef0123456789abcdef\n" + fields + "\n";
}

uint64_t now_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

TEST_CASE("journal: priority keywords as Promtail names them") {
  CHECK(sources::journal_priority_keyword("0") == "emerg");
  CHECK(sources::journal_priority_keyword("3") == "error");
  CHECK(sources::journal_priority_keyword("6") == "info");
  CHECK(sources::journal_priority_keyword("x") == "x");
}

TEST_CASE("journal reader: labels, lines, timestamps, cursor resume, max_age, json") {
  if (access(kJournalRemote, X_OK) != 0) {
    MESSAGE("systemd-journal-remote not installed: skipped");
    return;
  }
  uint64_t now = now_us();
  uint64_t old = now - 10ULL * 3600 * 1000000;  // 10h ago: beyond the default max_age of 7h
  std::string dir = make_journal(
      export_entry(old, "MESSAGE=too old\nPRIORITY=6\n_SYSTEMD_UNIT=demo.service\n") +
      export_entry(now - 2000, "MESSAGE=hello journal\nPRIORITY=6\n_SYSTEMD_UNIT=demo.service\n_HOSTNAME=box\n") +
      export_entry(now - 1000, "MESSAGE=second\nPRIORITY=3\n_SYSTEMD_UNIT=demo.service\n") +
      export_entry(now - 500, "NO_MESSAGE=1\n_SYSTEMD_UNIT=demo.service\n"));
  auto rules = relabel::parse_relabel_rules(YAML::Load(R"(
- source_labels: [__journal__systemd_unit]
  target_label: unit
- source_labels: [__journal_priority_keyword]
  target_label: level
)"), "relabel_configs");
  REQUIRE(rules.ok());

  sources::JournalReaderOptions o;
  o.path = dir;
  o.labels = model::LabelSet{{"job", "systemd-journal"}};
  o.relabel_rules = *rules;
  std::string first_cursor;
  {
    Collector c;
    c.hook(o);
    auto r = sources::JournalReader::start(o, c.sink());
    REQUIRE(r.ok());
    auto got = c.wait_for(2);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more arrives
    got = c.wait_for(2);
    // Without `acknowledged`, each entry's cursor is saved once the sink returns; the entry
    // without MESSAGE was skipped, and its cursor saved too (nothing before it is pending).
    auto saved = c.wait_saved(3);
    REQUIRE(got.size() == 2);  // "too old" is past max_age; the entry without MESSAGE is skipped
    CHECK(got[0].entry.line == "hello journal");
    CHECK(got[0].entry.timestamp == static_cast<int64_t>(now - 2000) * 1000);
    CHECK(got[0].labels.to_string() == "{job=\"systemd-journal\", level=\"info\", unit=\"demo.service\"}");
    CHECK(got[1].entry.line == "second");
    CHECK(got[1].labels.get("level") == "error");
    CHECK(got[0].sequence == 1);
    CHECK(got[1].sequence == 2);
    REQUIRE(saved.size() == 3);
    CHECK(!saved[0].empty());
    CHECK(saved[0] != saved[1]);
    CHECK(saved[1] != saved[2]);
    first_cursor = saved[0];
    o.save_cursor = nullptr;
  }
  SUBCASE("resume after a cursor") {
    Collector c;
    o.cursor = first_cursor;
    auto r = sources::JournalReader::start(o, c.sink());
    REQUIRE(r.ok());
    auto got = c.wait_for(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    got = c.wait_for(1);
    REQUIRE(got.size() == 1);
    CHECK(got[0].entry.line == "second");
  }
  SUBCASE("max_age 30h reaches the old entry; json lines hold every field") {
    Collector c;
    o.max_age_ns = 30LL * 3600 * 1'000'000'000;
    o.json = true;
    auto r = sources::JournalReader::start(o, c.sink());
    REQUIRE(r.ok());
    auto got = c.wait_for(4);
    REQUIRE(got.size() == 4);
    CHECK(got[0].entry.line.find("\"MESSAGE\":\"too old\"") != std::string::npos);
    CHECK(got[1].entry.line.find("\"_HOSTNAME\":\"box\"") != std::string::npos);
    CHECK(got[3].entry.line.find("\"NO_MESSAGE\":\"1\"") != std::string::npos);  // json ships it
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal reader: matches ship only the entries with every field matching") {
  if (access(kJournalRemote, X_OK) != 0) {
    MESSAGE("systemd-journal-remote not installed: skipped");
    return;
  }
  uint64_t now = now_us();
  std::string dir = make_journal(
      export_entry(now - 4000, "MESSAGE=a3\nPRIORITY=3\n_SYSTEMD_UNIT=a.service\n") +
      export_entry(now - 3000, "MESSAGE=a6\nPRIORITY=6\n_SYSTEMD_UNIT=a.service\n") +
      export_entry(now - 2000, "MESSAGE=b3\nPRIORITY=3\n_SYSTEMD_UNIT=b.service\n") +
      export_entry(now - 1000, "MESSAGE=a4\nPRIORITY=4\n_SYSTEMD_UNIT=a.service\n"));
  sources::JournalReaderOptions o;
  o.path = dir;
  o.labels = model::LabelSet{{"job", "j"}};
  auto lines_of = [&](std::vector<std::string> matches, size_t expect) {
    o.matches = std::move(matches);
    Collector c;
    auto r = sources::JournalReader::start(o, c.sink());
    REQUIRE(r.ok());
    c.wait_for(expect);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing more arrives
    std::vector<std::string> lines;
    for (const Got& g : c.wait_for(expect)) lines.push_back(g.entry.line);
    return lines;
  };
  // Different fields: both must hold.
  CHECK(lines_of({"_SYSTEMD_UNIT=a.service", "PRIORITY=3"}, 1) == std::vector<std::string>{"a3"});
  // The same field twice: either value (sd-journal's rule, which Promtail inherits).
  CHECK(lines_of({"_SYSTEMD_UNIT=a.service", "PRIORITY=3", "PRIORITY=4"}, 2) ==
        std::vector<std::string>{"a3", "a4"});
  CHECK(lines_of({"_SYSTEMD_UNIT=b.service"}, 1) == std::vector<std::string>{"b3"});
  CHECK(lines_of({"_SYSTEMD_UNIT=none"}, 0).empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal reader: the cursor is saved only up to what was acknowledged") {
  if (access(kJournalRemote, X_OK) != 0) {
    MESSAGE("systemd-journal-remote not installed: skipped");
    return;
  }
  uint64_t now = now_us();
  std::string dir = make_journal(export_entry(now - 3000, "MESSAGE=one\n") + export_entry(now - 2000, "MESSAGE=two\n") +
                                 export_entry(now - 1000, "MESSAGE=three\n"));
  sources::JournalReaderOptions o;
  o.path = dir;
  o.labels = model::LabelSet{{"job", "j"}};
  std::atomic<uint64_t> acked{0};
  o.acknowledged = [&acked] { return acked.load(); };
  Collector c;
  c.hook(o);
  std::vector<std::string> all;  // every entry's cursor, from a reader without acknowledgements
  {
    sources::JournalReaderOptions plain = o;
    plain.acknowledged = nullptr;
    Collector p;
    p.hook(plain);
    auto r = sources::JournalReader::start(plain, p.sink());
    REQUIRE(r.ok());
    all = p.wait_saved(3);
    REQUIRE(all.size() == 3);
  }
  auto r = sources::JournalReader::start(o, c.sink());
  REQUIRE(r.ok());
  REQUIRE(c.wait_for(3).size() == 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the reader looks every 250ms
  CHECK(c.wait_saved(0).empty());  // nothing delivered, nothing saved
  acked = 2;
  auto saved = c.wait_saved(1);
  REQUIRE(saved.size() == 1);
  CHECK(saved[0] == all[1]);  // resume after "two"
  (*r)->stop();
  acked = 3;  // the clients settle the rest while shutting down
  (*r)->save_acknowledged_cursor();
  saved = c.wait_saved(2);
  REQUIRE(saved.size() == 2);
  CHECK(saved[1] == all[2]);
  std::filesystem::remove_all(dir);
}

TEST_CASE("journal cursor tracker: in-flight entries hold the cursor back; filtered ones ride along") {
  sources::JournalCursorTracker t;
  t.filtered("c0");  // nothing in flight: settled at once
  CHECK(t.advance(0) == std::optional<std::string>("c0"));
  CHECK(!t.advance(0).has_value());  // unchanged: nothing to save
  t.handed_on(1, "c1");
  t.handed_on(2, "c2");
  t.filtered("c2b");  // after 2: saved once 2 is acknowledged
  t.handed_on(3, "c3");
  CHECK(!t.advance(0).has_value());
  CHECK(t.advance(1) == std::optional<std::string>("c1"));
  CHECK(t.advance(2) == std::optional<std::string>("c2b"));
  CHECK(t.in_flight() == 1);
  CHECK(t.advance(5) == std::optional<std::string>("c3"));
  CHECK(t.in_flight() == 0);
}

TEST_CASE("journal reader: a missing directory is an error") {
  sources::JournalReaderOptions o;
  o.path = "/nonexistent/journal/dir";
  Collector c;
  auto r = sources::JournalReader::start(o, c.sink());
  // sd_journal_open_directory fails for a missing directory.
  CHECK(!r.ok());
}
