// logidx's logic: retention, deletes, rebuild, verify and stats over a store written by the real
// LocalStore, checked through the real store reader; and the safety of the index swap against a
// flush that lands between the snapshot and the swap.
#include <doctest/doctest.h>
#include <unistd.h>

#include "chunk/chunk_reader.h"
#include "maint/index_rebuild.h"
#include "maint/index_stats.h"
#include "maint/index_update.h"
#include "maint/index_verify.h"
#include "maint/retention.h"
#include "maint_test_util.h"

using namespace maint_test;

namespace {

const model::LabelSet kApi{{"app", "api"}};
const model::LabelSet kDebug{{"app", "debug"}};
constexpr int64_t kHour = model::kNanosPerHour;

std::vector<std::string> lines(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.line);
  return out;
}

}  // namespace

TEST_CASE("retention rules: syntax, priority, shortest period among equals") {
  auto r = maint::parse_retention_rule("{app=\"debug\", env=~\"a=b@c\"}=24h@3");
  REQUIRE(r.ok());
  CHECK(r->period == 24 * kHour);
  CHECK(r->priority == 3);
  CHECK(r->matchers.size() == 2);
  CHECK(!maint::parse_retention_rule("{app=\"debug\"}").ok());
  CHECK(!maint::parse_retention_rule("{app=\"debug\"}=soon").ok());
  CHECK(!maint::parse_retention_rule("{app=\"debug\"}=0s").ok());
  CHECK(!maint::parse_retention_rule("{app=~\".*\"}=1h").ok());  // LogQL: needs a non-empty matcher
  CHECK(!maint::parse_retention_rule("{app=\"x\"}=1h@high").ok());

  maint::RetentionOptions o;
  o.retention_period = 744 * kHour;
  o.rules.push_back(*maint::parse_retention_rule("{app=\"debug\"}=24h"));
  o.rules.push_back(*maint::parse_retention_rule("{app=~\"deb.*\"}=12h"));
  o.rules.push_back(*maint::parse_retention_rule("{env=\"prod\"}=2160h@1"));
  CHECK(maint::retention_for(kApi, o) == 744 * kHour);
  CHECK(maint::retention_for(kDebug, o) == 12 * kHour);  // equal priority: the shorter
  CHECK(maint::retention_for(model::LabelSet{{"app", "debug"}, {"env", "prod"}}, o) == 2160 * kHour);
  o.retention_period = 0;
  CHECK(maint::retention_for(kApi, o) == 0);  // kept forever
}

TEST_CASE_TEMPLATE("retention deletes expired chunks and index entries; dry run lists them only", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  int64_t now = kDay0 + 10 * kDay;
  d.flush_one("fake", kApi, {E(kDay0, "api old")});                       // 10 days old
  d.flush_one("fake", kApi, {E(now - kHour, "api new")});                 // 1 hour old
  d.flush_one("fake", kDebug, {E(now - 30 * kHour, "debug old")});        // past the debug rule
  d.flush_one("fake", kDebug, {E(now - 2 * kHour, "debug new")});
  // A chunk that is only partly expired stays whole (Loki's granularity).
  d.flush_one("fake", kApi, {E(now - 9 * kDay, "api partly"), E(now - kHour + 1, "api partly new")});
  maint::RetentionOptions o;
  o.now = now;
  o.retention_period = 5 * kDay;
  o.rules.push_back(*maint::parse_retention_rule("{app=\"debug\"}=24h"));
  o.dry_run = true;
  auto dry = maint::apply_retention(d.target(), "fake", o);
  REQUIRE(dry.ok());
  CHECK(dry->expired.size() == 2);
  CHECK(d.chunk_files("fake") == 5);
  CHECK(d.all("fake").size() == 6);

  o.dry_run = false;
  auto r = maint::apply_retention(d.target(), "fake", o);
  REQUIRE(r.ok());
  CHECK(r->expired.size() == 2);
  CHECK(r->applied.chunks_removed == 2);
  CHECK(d.chunk_files("fake") == 3);
  CHECK(lines(d.all("fake")) ==
        std::vector<std::string>{"api partly", "debug new", "api new", "api partly new"});
  // The day that held only expired data has no index left.
  CHECK(maint_test::list_files(d.root() + "/fake/index/" + store::period_dir_name(idx::period_of(kDay0)), ".idx").empty());
}

