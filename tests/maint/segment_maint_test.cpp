// Maintenance over segment objects: retention and deletes remove a segment only once no index
// ref points into it, a rewritten chunk of a segment becomes an object of its own, and rebuild
// and verify read segments as the chunks they hold.
#include <doctest/doctest.h>

#include "maint/index_rebuild.h"
#include "maint/index_verify.h"
#include "maint/retention.h"
#include "maint_test_util.h"

using namespace maint_test;

namespace {

const model::LabelSet kApi{{"app", "api"}};
const model::LabelSet kDebug{{"app", "debug"}};
const model::LabelSet kWeb{{"app", "web"}};
constexpr int64_t kHour = model::kNanosPerHour;

std::vector<std::string> lines(const std::vector<Row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.line);
  return out;
}

// One batch of three streams on one day: one segment holding three chunks.
void flush_three(DataDir& d) {
  std::vector<store::FlushedChunk> batch;
  batch.push_back(store_test::make_chunk("fake", kApi, {E(kDay0 + 1, "api 1"), E(kDay0 + 5 * kHour, "api 2")}));
  batch.push_back(store_test::make_chunk("fake", kDebug, {E(kDay0 + 2, "debug 1")}));
  batch.push_back(store_test::make_chunk("fake", kWeb, {E(kDay0 + 3, "web 1")}));
  d.flush("fake", std::move(batch));
  REQUIRE(d.count("fake/chunks", ".seg") == 1);
  REQUIRE(d.chunk_files("fake") == 0);
}

maint::VerifyOptions verify_all() {
  maint::VerifyOptions o;
  o.now = INT64_MAX / 2;  // everything is past the grace period
  return o;
}

}  // namespace

TEST_CASE_TEMPLATE("retention removes a segment only once none of its chunks is referenced", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  flush_three(d);
  maint::RetentionOptions o;
  o.now = kDay0 + 10 * kDay;
  o.rules.push_back(*maint::parse_retention_rule("{app=\"api\"}=24h"));
  auto r = maint::apply_retention(d.target(), "fake", o);
  REQUIRE(r.ok());
  CHECK(r->expired.size() == 1);
  CHECK(r->applied.chunks_removed == 0);       // debug and web still point into the segment
  CHECK(r->applied.chunks_kept.size() == 1);
  CHECK(d.count("fake/chunks", ".seg") == 1);
  CHECK(lines(d.all("fake")) == std::vector<std::string>{"debug 1", "web 1"});
  auto v = maint::verify_index(d.target(), "fake", verify_all());
  REQUIRE(v.ok());
  CHECK(v->ok());
  CHECK(v->orphans.empty());

  o.rules.push_back(*maint::parse_retention_rule("{app=~\"debug|web\"}=24h"));
  auto all = maint::apply_retention(d.target(), "fake", o);
  REQUIRE(all.ok());
  CHECK(all->expired.size() == 2);
  CHECK(all->applied.chunks_removed == 1);  // the segment, once
  CHECK(d.count("fake/chunks", ".seg") == 0);
  CHECK(d.all("fake").empty());
}

TEST_CASE_TEMPLATE("a delete rewrites a chunk of a segment as its own object; the segment stays for the others", B,
                   STORE_BACKENDS) {
  DataDir d(B::kind);
  flush_three(d);
  maint::DeleteOptions o;
  o.matchers = *maint::parse_selector("{app=\"api\"}");
  o.start = kDay0 + kHour;
  o.end = kDay0 + kDay;
  auto r = maint::delete_entries(d.target(), "fake", o);
  REQUIRE(r.ok());
  CHECK(r->entries_deleted == 1);
  REQUIRE(r->chunks_rewritten.size() == 1);
  CHECK(r->chunks_rewritten[0].find(".seg@") != std::string::npos);
  CHECK(d.chunk_files("fake") == 1);  // the rewritten api chunk
  CHECK(d.count("fake/chunks", ".seg") == 1);
  CHECK(lines(d.all("fake")) == std::vector<std::string>{"api 1", "debug 1", "web 1"});
  auto v = maint::verify_index(d.target(), "fake", verify_all());
  REQUIRE(v.ok());
  CHECK(v->ok());
  CHECK(v->refs == 3);

  // Deleting the rest leaves nothing pointing into the segment: it goes.
  o.matchers = *maint::parse_selector("{app=~\".+\"}");
  o.start = kDay0;
  auto rest = maint::delete_entries(d.target(), "fake", o);
  REQUIRE(rest.ok());
  CHECK(d.count("fake/chunks", ".seg") == 0);
  CHECK(d.chunk_files("fake") == 0);
  CHECK(d.all("fake").empty());
}

TEST_CASE_TEMPLATE("rebuild indexes every chunk of a segment from its trailer; verify agrees", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  flush_three(d);
  d.flush_one("fake", kApi, {E(kDay0 + kDay + 1, "api next day")});  // a plain chunk object beside it
  auto before = d.all("fake");
  REQUIRE(before.size() == 5);
  (void)std::system(("rm -rf '" + d.root() + "/fake/index'").c_str());
  CHECK(d.all("fake").empty());
  auto r = maint::rebuild_index(d.target(), "fake", maint::RebuildOptions{});
  REQUIRE(r.ok());
  CHECK(r->skipped.empty());
  CHECK(r->chunks_indexed == 4);
  CHECK(r->series == 3);
  CHECK(d.all("fake") == before);
  auto v = maint::verify_index(d.target(), "fake", verify_all());
  REQUIRE(v.ok());
  CHECK(v->ok());
  CHECK(v->refs == 4);
  CHECK(v->chunk_files == 2);
}

TEST_CASE_TEMPLATE("verify reports an unreferenced segment as an orphan and removes it on request", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  flush_three(d);
  // A crash between the segment and its index: the segment alone.
  (void)std::system(("rm -rf '" + d.root() + "/fake/index'").c_str());
  auto o = verify_all();
  o.remove_orphans = true;
  auto v = maint::verify_index(d.target(), "fake", o);
  REQUIRE(v.ok());
  REQUIRE(v->orphans.size() == 1);
  CHECK(v->orphans[0].ends_with(".seg"));
  CHECK(v->orphans_removed == 1);
  CHECK(d.count("fake/chunks", ".seg") == 0);
}
