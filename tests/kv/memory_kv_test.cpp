#include <doctest/doctest.h>

#include <mutex>
#include <thread>

#include "kv/memory_kv.h"

namespace {

constexpr int64_t kSecond = 1'000'000'000;

}  // namespace

TEST_CASE("kv: prefix_range_end") {
  CHECK(kv::prefix_range_end("a/") == "a0");
  CHECK(kv::prefix_range_end("collectors/ring/") == "collectors/ring0");
  CHECK(kv::prefix_range_end(std::string("a\xff", 2)) == "b");
  CHECK(kv::prefix_range_end("") == std::string(1, '\0'));
  CHECK(kv::prefix_range_end(std::string("\xff\xff", 2)) == std::string(1, '\0'));
}

TEST_CASE("memory kv: revisions, get, prefix ranges, delete") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  CHECK(store.revision() == 1);
  auto r1 = store.put("a/x", "1");
  REQUIRE(r1.ok());
  CHECK(*r1 == 2);
  REQUIRE(store.put("a/y", "2").ok());
  REQUIRE(store.put("b/z", "3").ok());
  REQUIRE(store.put("a/x", "1b").ok());

  auto x = store.get("a/x");
  REQUIRE(x.ok());
  REQUIRE(x->has_value());
  CHECK((*x)->value == "1b");
  CHECK((*x)->create_revision == 2);
  CHECK((*x)->mod_revision == 5);
  CHECK((*x)->version == 2);
  auto missing = store.get("a/nope");
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());

  auto range = store.get_prefix("a/");
  REQUIRE(range.ok());
  REQUIRE(range->kvs.size() == 2);
  CHECK(range->kvs[0].key == "a/x");
  CHECK(range->kvs[1].key == "a/y");
  CHECK(range->revision == 5);

  auto deleted = store.del("a/y");
  REQUIRE(deleted.ok());
  CHECK(*deleted == 1);
  auto again = store.del("a/y");
  REQUIRE(again.ok());
  CHECK(*again == 0);
  CHECK(store.revision() == 6);  // deleting nothing is no revision
}

TEST_CASE("memory kv: transactions compare versions, revisions and whole prefixes") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  auto created = store.txn({kv::key_missing("k")}, {kv::put_op("k", "v1"), kv::get_op("k")}, {});
  REQUIRE(created.ok());
  CHECK(created->succeeded);
  REQUIRE(created->gets.size() == 1);
  REQUIRE(created->gets[0].kvs.size() == 1);
  int64_t mod = created->gets[0].kvs[0].mod_revision;

  auto second = store.txn({kv::key_missing("k")}, {kv::put_op("k", "v2")}, {kv::get_op("k")});
  REQUIRE(second.ok());
  CHECK_FALSE(second->succeeded);
  REQUIRE(second->gets.size() == 1);
  CHECK(second->gets[0].kvs[0].value == "v1");

  auto cas = store.txn({kv::mod_revision_is("k", mod)}, {kv::put_op("k", "v3")}, {});
  REQUIRE(cas.ok());
  CHECK(cas->succeeded);
  auto stale = store.txn({kv::mod_revision_is("k", mod)}, {kv::put_op("k", "v4")}, {});
  REQUIRE(stale.ok());
  CHECK_FALSE(stale->succeeded);
  CHECK(store.get("k")->value().value == "v3");

  // none_created_after: holds on an empty prefix and until a key is created under it.
  int64_t read_at = store.revision();
  auto empty_prefix = store.txn({kv::none_created_after("p/", read_at)}, {kv::put_op("p/a", "1")}, {});
  REQUIRE(empty_prefix.ok());
  CHECK(empty_prefix->succeeded);
  int64_t after_a = store.revision();
  REQUIRE(store.put("p/a", "changed").ok());  // a change, not a creation
  auto still = store.txn({kv::none_created_after("p/", after_a)}, {kv::put_op("p/b", "1")}, {});
  REQUIRE(still.ok());
  CHECK(still->succeeded);
  auto stale_read = store.txn({kv::none_created_after("p/", after_a)}, {kv::put_op("p/c", "1")}, {});
  REQUIRE(stale_read.ok());
  CHECK_FALSE(stale_read->succeeded);  // p/b was created after that read
}