TEST_CASE_TEMPLATE("an index file flushed between snapshot and swap survives, and so do its chunks", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0, "old 1")});
  d.flush_one("fake", kApi, {E(kDay0 + 1, "old 2")});
  auto snap = maint::load_tenant_index(d.target(), "fake");
  REQUIRE(snap.ok());
  // logd flushes meanwhile, into the same period, including a re-flush of a chunk the
  // maintenance run is about to drop (same content, same name).
  d.flush_one("fake", kApi, {E(kDay0 + 2, "new")});
  d.flush_one("fake", kApi, {E(kDay0, "old 1")});
  maint::ChunkChange change;
  for (const auto& [file, c] : maint::indexed_chunks(*snap)) change.removed.insert(file);
  auto r = maint::apply_change(d.target(), *snap, change);
  REQUIRE(r.ok());
  CHECK(r->index_files_removed == 2);
  CHECK(r->chunks_removed == 1);
  CHECK(r->chunks_kept.size() == 1);  // referenced by the file flushed meanwhile
  CHECK(lines(d.all("fake")) == std::vector<std::string>{"old 1", "new"});
}

TEST_CASE_TEMPLATE("publish_index_file never replaces an existing file", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  std::string dir = d.root() + "/fake/index/2024-01-01";
  std::map<model::LabelSet, std::set<idx::ChunkRef>> content;
  content[kApi].insert(idx::ChunkRef{"2024-01-01/x.chunk", kDay0, kDay0, 1, 1});
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    auto n = maint::publish_index_file(d.target(), "fake", idx::period_of(kDay0), content);
    REQUIRE(n.ok());
    names.insert(*n);
  }
  CHECK(names.size() == 20);
  CHECK(maint_test::list_files(dir, ".idx").size() == 20);
  CHECK(maint_test::list_files(dir, "").size() == 20);  // no temporary left behind
}

TEST_CASE_TEMPLATE("delete removes entries of matching streams in [from, to), rewriting partial chunks", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "a1"), E(kDay0 + 5, "a5"), E(kDay0 + 9, "a9")});
  d.flush_one("fake", kApi, {E(kDay0 + 6, "a6")});
  d.flush_one("fake", kDebug, {E(kDay0 + 5, "d5")});
  maint::DeleteOptions o;
  o.matchers = *maint::parse_selector("{app=\"api\"}");
  o.start = kDay0 + 5;
  o.end = kDay0 + 9;
  o.dry_run = true;
  auto dry = maint::delete_entries(d.target(), "fake", o);
  REQUIRE(dry.ok());
  CHECK(dry->entries_deleted == 2);
  CHECK(dry->chunks_deleted.size() == 1);
  CHECK(dry->chunks_rewritten.size() == 1);
  CHECK(d.all("fake").size() == 5);
  o.dry_run = false;
  auto r = maint::delete_entries(d.target(), "fake", o);
  REQUIRE(r.ok());
  CHECK(r->entries_deleted == 2);
  CHECK(lines(d.all("fake")) == std::vector<std::string>{"a1", "d5", "a9"});
  CHECK(d.chunk_files("fake") == 2);
  auto v = maint::verify_index(d.target(), "fake", maint::VerifyOptions{});
  REQUIRE(v.ok());
  CHECK(v->ok());
  maint::DeleteOptions empty = o;
  empty.end = empty.start;
  CHECK(!maint::delete_entries(d.target(), "fake", empty).ok());
}

