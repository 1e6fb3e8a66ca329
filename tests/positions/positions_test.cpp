// Promtail's positions file: format, corrupt files, atomic replacement, and the store.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "fsutil/atomic_file.h"
#include "positions/positions_file.h"
#include "positions/positions_store.h"
#include "positions/positions_syncer.h"
#include "util/clock.h"

namespace {

// A fresh directory under /tmp, removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/positions-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string read_text(const std::string& path) {
  auto r = fsutil::read_file(path);
  REQUIRE_MESSAGE(r.ok(), r.error());
  return *r;
}

}  // namespace

TEST_CASE("positions file: Promtail's format, quoted offsets, sorted keys") {
  positions::PositionMap m{{"/var/log/syslog", "1234"}, {"/var/log/auth.log", "0"},
                           {"journal-my_job", "s=abc;i=1"}};
  CHECK(positions::format_positions(m) ==
        "positions:\n  /var/log/auth.log: \"0\"\n  /var/log/syslog: \"1234\"\n"
        "  journal-my_job: \"s=abc;i=1\"\n");
  CHECK(positions::format_positions({}) == "positions: {}\n");

  // What Promtail writes reads back, quoted or not.
  auto r = positions::parse_positions(
      "positions:\n  /var/log/syslog: \"1234\"\n  /var/log/x.log: 77\n");
  REQUIRE(r.ok());
  CHECK(r->at("/var/log/syslog") == "1234");
  CHECK(r->at("/var/log/x.log") == "77");
  auto again = positions::parse_positions(positions::format_positions(m));
  REQUIRE(again.ok());
  CHECK(*again == m);
  // An empty file and an empty map are both empty.
  CHECK(positions::parse_positions("")->empty());
  CHECK(positions::parse_positions("positions:\n")->empty());
}

TEST_CASE("positions file: corrupt content is an error unless ignore_invalid_yaml") {
  CHECK_FALSE(positions::parse_positions("positions: [1, 2]").ok());
  CHECK_FALSE(positions::parse_positions("positons: {}").ok());  // unknown key, strict
  CHECK_FALSE(positions::parse_positions("positions:\n  /a: \"12").ok());
  CHECK_FALSE(positions::parse_positions("positions:\n  /a: {x: 1}").ok());

  TempDir dir;
  std::string file = dir.path + "/positions.yaml";
  write_text(file, "positions:\n  /var/log/a.log: \"12\n\x01garbage");
  auto strict = positions::read_positions_file(file, false);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.error().starts_with("invalid yaml positions file [" + file + "]: "));
  auto tolerant = positions::read_positions_file(file, true);
  REQUIRE(tolerant.ok());
  CHECK(tolerant->empty());
  // Missing file: empty, no error.
  auto missing = positions::read_positions_file(dir.path + "/none.yaml", false);
  REQUIRE(missing.ok());
  CHECK(missing->empty());
}

TEST_CASE("positions store: round trip through the file") {
  TempDir dir;
  std::string file = dir.path + "/sub/positions.yaml";  // the directory is created
  {
    auto store = positions::PositionsStore::open({file});
    REQUIRE_MESSAGE(store.ok(), store.error());
    auto& s = **store;
    CHECK(*s.get("/var/log/a.log") == 0);
    s.put("/var/log/a.log", 4096);
    s.put("/var/log/b.log", 10, positions::FileId{2049, 1234567});
    s.put_string("journal-system", "cursor=xyz");
    REQUIRE(s.close().ok());
  }
  CHECK(read_text(file) ==
        "positions:\n  /var/log/a.log: \"4096\"\n  /var/log/b.log: \"10\"\n"
        "  journal-system: \"cursor=xyz\"\n  logtail-inode:/var/log/b.log: \"2049:1234567\"\n");
  auto store = positions::PositionsStore::open({file});
  REQUIRE(store.ok());
  auto& s = **store;
  CHECK(*s.get("/var/log/a.log") == 4096);
  CHECK(*s.get("/var/log/b.log") == 10);
  CHECK(s.get_file_id("/var/log/b.log") == positions::FileId{2049, 1234567});
  CHECK_FALSE(s.get_file_id("/var/log/a.log").has_value());
  CHECK(s.get_string("journal-system") == "cursor=xyz");
  CHECK_FALSE(s.get("journal-system").ok());  // a cursor is not an offset
  s.remove("/var/log/b.log");
  CHECK(*s.get("/var/log/b.log") == 0);
  CHECK_FALSE(s.get_file_id("/var/log/b.log").has_value());
}

TEST_CASE("positions store: corrupt file fails to open unless ignored, then is rewritten") {
  TempDir dir;
  std::string file = dir.path + "/positions.yaml";
  write_text(file, "{{{ not yaml");
  CHECK_FALSE(positions::PositionsStore::open({file}).ok());
  auto store = positions::PositionsStore::open({file, /*ignore_invalid_yaml=*/true});
  REQUIRE(store.ok());
  REQUIRE((*store)->sync().ok());
  CHECK(read_text(file) == "positions: {}\n");
}

