// Upkeep of a store shared by several processes: index compaction, deletions deferred by a
// delete delay (pending-deletion markers), the bucket lease, and logd's compactor role.
#include <doctest/doctest.h>

#include "logd/compactor.h"
#include "maint/index_compact.h"
#include "maint/index_verify.h"
#include "maint/maintenance_lock.h"
#include "maint/pending_deletions.h"
#include "maint/retention.h"
#include "maint_test_util.h"
#include "util/clock.h"

using namespace maint_test;

namespace {

const model::LabelSet kApi{{"app", "api"}};
const model::LabelSet kWeb{{"app", "web"}};
constexpr int64_t kMinute = model::kNanosPerMinute;

}  // namespace

TEST_CASE_TEMPLATE("index compaction merges a day's files into one; readers see the same", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "a1")});
  d.flush_one("fake", kWeb, {E(kDay0 + 2, "w1")});
  d.flush_one("fake", kApi, {E(kDay0 + 3, "a2")});
  d.flush_one("fake", kApi, {E(kDay0 + kDay + 1, "next day")});
  auto before = d.all("fake");
  REQUIRE(before.size() == 4);
  CHECK(d.index_files("fake") == 4);

  maint::IndexCompactOptions dry;
  dry.dry_run = true;
  auto plan = maint::compact_index(d.target(), "fake", dry);
  REQUIRE(plan.ok());
  CHECK(plan->periods == 1);
  CHECK(plan->files_in == 3);
  CHECK(d.index_files("fake") == 4);

  auto r = maint::compact_index(d.target(), "fake", maint::IndexCompactOptions{});
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r->applied.index_files_written == 1);
  CHECK(r->applied.index_files_removed == 3);
  CHECK(d.index_files("fake") == 2);
  CHECK(d.all("fake") == before);
  CHECK(d.chunk_files("fake") == 4);
  // Nothing left to merge.
  CHECK(maint::compact_index(d.target(), "fake", maint::IndexCompactOptions{})->periods == 0);
}

TEST_CASE("a delete delay keeps replaced index files and chunks until a later run past the deadline") {
  DataDir d(store_test::Backend::kRemote);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "old")});
  d.flush_one("fake", kApi, {E(kDay0 + 2, "new")});
  util::FakeClock clock(kDay0 + 10 * kDay);
  maint::Target t = d.target();
  t.clock = &clock;
  t.delete_delay_ns = 10 * kMinute;
  t.writer_id = "maint-test";

  // Compaction: the merged file is there at once, the two it replaces stay for readers.
  REQUIRE(maint::compact_index(t, "fake", maint::IndexCompactOptions{}).ok());
  CHECK(d.index_files("fake") == 3);
  auto snap = maint::load_tenant_index(t, "fake");
  REQUIRE(snap.ok());
  CHECK(snap->file_count() == 1);  // the replaced files are not part of a snapshot any more
  CHECK(snap->pending_index_files.size() == 2);
  CHECK(d.all("fake").size() == 2);

  // Retention of the older chunk: it stays, unreported by verify, until the deadline.
  maint::RetentionOptions ro;
  ro.now = kDay0 + 10 * kDay;
  ro.rules.push_back(*maint::parse_retention_rule("{app=\"api\"}=24h"));
  maint::RetentionOptions keep_new = ro;
  keep_new.now = kDay0 + 2 + 24 * model::kNanosPerHour;  // only "old" is past 24h
  auto ret = maint::apply_retention(t, "fake", keep_new);
  REQUIRE_MESSAGE(ret.ok(), ret.error());
  CHECK(ret->expired.size() == 1);
  CHECK(ret->applied.chunks_deferred == 1);
  CHECK(ret->applied.chunks_removed == 0);
  CHECK(d.chunk_files("fake") == 2);
  maint::VerifyOptions vo;
  vo.now = INT64_MAX / 2;
  auto v = maint::verify_index(t, "fake", vo);
  REQUIRE(v.ok());
  CHECK(v->problems.empty());
  CHECK(v->orphans.empty());

  auto early = maint::settle_pending_deletions(t, "fake");
  REQUIRE(early.ok());
  CHECK(early->markers == 0);
  clock.advance(10 * kMinute);
  auto settled = maint::settle_pending_deletions(t, "fake");
  REQUIRE_MESSAGE(settled.ok(), settled.error());
  CHECK(settled->markers == 3);  // the compaction, then retention's index files and its chunk
  CHECK(settled->index_files_removed == 3);
  CHECK(settled->chunks_removed == 1);
  CHECK(d.index_files("fake") == 1);
  CHECK(d.chunk_files("fake") == 1);
  CHECK(d.all("fake").size() == 1);
  CHECK(maint::list_pending_deletions(t, "fake")->empty());
}

