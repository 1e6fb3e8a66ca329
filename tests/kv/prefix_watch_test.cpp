#include <doctest/doctest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "kv/memory_kv.h"
#include "kv/prefix_watch.h"
#include "watch_recorder.h"

using Recorder = kv_test::WatchRecorder;

TEST_CASE("prefix watch: snapshot, events, resume after an outage, re-read after compaction or a wiped store") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  REQUIRE(store.put("a/1", "one").ok());
  REQUIRE(store.put("other", "x").ok());
  Recorder rec;
  std::jthread watcher([&](std::stop_token stop) { kv::run_prefix_watch(store, clock, "a/", rec.handler(), stop); });
  REQUIRE(rec.wait([&] { return rec.connected == 1; }));
  CHECK(rec.snapshots == 1);
  CHECK(rec.contents == std::map<std::string, std::string>{{"a/1", "one"}});

  REQUIRE(store.put("a/2", "two").ok());
  REQUIRE(store.del("a/1").ok());
  REQUIRE(rec.wait([&] { return rec.log.size() == 2; }));

  SUBCASE("resumes from the revision after the last event: nothing missed, nothing twice") {
    store.set_unavailable(true);
    REQUIRE(rec.wait([&] { return rec.errors == 1; }));
    REQUIRE(clock.wait_for_sleepers(1));  // backing off
    store.set_unavailable(false);
    REQUIRE(store.put("a/3", "three").ok());  // while the watcher is away
    clock.advance(1'000'000'000);
    REQUIRE(rec.wait([&] { return rec.log.size() == 3; }));
    CHECK(rec.log == std::vector<std::string>{"put a/2", "delete a/1", "put a/3"});
    CHECK(rec.snapshots == 1);
    CHECK(rec.connected == 2);
  }

  SUBCASE("a compacted start revision makes it read the prefix again") {
    store.set_unavailable(true);
    REQUIRE(rec.wait([&] { return rec.errors == 1; }));
    REQUIRE(clock.wait_for_sleepers(1));
    store.set_unavailable(false);
    REQUIRE(store.put("a/4", "four").ok());
    REQUIRE(store.put("a/5", "five").ok());
    store.compact(store.revision());  // the put of a/4 is gone from the history
    clock.advance(1'000'000'000);
    REQUIRE(rec.wait([&] { return rec.snapshots == 2 && rec.connected == 2; }));
    CHECK(rec.contents == std::map<std::string, std::string>{{"a/2", "two"}, {"a/4", "four"}, {"a/5", "five"}});
    REQUIRE(store.put("a/6", "six").ok());
    REQUIRE(rec.wait([&] { return rec.contents.count("a/6") == 1; }));
  }

  SUBCASE("a store whose revisions went backwards (wiped) is read again") {
    store.wipe();
    REQUIRE(rec.wait([&] { return rec.errors == 1; }));
    REQUIRE(clock.wait_for_sleepers(1));
    REQUIRE(store.put("a/9", "nine").ok());  // revision 2, below what the watcher saw
    clock.advance(1'000'000'000);
    REQUIRE(rec.wait([&] { return rec.snapshots == 2 && rec.connected == 2; }));
    CHECK(rec.contents == std::map<std::string, std::string>{{"a/9", "nine"}});
  }

  watcher.request_stop();
}