TEST_CASE_TEMPLATE("rebuild recreates a lost index from the chunk files", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "a"), E(kDay0 + kDay + 1, "next day")});
  d.flush_one("fake", kDebug, {E(kDay0 + 2 * kDay, "d")});
  auto before = d.all("fake");
  REQUIRE(before.size() == 3);
  (void)std::system(("rm -rf '" + d.root() + "/fake/index'").c_str());
  CHECK(d.all("fake").empty());
  auto r = maint::rebuild_index(d.target(), "fake", maint::RebuildOptions{});
  REQUIRE(r.ok());
  CHECK(r->chunks_indexed == 2);
  CHECK(r->series == 2);
  CHECK(r->applied.index_files_written == 3);  // the api chunk overlaps two days
  CHECK(d.all("fake") == before);
  auto v = maint::verify_index(d.target(), "fake", maint::VerifyOptions{});
  REQUIRE(v.ok());
  CHECK(v->problems.empty());
  // Rebuilding again replaces the files (one per period), content unchanged.
  auto again = maint::rebuild_index(d.target(), "fake", maint::RebuildOptions{});
  REQUIRE(again.ok());
  CHECK(again->applied.index_files_removed == 3);
  CHECK(d.index_files("fake") == 3);
  CHECK(d.all("fake") == before);
}

TEST_CASE_TEMPLATE("verify finds missing, corrupt and unindexed chunks and bad index files", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "a")});
  d.flush_one("fake", kDebug, {E(kDay0 + 2, "b")});
  maint::VerifyOptions o;
  o.now = INT64_MAX / 2;  // everything is past the grace period
  auto clean = maint::verify_index(d.target(), "fake", o);
  REQUIRE(clean.ok());
  CHECK(clean->ok());
  CHECK(clean->refs == 2);
  CHECK(clean->chunk_files == 2);

  auto paths = d.chunk_paths("fake");
  std::string data = read_all(paths[0]);
  data[40] ^= 0x01;
  write_all(paths[0], data);
  ::unlink(paths[1].c_str());
  std::string stray = paths[0].substr(0, paths[0].rfind('/')) + "/0000000000000000-1-2-00000000.chunk";
  write_all(stray, "x");
  write_all(d.root() + "/fake/index/2024-01-01/99999999999999999999.idx", "garbage");
  auto r = maint::verify_index(d.target(), "fake", o);
  REQUIRE(r.ok());
  CHECK(!r->ok());
  std::string all;
  for (const auto& p : r->problems) all += p + "\n";
  CHECK(all.find("block 0") != std::string::npos);
  CHECK(all.find("indexed but missing") != std::string::npos);
  CHECK(all.find("99999999999999999999.idx") != std::string::npos);
  REQUIRE(r->orphans.size() == 1);
  CHECK(r->orphans[0].find("0000000000000000-1-2") != std::string::npos);
  // Young orphans are not reported (logd indexes a chunk right after writing it).
  maint::VerifyOptions young = o;
  young.now = 0;
  young.grace = INT64_MAX / 4;
  CHECK(maint::verify_index(d.target(), "fake", young)->orphans.empty());
  o.remove_orphans = true;
  auto fixed = maint::verify_index(d.target(), "fake", o);
  REQUIRE(fixed.ok());
  CHECK(fixed->orphans_removed == 1);
  CHECK(::access(stray.c_str(), F_OK) != 0);
}

TEST_CASE_TEMPLATE("stats counts series, chunks, bytes and label cardinality", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  for (int pod = 0; pod < 5; ++pod)
    d.flush_one("fake", model::LabelSet{{"app", "api"}, {"pod", "p" + std::to_string(pod)}}, {E(kDay0 + pod, "12345")});
  d.flush_one("fake", kDebug, {E(kDay0 + 9, "xy"), E(kDay0 + 10, "z")});
  auto st = maint::tenant_stats(d.target(), "fake", 2);
  REQUIRE(st.ok());
  CHECK(st->series == 6);
  CHECK(st->chunks == 6);
  CHECK(st->entries == 7);
  CHECK(st->bytes == 5 * 5 + 3);
  CHECK(st->file_bytes > 0);
  REQUIRE(st->labels.size() == 2);
  CHECK(st->labels[0].name == "pod");
  CHECK(st->labels[0].values == 5);
  CHECK(st->labels[1].name == "app");
  CHECK(st->labels[1].values == 2);
  CHECK(st->labels[1].series == 6);
  REQUIRE(st->top_values.size() == 2);
  CHECK(st->top_values[0].name == "app");
  CHECK(st->top_values[0].value == "api");
  CHECK(st->top_values[0].series == 5);
  auto json = maint::format_stats_json(*st);
  CHECK(json.find("\"series\":6,\"chunks\":6,\"entries\":7,\"bytes\":28") != std::string::npos);
  CHECK(maint::format_stats_text(*st).find("app=\"api\"") != std::string::npos);
}

