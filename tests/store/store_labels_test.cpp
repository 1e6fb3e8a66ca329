#include <doctest/doctest.h>

#include "store_test_util.h"

using logql::ast::MatchOp;
using model::LabelSet;
using namespace store_test;

namespace {

using Strings = std::vector<std::string>;

// Day 0: api/prod (2 chunks), web/prod with a team label. Day 1: db/dev. Ranges inside day 0
// split the api chunks: [kDay0, kDay0+100) holds the first only.
void populate(TestStore& s) {
  std::vector<store::FlushedChunk> b;
  b.push_back(make_chunk("t", LabelSet{{"app", "api"}, {"env", "prod"}}, {E(kDay0 + 10, "a"), E(kDay0 + 20, "bb")}));
  b.push_back(make_chunk("t", LabelSet{{"app", "api"}, {"env", "prod"}}, {E(kDay0 + 200, "ccc")}));
  b.push_back(make_chunk("t", LabelSet{{"app", "web"}, {"env", "prod"}, {"team", "x"}}, {E(kDay0 + 300, "dddd")}));
  b.push_back(make_chunk("t", LabelSet{{"app", "db"}, {"env", "dev"}, {"region", "eu"}}, {E(kDay0 + kDay + 5, "e")}));
  REQUIRE(s->write_chunks("t", std::move(b)).ok());
}

}  // namespace

TEST_CASE_TEMPLATE("store: label names over whole days and partial ranges", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  populate(s);
  auto names = s->label_names("t", kDay0, kDay0 + 2 * kDay);
  REQUIRE(names.ok());
  CHECK(*names == Strings{"app", "env", "region", "team"});
  auto day0 = s->label_names("t", kDay0, kDay0 + kDay);
  CHECK(*day0 == Strings{"app", "env", "team"});
  // Partial day: only series with a chunk in range count.
  auto early = s->label_names("t", kDay0, kDay0 + 100);
  CHECK(*early == Strings{"app", "env"});
  CHECK(s->label_names("t", kDay0 + 3 * kDay, kDay0 + 4 * kDay)->empty());
  CHECK(s->label_names("nobody", kDay0, kDay0 + kDay)->empty());
  CHECK_FALSE(s->label_names("../x", kDay0, kDay0 + kDay).ok());
}

TEST_CASE_TEMPLATE("store: label values, with and without matchers", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  populate(s);
  CHECK(*s->label_values("t", "app", {}, kDay0, kDay0 + 2 * kDay) == Strings{"api", "db", "web"});
  CHECK(*s->label_values("t", "app", {}, kDay0, kDay0 + 250) == Strings{"api"});
  CHECK(*s->label_values("t", "app", {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + 2 * kDay) == Strings{"api", "web"});
  CHECK(*s->label_values("t", "env", {M("app", MatchOp::Re, "d.*")}, kDay0, kDay0 + 2 * kDay) == Strings{"dev"});
  CHECK(*s->label_values("t", "team", {M("app", MatchOp::Neq, "web")}, kDay0, kDay0 + 2 * kDay) == Strings{});
  CHECK(s->label_values("t", "nope", {}, kDay0, kDay0 + 2 * kDay)->empty());
}

TEST_CASE_TEMPLATE("store: series and stats", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  populate(s);
  auto all = s->series("t", {M("app", MatchOp::Re, ".+")}, kDay0, kDay0 + 2 * kDay);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0] == LabelSet{{"app", "api"}, {"env", "prod"}});
  CHECK((*all)[1] == LabelSet{{"app", "db"}, {"env", "dev"}, {"region", "eu"}});
  auto prod = s->series("t", {M("env", MatchOp::Eq, "prod")}, kDay0 + 250, kDay0 + kDay);
  REQUIRE(prod->size() == 1);
  CHECK((*prod)[0].get("app") == "web");

  auto st = s->stats("t", {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + 2 * kDay);
  REQUIRE(st.ok());
  CHECK(st->streams == 2);
  CHECK(st->chunks == 3);
  CHECK(st->entries == 4);
  CHECK(st->bytes == 1 + 2 + 3 + 4);
  auto st2 = s->stats("t", {M("app", MatchOp::Eq, "api")}, kDay0 + 150, kDay0 + kDay);
  CHECK(st2->streams == 1);
  CHECK(st2->chunks == 1);
  CHECK(st2->entries == 1);
  CHECK(st2->bytes == 3);
  auto none = s->stats("t", {M("app", MatchOp::Eq, "zzz")}, kDay0, kDay0 + kDay);
  CHECK(none->streams == 0);
  CHECK(none->chunks == 0);
}

TEST_CASE_TEMPLATE("store: a chunk spanning midnight counts once in stats and series", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  std::vector<store::FlushedChunk> b{
      make_chunk("t", LabelSet{{"app", "x"}}, {E(kDay0 + kDay - 1, "a"), E(kDay0 + kDay + 1, "b")})};
  REQUIRE(s->write_chunks("t", std::move(b)).ok());
  auto st = s->stats("t", {M("app", MatchOp::Eq, "x")}, kDay0, kDay0 + 2 * kDay);
  CHECK(st->chunks == 1);
  CHECK(st->entries == 2);
  CHECK(s->series("t", {M("app", MatchOp::Eq, "x")}, kDay0, kDay0 + 2 * kDay)->size() == 1);
}