TEST_CASE("positions store: sync writes only changes; read_only never writes") {
  TempDir dir;
  std::string file = dir.path + "/positions.yaml";
  auto store = positions::PositionsStore::open({file});
  REQUIRE(store.ok());
  auto& s = **store;
  s.put("/a", 1);
  REQUIRE(s.sync().ok());
  write_text(file, "positions:\n  /marker: \"1\"\n");  // detects an unnecessary rewrite
  s.put("/a", 1);  // same value: nothing changed
  REQUIRE(s.sync().ok());
  CHECK(read_text(file) == "positions:\n  /marker: \"1\"\n");
  s.put("/a", 2);
  REQUIRE(s.sync().ok());
  CHECK(read_text(file) == "positions:\n  /a: \"2\"\n");

  std::string ro_file = dir.path + "/ro.yaml";
  auto ro = positions::PositionsStore::open({ro_file, false, /*read_only=*/true});
  REQUIRE(ro.ok());
  (*ro)->put("/a", 5);
  REQUIRE((*ro)->sync().ok());
  struct stat st;
  CHECK(::stat(ro_file.c_str(), &st) != 0);
}

TEST_CASE("positions store: remove_missing_files keeps existing files and journal cursors") {
  TempDir dir;
  std::string present = dir.path + "/present.log";
  write_text(present, "x\n");
  auto store = positions::PositionsStore::open({dir.path + "/positions.yaml"});
  REQUIRE(store.ok());
  auto& s = **store;
  s.put(present, 2);
  s.put(dir.path + "/gone.log", 7, positions::FileId{1, 2});
  s.put_string("journal-job", "c1");
  s.put_string("cursor-job", "c2");
  CHECK(s.remove_missing_files() == 1);
  auto snap = s.snapshot();
  CHECK(snap.size() == 3);
  CHECK(snap.count(present) == 1);
  CHECK(snap.count("journal-job") == 1);
  CHECK(snap.count("cursor-job") == 1);
}

TEST_CASE("file_id_of tells a renamed-over file from the original") {
  TempDir dir;
  std::string a = dir.path + "/a.log", b = dir.path + "/b.log";
  write_text(a, "1\n");
  auto before = positions::file_id_of(a);
  REQUIRE(before.ok());
  write_text(b, "2\n");
  REQUIRE(::rename(b.c_str(), a.c_str()) == 0);  // rotation by rename
  auto after = positions::file_id_of(a);
  REQUIRE(after.ok());
  CHECK_FALSE(*after == *before);
  CHECK_FALSE(positions::file_id_of(b).ok());
}

TEST_CASE("positions store: a concurrent reader never sees a partial file") {
  TempDir dir;
  std::string file = dir.path + "/positions.yaml";
  auto store = positions::PositionsStore::open({file});
  REQUIRE(store.ok());
  auto& s = **store;
  // Large enough that a non-atomic write would be observed half-done.
  constexpr int kPaths = 400;
  for (int i = 0; i < kPaths; ++i) s.put("/var/log/app/file-" + std::to_string(i) + ".log", 0);
  REQUIRE(s.sync().ok());

  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, bad{0};
  std::thread reader([&] {
    while (!done.load()) {
      auto r = positions::read_positions_file(file, false);
      if (!r.ok() || r->size() != kPaths) ++bad;
      ++reads;
    }
  });
  std::thread writer([&] {
    for (int round = 1; round <= 60; ++round) {
      for (int i = 0; i < kPaths; ++i) {
        s.put("/var/log/app/file-" + std::to_string(i) + ".log", round * 1000 + i);
      }
      if (!s.sync().ok()) ++bad;
    }
  });
  // A second syncing thread: serialized syncs must leave the newest state on disk.
  std::thread syncer([&] {
    for (int i = 0; i < 60; ++i) (void)s.sync();
  });
  writer.join();
  syncer.join();
  done = true;
  reader.join();
  CHECK(bad.load() == 0);
  CHECK(reads.load() > 0);
  REQUIRE(s.sync().ok());
  auto final_state = positions::read_positions_file(file, false);
  REQUIRE(final_state.ok());
  CHECK(final_state->at("/var/log/app/file-399.log") == "60399");
  // No temporary files left behind.
  CHECK(std::system(("test $(ls -A '" + dir.path + "' | wc -l) -eq 1").c_str()) == 0);
}

TEST_CASE("positions syncer: writes every sync period of the clock, and only then") {
  TempDir dir;
  const std::string file = dir.path + "/positions.yaml";
  auto store = positions::PositionsStore::open({.filename = file});
  REQUIRE(store.ok());
  util::FakeClock clock;
  constexpr int64_t kPeriod = 10'000'000'000;  // 10s
  positions::PositionsSyncer syncer(**store, kPeriod, clock);
  (*store)->put("/var/log/a.log", 42);
  REQUIRE(clock.wait_for_sleepers(1));
  clock.advance(kPeriod - 1);
  REQUIRE(clock.wait_for_sleepers(1));  // still the first sleep: nothing written
  CHECK(::access(file.c_str(), F_OK) != 0);
  clock.advance(1);
  REQUIRE(clock.wait_for_sleepers(1));  // the period ended, the file was written, it sleeps again
  CHECK(read_text(file).find("/var/log/a.log: \"42\"") != std::string::npos);
  (*store)->put("/var/log/a.log", 43);
  syncer.stop();  // no last sync of its own: close() does that
  CHECK(read_text(file).find("\"42\"") != std::string::npos);
}
