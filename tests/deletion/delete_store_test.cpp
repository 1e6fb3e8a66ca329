#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "deletion/delete_filter_source.h"
#include "deletion/delete_store.h"
#include "logql/eval/memory_source.h"
#include "logql/parser.h"

using deletion::DeleteQuery;
using deletion::DeleteRequestStore;

namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kHour = 3600 * kSec;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/delete_store_test.XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("deletion: queries are log selectors with line filters only") {
  auto q = DeleteQuery::compile(R"({app="a", env=~"p.*"} |= "secret" != "keep")");
  REQUIRE(q.ok());
  CHECK((*q)->selects(model::LabelSet{{"app", "a"}, {"env", "prod"}}));
  CHECK_FALSE((*q)->selects(model::LabelSet{{"app", "b"}, {"env", "prod"}}));
  CHECK((*q)->matches_line("a secret line"));
  CHECK_FALSE((*q)->matches_line("a secret line to keep"));
  CHECK_FALSE((*q)->matches_line("plain"));
  for (const char* bad : {R"(sum(rate({app="a"}[1m])))", R"({app="a"} | json)", R"({app="a"} | level="x")", "app",
                          R"({app="a"} | line_format "x")"}) {
    auto r = DeleteQuery::compile(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == util::ErrorCode::kInvalidArgument);
    CHECK(r.error().find("invalid query expression") == 0);
  }
}

TEST_CASE("deletion: store adds, lists, shards, cancels and persists per tenant") {
  TempDir dir;
  const std::string path = dir.path + "/compactor/delete_requests.yaml";
  auto store = DeleteRequestStore::open(path);
  REQUIRE(store.ok());
  const int64_t now = 100 * kHour;
  auto id = (*store)->add("t1", R"({app="a"})", 10 * kHour, 20 * kHour, 0, now);
  REQUIRE(id.ok());
  CHECK(id->size() == 8);
  auto sharded = (*store)->add("t1", R"({app="b"} |= "x")", 0, 3 * kHour - 1, kHour, now + kSec);
  REQUIRE(sharded.ok());
  CHECK_FALSE((*store)->add("t1", R"({app="a"})", 20, 10, 0, now).ok());
  CHECK_FALSE((*store)->add("t1", R"({app="a"} | json)", 0, 10, 0, now).ok());

  auto listed = (*store)->list("t1");
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].request_id == *id);
  CHECK(listed[0].status == "received");
  CHECK(listed[1].start == 0);
  CHECK(listed[1].end == 3 * kHour - 1);
  CHECK((*store)->list("t2").empty());  // tenants are apart
  CHECK((*store)->active("t1").size() == 4);  // one request + three shards

  // Nothing is due within the cancel period; all four after it, oldest first.
  CHECK((*store)->due("t1", now + kHour, 24 * kHour).empty());
  auto due = (*store)->due("t1", now + 25 * kHour, 24 * kHour);
  REQUIRE(due.size() == 4);
  CHECK(due[0].request_id == *id);
  REQUIRE((*store)->mark_processed("t1", due[1]).ok());
  listed = (*store)->list("t1");
  CHECK(listed[1].status == "33% Complete");

  // Cancelling: not another tenant's, not a partly processed one, not after the period unless forced.
  CHECK((*store)->cancel("t2", *id, false, now, 24 * kHour).code() == util::ErrorCode::kNotFound);
  CHECK((*store)->cancel("t1", *sharded, false, now, 24 * kHour).code() == util::ErrorCode::kInvalidArgument);
  CHECK((*store)->cancel("t1", *id, false, now + 25 * kHour, 24 * kHour).code() == util::ErrorCode::kInvalidArgument);
  CHECK((*store)->cancel("t1", *id, false, now + kHour, 24 * kHour).ok());
  CHECK((*store)->list("t1").size() == 1);

  // Reopened from the file: the same requests, statuses included.
  auto again = DeleteRequestStore::open(path);
  REQUIRE(again.ok());
  auto relisted = (*again)->list("t1");
  REQUIRE(relisted.size() == 1);
  CHECK(relisted[0].request_id == *sharded);
  CHECK(relisted[0].status == "33% Complete");
  CHECK((*again)->due("t1", now + 25 * kHour, 24 * kHour).size() == 2);
}

TEST_CASE("deletion: queries through filter_deleted do not see deleted entries") {
  TempDir dir;
  auto store = DeleteRequestStore::open(dir.path + "/d.yaml");
  REQUIRE(store.ok());
  auto mem = std::make_unique<logql::MemorySource>();
  for (auto [ts, line] : {std::pair<int64_t, const char*>{10, "keep"}, {20, "secret one"}, {40, "secret late"}}) {
    mem->append(model::LabelSet{{"app", "a"}}, model::Entry{ts, line, {}});
  }
  mem->append(model::LabelSet{{"app", "b"}}, model::Entry{20, "secret b", {}});
  REQUIRE((*store)->add("t", R"({app="a"} |= "secret")", 0, 30, 0, 50).ok());
  REQUIRE((*store)->add("other", R"({app="b"})", 0, 30, 0, 50).ok());  // another tenant's: no effect here

  auto source = deletion::filter_deleted(std::move(mem), **store, "t");
  logql::SelectParams p;
  p.matchers = *logql::parse_matchers(R"({app=~"a|b"})");
  p.start = 0;
  p.end = 100;
  auto it = source->select(p);
  REQUIRE(it.ok());
  std::vector<std::string> lines;
  while ((*it)->next()) lines.push_back((*it)->entry().line);
  std::sort(lines.begin(), lines.end());
  CHECK(lines == std::vector<std::string>{"keep", "secret b", "secret late"});
}