TEST_CASE("the maintenance lock admits one run at a time") {
  DataDir d;
  auto a = maint::acquire_maintenance_lock(d.tmp.path);
  REQUIRE(a.ok());
  CHECK(!maint::acquire_maintenance_lock(d.tmp.path).ok());
}

TEST_CASE_TEMPLATE("a run interrupted after any step leaves the same visible data", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0 + 1, "a"), E(kDay0 + 2, "b")});
  d.flush_one("fake", kApi, {E(kDay0 + 2, "b"), E(kDay0 + 3, "c")});
  auto before = d.all("fake");
  REQUIRE(before.size() == 3);
  auto snap = maint::load_tenant_index(d.target(), "fake");
  REQUIRE(snap.ok());
  // Step 1 done: the merged chunk is on disk, unindexed. Nothing visible changes.
  std::vector<chunk::ChunkReader> readers;
  for (const auto& [file, c] : maint::indexed_chunks(*snap)) {
    auto r = maint::open_chunk(d.target(), "fake", file);
    REQUIRE(r.ok());
    readers.push_back(std::move(*r));
  }
  auto merged = maint::merge_chunks({&readers[0], &readers[1]}, maint::RewriteOptions{});
  REQUIRE(merged.ok());
  auto written = maint::write_chunk(d.target(), "fake", merged->at(0));
  REQUIRE(written.ok());
  CHECK(d.all("fake") == before);
  // Step 2 done: a new index file lists it beside the old ones. Readers collapse the duplicates.
  std::map<model::LabelSet, std::set<idx::ChunkRef>> content;
  content[kApi].insert(written->ref);
  REQUIRE(maint::publish_index_file(d.target(), "fake", idx::period_of(kDay0), content).ok());
  CHECK(d.all("fake") == before);
  // Step 3 done: the old index files are gone; the old chunks are orphans until step 4.
  for (const auto& f : snap->periods.begin()->second.files)
    REQUIRE(::unlink((d.root() + "/fake/index/" + store::period_dir_name(snap->periods.begin()->first) + "/" + f).c_str()) == 0);
  CHECK(d.all("fake") == before);
  maint::VerifyOptions o;
  o.now = INT64_MAX / 2;
  o.remove_orphans = true;
  auto v = maint::verify_index(d.target(), "fake", o);
  REQUIRE(v.ok());
  CHECK(v->problems.empty());
  CHECK(v->orphans.size() == 2);
  CHECK(v->orphans_removed == 2);
  CHECK(d.all("fake") == before);
  CHECK(d.chunk_files("fake") == 1);
}

TEST_CASE_TEMPLATE("chunk names from an index never steer a deletion outside the chunk directory", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0, "a")});
  for (const char* bad : {"../../../victim", "2024-01-01/../../victim", "victim", "2024-01-01/a/b.chunk"}) {
    CAPTURE(bad);
    CHECK(!maint::remove_unreferenced_chunks(d.target(), "fake", {bad}).ok());
  }
  CHECK(!maint::load_tenant_index(d.target(), "..").ok());
}

TEST_CASE_TEMPLATE("an index file with a ref outside the chunk directory is bad and left alone", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0, "a")});
  std::map<model::LabelSet, std::set<idx::ChunkRef>> content;
  content[kDebug].insert(idx::ChunkRef{"2024-01-01/../../../../victim", kDay0, kDay0, 1, 1});
  REQUIRE(maint::publish_index_file(d.target(), "fake", idx::period_of(kDay0), content).ok());
  auto snap = maint::load_tenant_index(d.target(), "fake");
  REQUIRE(snap.ok());
  REQUIRE(snap->bad_files.size() == 1);
  CHECK(snap->bad_files[0].find("not a chunk path") != std::string::npos);
  CHECK(maint::indexed_chunks(*snap).size() == 1);
  CHECK(maint::is_chunk_path("2024-01-01/x.chunk"));
  CHECK(!maint::is_chunk_path("2024-01-01/"));
  CHECK(!maint::is_chunk_path("2024-13-01/x.chunk"));
}