TEST_CASE("a chunk flushed again before its deferred deletion is kept") {
  DataDir d(store_test::Backend::kRemote);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "again")});
  util::FakeClock clock(kDay0 + 10 * kDay);
  maint::Target t = d.target();
  t.clock = &clock;
  t.delete_delay_ns = kMinute;
  maint::RetentionOptions ro;
  ro.now = kDay0 + 10 * kDay;
  ro.retention_period = 24 * model::kNanosPerHour;
  REQUIRE(maint::apply_retention(t, "fake", ro).ok());
  d.flush_one("fake", kApi, {E(kDay0 + 1, "again")});  // a WAL replay: same content, same name
  clock.advance(kMinute);
  auto settled = maint::settle_pending_deletions(t, "fake");
  REQUIRE(settled.ok());
  CHECK(settled->chunks_kept.size() == 1);
  CHECK(d.all("fake").size() == 1);
}

TEST_CASE("the bucket lease admits one holder, names it, and is given back") {
  DataDir d(store_test::Backend::kRemote);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "x")});
  util::FakeClock clock;
  maint::Target t = d.target();
  t.clock = &clock;
  auto first = maint::BucketLease::acquire(t, "logd-a", 15 * kMinute);
  REQUIRE_MESSAGE(first.ok(), first.error());
  auto second = maint::BucketLease::acquire(t, "logidx-b", 15 * kMinute);
  REQUIRE_FALSE(second.ok());
  CHECK(second.code() == util::ErrorCode::kUnavailable);
  CHECK(second.error().find("logd-a") != std::string::npos);
  // Tenants are listed without the lease object.
  CHECK(maint::list_tenants(t).value() == std::vector<std::string>{"fake"});
  first->reset();
  auto third = maint::BucketLease::acquire(t, "logidx-b", 15 * kMinute);
  REQUIRE(third.ok());
  third->reset();
  // A holder that died leaves a lease that expires.
  REQUIRE(t.bucket->put(maint::kLeaseKey, "crashed " + std::to_string(clock.now_ns() + kMinute) + "\n").ok());
  CHECK_FALSE(maint::BucketLease::acquire(t, "logidx-c", 15 * kMinute).ok());
  clock.advance(2 * kMinute);
  CHECK(maint::BucketLease::acquire(t, "logidx-c", 15 * kMinute).ok());
}

TEST_CASE_TEMPLATE("logd's compactor merges index files and applies retention under the lock", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "old")});
  d.flush_one("fake", kWeb, {E(kDay0 + 10 * kDay, "new 1")});
  d.flush_one("fake", kWeb, {E(kDay0 + 10 * kDay + 1, "new 2")});
  util::FakeClock clock(kDay0 + 10 * kDay + 5);
  logd::Logger logger(logd::LogLevel::kError);
  logd::Metrics metrics;
  logd::CompactorOptions o;
  o.target = d.target();
  o.target.clock = &clock;
  o.data_dir = B::kind == store_test::Backend::kLocal ? d.tmp.path : "";
  o.owner = "logd-test";
  o.retention_enabled = true;
  o.retention.retention_period = 48 * model::kNanosPerHour;
  o.retention_delete_delay_ns = 0;
  logd::Compactor c(o, logger, metrics);
  CHECK(c.run_once() == 1);
  CHECK(metrics.compactions.value({"success"}) == 1);
  CHECK(metrics.retention_runs.value({"success"}) == 1);
  CHECK(metrics.index_files_compacted.value({"fake"}) == 2);
  CHECK(d.index_files("fake") == 1);
  std::vector<std::string> lines;
  for (const auto& r : d.all("fake")) lines.push_back(r.line);
  CHECK(lines == std::vector<std::string>{"new 1", "new 2"});
  // Another maintenance run holding the lock: the round is skipped, not failed.
  if (B::kind == store_test::Backend::kLocal) {
    auto held = maint::acquire_maintenance_lock(d.tmp.path);
    REQUIRE(held.ok());
    c.run_once();
    CHECK(metrics.compactions.value({"skipped"}) == 1);
  }
}