TEST_CASE("memory kv: leases expire on the clock, keep-alive renews, revoke deletes") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  auto lease = store.lease_grant(3);
  REQUIRE(lease.ok());
  CHECK(lease->ttl_seconds == 3);
  REQUIRE(store.put("l/a", "1", lease->id).ok());
  REQUIRE(store.put("l/b", "2", lease->id).ok());
  CHECK(store.put("l/c", "3", 12345).code() == util::ErrorCode::kNotFound);

  clock.advance(2 * kSecond);
  auto kept = store.lease_keep_alive(lease->id);
  REQUIRE(kept.ok());
  CHECK(*kept == 3);
  clock.advance(2 * kSecond);  // 4 s after the grant, 2 s after the renewal
  store.expire_leases();
  CHECK(store.get("l/a")->has_value());
  auto ttl = store.lease_time_to_live(lease->id);
  REQUIRE(ttl.ok());
  CHECK(ttl->ttl_seconds == 1);
  CHECK(ttl->granted_ttl_seconds == 3);
  CHECK(ttl->keys == std::vector<std::string>{"l/a", "l/b"});

  int64_t before = store.revision();
  clock.advance(1 * kSecond);
  store.expire_leases();
  CHECK_FALSE(store.get("l/a")->has_value());
  CHECK_FALSE(store.get("l/b")->has_value());
  CHECK(store.revision() == before + 1);  // both keys in one revision
  CHECK(store.lease_keep_alive(lease->id).code() == util::ErrorCode::kNotFound);

  auto other = store.lease_grant(10);
  REQUIRE(other.ok());
  REQUIRE(store.put("l/d", "4", other->id).ok());
  REQUIRE(store.lease_revoke(other->id).ok());
  CHECK_FALSE(store.get("l/d")->has_value());
  CHECK(store.lease_revoke(other->id).code() == util::ErrorCode::kNotFound);
}

TEST_CASE("memory kv: a watch stream reports puts and deletes from its start revision") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  REQUIRE(store.put("w/a", "1").ok());  // revision 2
  REQUIRE(store.put("x/other", "1").ok());
  REQUIRE(store.put("w/b", "2").ok());  // revision 4

  std::mutex mu;
  std::vector<kv::WatchEvent> seen;
  int64_t created_at = 0;
  std::stop_source stop;
  kv::WatchStreamCallbacks cb;
  cb.on_created = [&](int64_t rev) { created_at = rev; };
  cb.on_events = [&](const std::vector<kv::WatchEvent>& events, int64_t) {
    std::lock_guard lock(mu);
    seen.insert(seen.end(), events.begin(), events.end());
    if (seen.size() == 4) stop.request_stop();
  };
  std::thread watcher([&] {
    auto end = store.watch_stream("w/", 2, cb, stop.get_token());
    CHECK(end.ok());
    CHECK_FALSE(end->compacted);
  });
  REQUIRE(store.del("w/a").ok());
  REQUIRE(store.put("w/c", "3").ok());
  watcher.join();
  CHECK(created_at >= 4);
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].kv.key == "w/a");
  CHECK(seen[1].kv.key == "w/b");
  CHECK(seen[2].type == kv::WatchEvent::Type::kDelete);
  CHECK(seen[2].kv.key == "w/a");
  CHECK(seen[3].kv.key == "w/c");
  CHECK(seen[3].type == kv::WatchEvent::Type::kPut);
}

TEST_CASE("memory kv: compaction, unavailability and wipe end or refuse watches") {
  util::FakeClock clock;
  kv::MemoryKv store(clock);
  for (int i = 0; i < 5; ++i) REQUIRE(store.put("w/k", std::to_string(i)).ok());
  store.compact(4);
  auto compacted = store.watch_stream("w/", 2, {}, std::stop_token());
  REQUIRE(compacted.ok());
  CHECK(compacted->compacted);
  CHECK(compacted->compact_revision == 4);

  store.set_unavailable(true);
  CHECK(store.get("w/k").code() == util::ErrorCode::kUnavailable);
  CHECK(store.watch_stream("w/", 0, {}, std::stop_token()).code() == util::ErrorCode::kUnavailable);
  store.set_unavailable(false);

  // The store is wiped once the stream is open: the stream ends.
  kv::WatchStreamCallbacks cb;
  cb.on_created = [&](int64_t) { store.wipe(); };
  auto ended = store.watch_stream("w/", 0, cb, std::stop_token());
  CHECK(ended.code() == util::ErrorCode::kUnavailable);
  CHECK(store.revision() == 1);
  CHECK_FALSE(store.get("w/k")->has_value());
}
