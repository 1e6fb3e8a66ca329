#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "logql/parser.h"
#include "store/layout.h"
#include "store/bucket_store.h"
#include "store_test_util.h"

using logql::Direction;
using logql::ast::MatchOp;
using model::LabelSet;
using namespace store_test;

namespace {

std::vector<std::string> files_under(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ext) {
      out.push_back(std::filesystem::relative(e.path(), dir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const LabelSet kApi{{"app", "api"}, {"env", "prod"}};
const LabelSet kWeb{{"app", "web"}, {"env", "prod"}};
const LabelSet kDev{{"app", "api"}, {"env", "dev"}};

// Three streams on 2024-01-01 in one batch.
void write_three_streams(TestStore& s) {
  std::vector<store::FlushedChunk> batch;
  batch.push_back(make_chunk("fake", kApi, {E(kDay0 + 10, "api 1"), E(kDay0 + 30, "api 3"), E(kDay0 + 50, "api 5")}));
  batch.push_back(make_chunk("fake", kWeb, {E(kDay0 + 20, "web 2"), E(kDay0 + 40, "web 4")}));
  batch.push_back(make_chunk("fake", kDev, {E(kDay0 + 35, "dev 3.5")}));
  REQUIRE(s->write_chunks("fake", std::move(batch)).ok());
}

}  // namespace

TEST_CASE_TEMPLATE("store: files land in the documented layout (packing off)", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind, "logd", nullptr, nullptr, 0);  // packing off: one file per chunk
  write_three_streams(s);
  auto chunks = files_under(dir.path + "/fake/chunks", ".chunk");
  REQUIRE(chunks.size() == 3);
  for (const auto& c : chunks) {
    CHECK(c.rfind("2024-01-01/", 0) == 0);
    CHECK(c.find('-', 11 + 16) == 11 + 16);  // 16 hex digits of fingerprint, then '-'
  }
  std::string api_prefix = store::chunk_file_name(kApi.fingerprint(), kDay0 + 10, kDay0 + 50, 0);
  api_prefix = "2024-01-01/" + api_prefix.substr(0, api_prefix.size() - 14);  // without crc and ".chunk"
  CHECK(std::count_if(chunks.begin(), chunks.end(), [&](const std::string& c) { return c.rfind(api_prefix, 0) == 0; }) == 1);
  auto index = files_under(dir.path + "/fake/index", ".idx");
  REQUIRE(index.size() == 1);
  CHECK(index[0].rfind("2024-01-01/", 0) == 0);
  CHECK(index[0].size() == 11 + 20 + 5 + 4);  // 20-digit sequence, "-" and the writer id ("logd"), ".idx"
  CHECK(index[0].substr(11 + 20) == "-logd.idx");
  CHECK(store::is_index_file_name(index[0].substr(11)));
  // No temporary files are left behind.
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path)) {
    CHECK(e.path().filename().string().find(".tmp") == std::string::npos);
  }
  CHECK(s->counters().chunks_written == 3);
  CHECK(s->counters().index_files_written == 1);
}

TEST_CASE_TEMPLATE("store: written entries read back in order, both directions", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  write_three_streams(s);
  auto src = s.source("fake");
  auto all = select(*src, {M("env", MatchOp::Re, ".+")}, kDay0, kDay0 + kDay);
  std::vector<Row> want = {
      {kApi.to_string(), kDay0 + 10, "api 1"}, {kWeb.to_string(), kDay0 + 20, "web 2"},
      {kApi.to_string(), kDay0 + 30, "api 3"}, {kDev.to_string(), kDay0 + 35, "dev 3.5"},
      {kWeb.to_string(), kDay0 + 40, "web 4"}, {kApi.to_string(), kDay0 + 50, "api 5"},
  };
  CHECK(all == want);
  auto back = select(*src, {M("env", MatchOp::Re, ".+")}, kDay0, kDay0 + kDay, Direction::Backward);
  std::reverse(want.begin(), want.end());
  CHECK(back == want);

  SUBCASE("the range is [start, end)") {
    auto r = select(*src, {M("app", MatchOp::Eq, "api")}, kDay0 + 30, kDay0 + 50);
    CHECK(r == std::vector<Row>{{kApi.to_string(), kDay0 + 30, "api 3"}, {kDev.to_string(), kDay0 + 35, "dev 3.5"}});
    CHECK(select(*src, {M("app", MatchOp::Eq, "api")}, kDay0 + 51, kDay0 + 60).empty());
    CHECK(select(*src, {M("app", MatchOp::Eq, "api")}, kDay0 + 30, kDay0 + 30).empty());
  }
  SUBCASE("matchers: equality, negative, regex, negative regex") {
    CHECK(select(*src, {M("app", MatchOp::Eq, "web")}, kDay0, kDay0 + kDay).size() == 2);
    auto not_web = select(*src, {M("env", MatchOp::Eq, "prod"), M("app", MatchOp::Neq, "web")}, kDay0, kDay0 + kDay);
    CHECK(not_web.size() == 3);
    for (const auto& r : not_web) CHECK(r.labels == kApi.to_string());
    CHECK(select(*src, {M("app", MatchOp::Re, "a.i")}, kDay0, kDay0 + kDay).size() == 4);
    CHECK(select(*src, {M("app", MatchOp::Re, "a")}, kDay0, kDay0 + kDay).empty());  // anchored
    auto nre = select(*src, {M("app", MatchOp::Eq, "api"), M("env", MatchOp::Nre, "pr.*")}, kDay0, kDay0 + kDay);
    CHECK(nre == std::vector<Row>{{kDev.to_string(), kDay0 + 35, "dev 3.5"}});
    CHECK(select(*src, {M("app", MatchOp::Eq, "nope")}, kDay0, kDay0 + kDay).empty());
  }
  SUBCASE("another tenant sees nothing") {
    auto other = s.source("other");
    CHECK(select(*other, {M("app", MatchOp::Re, ".+")}, kDay0, kDay0 + kDay).empty());
  }
}

TEST_CASE_TEMPLATE("store: several batches and periods, a chunk spanning midnight (packing off)", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind, "logd", nullptr, nullptr, 0);  // packing off: one file per chunk
  // Batch 1: day 0 and a chunk from 23:00 on day 0 to 01:00 on day 1.
  std::vector<store::FlushedChunk> b1;
  b1.push_back(make_chunk("t", kApi, {E(kDay0 + 100, "a"), E(kDay0 + 200, "b")}));
  b1.push_back(make_chunk("t", kWeb, {E(kDay0 + kDay - 3600, "late"), E(kDay0 + kDay + 3600, "early")}));
  REQUIRE(s->write_chunks("t", std::move(b1)).ok());
  // Batch 2: day 1 and day 2 for api.
  std::vector<store::FlushedChunk> b2;
  b2.push_back(make_chunk("t", kApi, {E(kDay0 + kDay + 5, "c")}));
  b2.push_back(make_chunk("t", kApi, {E(kDay0 + 2 * kDay + 5, "d")}));
  REQUIRE(s->write_chunks("t", std::move(b2)).ok());

  auto idx_files = files_under(dir.path + "/t/index", ".idx");
  CHECK(idx_files.size() == 4);  // day0, day1 (batch 1); day1, day2 (batch 2)
  auto chunk_files = files_under(dir.path + "/t/chunks", ".chunk");
  CHECK(chunk_files.size() == 4);
  // The midnight chunk lives under the day of its first entry.
  CHECK(std::count_if(chunk_files.begin(), chunk_files.end(),
                      [](const std::string& f) { return f.rfind("2024-01-01/", 0) == 0; }) == 2);

  auto src = s.source("t");
  auto all = select(*src, {M("app", MatchOp::Re, ".*p.*|web")}, kDay0, kDay0 + 3 * kDay);
  std::vector<std::string> lines;
  for (const auto& r : all) lines.push_back(r.line);
  CHECK(lines == std::vector<std::string>{"a", "b", "late", "c", "early", "d"});  // midnight chunk once
  // Only day 1 is asked: the midnight chunk is found through day 1's index, clipped to the range.
  auto day1 = select(*src, {M("app", MatchOp::Eq, "web")}, kDay0 + kDay, kDay0 + 2 * kDay);
  CHECK(day1 == std::vector<Row>{{kWeb.to_string(), kDay0 + kDay + 3600, "early"}});
  auto api_back = select(*src, {M("app", MatchOp::Eq, "api")}, kDay0, kDay0 + 3 * kDay, Direction::Backward);
  lines.clear();
  for (const auto& r : api_back) lines.push_back(r.line);
  CHECK(lines == std::vector<std::string>{"d", "c", "b", "a"});
}

TEST_CASE_TEMPLATE("store: overlapping chunks of one stream are merged and exact duplicates dropped (packing off)", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind, "logd", nullptr, nullptr, 0);  // packing off: one file per chunk
  // The first flush, then the same chunk again (a replay after a crash) and an out-of-order chunk
  // that interleaves with it, including a second line at an existing timestamp.
  auto first = make_chunk("t", kApi, {E(10, "a"), E(20, "b"), E(20, "b2"), E(30, "c")});
  std::vector<store::FlushedChunk> b1{first};
  REQUIRE(s->write_chunks("t", std::move(b1)).ok());
  std::vector<store::FlushedChunk> b2{make_chunk("t", kApi, {E(10, "a"), E(20, "b"), E(20, "b2"), E(30, "c"), E(31, "d")}),
                                      make_chunk("t", kApi, {E(15, "x"), E(20, "b"), E(20, "y"), E(25, "z")})};
  REQUIRE(s->write_chunks("t", std::move(b2)).ok());
  // An identical chunk again lands on the same file name: still one copy on disk.
  std::vector<store::FlushedChunk> b3{first};
  REQUIRE(s->write_chunks("t", std::move(b3)).ok());
  CHECK(files_under(dir.path + "/t/chunks", ".chunk").size() == 3);

  auto src = s.source("t");
  auto rows = select(*src, {M("app", MatchOp::Eq, "api")}, 0, 100);
  std::vector<std::pair<int64_t, std::string>> got;
  for (const auto& r : rows) got.emplace_back(r.ts, r.line);
  using P = std::pair<int64_t, std::string>;
  // Order within timestamp 20: first chunk's entries in order, then the new line.
  CHECK(got == std::vector<P>{{10, "a"}, {15, "x"}, {20, "b"}, {20, "b2"}, {20, "y"}, {25, "z"}, {30, "c"}, {31, "d"}});
  auto back = select(*src, {M("app", MatchOp::Eq, "api")}, 0, 100, Direction::Backward);
  CHECK(back.size() == 8);
  CHECK(back.front().ts == 31);
  CHECK(back.back().ts == 10);
  for (size_t i = 1; i < back.size(); ++i) CHECK(back[i - 1].ts >= back[i].ts);
  // Range clipping inside overlapping chunks.
  auto mid = select(*src, {M("app", MatchOp::Eq, "api")}, 15, 21);
  CHECK(mid.size() == 4);  // x, b, b2, y
}

TEST_CASE_TEMPLATE("store: identical entries a single chunk holds twice are kept twice", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  std::vector<store::FlushedChunk> b{make_chunk("t", kApi, {E(5, "same"), E(5, "same"), E(6, "other")}),
                                     make_chunk("t", kApi, {E(5, "same"), E(6, "z")})};
  REQUIRE(s->write_chunks("t", std::move(b)).ok());
  auto src = s.source("t");
  auto rows = select(*src, {M("app", MatchOp::Eq, "api")}, 0, 100);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].line == "same");
  CHECK(rows[1].line == "same");
  CHECK(rows[2].ts == 6);
  CHECK(rows[3].ts == 6);
}

TEST_CASE_TEMPLATE("store: a corrupt or missing chunk is skipped with a warning, the rest returned (packing off)", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind, "logd", nullptr, nullptr, 0);  // packing off: one file per chunk
  write_three_streams(s);
  auto chunks = files_under(dir.path + "/fake/chunks", ".chunk");
  // Find the web chunk by its fingerprint and corrupt one byte in the middle of its block.
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(kWeb.fingerprint()));
  std::string web;
  for (const auto& c : chunks) {
    if (c.find(fp) != std::string::npos) web = dir.path + "/fake/chunks/" + c;
  }
  REQUIRE(!web.empty());

  SUBCASE("corrupt block") {
    std::fstream f(web, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    auto size = static_cast<long>(f.tellg());
    // Blocks sit between the header and the footer; flip a byte just past the first third.
    f.seekp(size / 3);
    char c;
    f.seekg(size / 3);
    f.get(c);
    f.seekp(size / 3);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  SUBCASE("missing file") { REQUIRE(std::filesystem::remove(web)); }
  SUBCASE("truncated file") { std::filesystem::resize_file(web, 20); }

  auto src = s.source("fake");
  auto rows = select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + kDay);
  for (const auto& r : rows) CHECK(r.labels != kWeb.to_string());
  CHECK(rows.size() == 3);  // api's three entries
  CHECK(s.warning_count() >= 1);
  CHECK((*s.warnings)[0].find("corrupt") != std::string::npos);
  CHECK(s->counters().corrupt_chunks_skipped >= 1);
}

TEST_CASE_TEMPLATE("store: literal line filters skip blocks without losing matching lines", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  std::vector<model::Entry> entries;
  for (int i = 0; i < 2000; ++i) {
    entries.push_back(E(1000 + i, i % 500 == 7 ? "found the needle-7f3a here " + std::to_string(i)
                                               : "ordinary line number " + std::to_string(i)));
  }
  // Small blocks (~1 KB) so most blocks hold no needle.
  std::vector<store::FlushedChunk> b{make_chunk("t", kApi, entries, 1024)};
  REQUIRE(s->write_chunks("t", std::move(b)).ok());
  auto expr = logql::parse(R"({app="api"} |= "needle-7f3a")");
  REQUIRE(expr.ok());
  const auto& sel = std::get<logql::ast::LogSelector>(expr->node);  // a log query
  auto src = s.source("t");
  auto rows = select(*src, {M("app", MatchOp::Eq, "api")}, 0, 1'000'000, Direction::Forward, &sel.stages);
  size_t with_needle = 0;
  for (const auto& r : rows) with_needle += r.line.find("needle-7f3a") != std::string::npos;
  CHECK(with_needle == 4);
  CHECK(rows.size() == 4);  // blocks and lines without the needle were skipped
  auto expr_or = logql::parse(R"({app="api"} |= "needle-7f3a" or "number 1999" | logfmt |= "here")");
  REQUIRE(expr_or.ok());
  auto or_rows = select(*src, {M("app", MatchOp::Eq, "api")}, 0, 1'000'000, Direction::Backward,
                         &std::get<logql::ast::LogSelector>(expr_or->node).stages);
  CHECK(or_rows.size() == 4);  // "number 1999" lacks "here"
  CHECK(or_rows.front().line == "found the needle-7f3a here 1507");
  auto all = select(*src, {M("app", MatchOp::Eq, "api")}, 0, 1'000'000);
  CHECK(all.size() == 2000);
  // A line_format before the filter makes the filter apply to rewritten lines: no skipping.
  auto expr2 = logql::parse(R"({app="api"} | line_format "needle-7f3a" |= "needle-7f3a")");
  REQUIRE(expr2.ok());
  const auto& sel2 = std::get<logql::ast::LogSelector>(expr2->node);
  CHECK(select(*src, {M("app", MatchOp::Eq, "api")}, 0, 1'000'000, Direction::Forward, &sel2.stages).size() == 2000);
}

TEST_CASE_TEMPLATE("store: write_chunks refuses chunks that do not match their description", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  auto c = make_chunk("t", kApi, {E(1, "x")});
  SUBCASE("labels differ") {
    c.labels = kWeb;
    CHECK_FALSE(s->write_chunks("t", {c}).ok());
  }
  SUBCASE("tenant differs") { CHECK_FALSE(s->write_chunks("u", {c}).ok()); }
  SUBCASE("garbage bytes") {
    c.data = "not a chunk";
    CHECK_FALSE(s->write_chunks("t", {c}).ok());
  }
  SUBCASE("hostile tenant") { CHECK_FALSE(s->write_chunks("../t", {c}).ok()); }
  CHECK(files_under(dir.path, ".idx").empty());
  CHECK(files_under(dir.path, ".chunk").empty());
}

TEST_CASE_TEMPLATE("store: a selective query opens only matching series' overlapping chunks", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  std::vector<store::FlushedChunk> b;
  for (int i = 0; i < 40; ++i) {
    LabelSet ls{{"app", "svc" + std::to_string(i)}, {"env", "prod"}};
    b.push_back(make_chunk("t", ls, {E(kDay0 + 100, "early"), E(kDay0 + 200, "early2")}));
    b.push_back(make_chunk("t", ls, {E(kDay0 + 1000, "late")}));
  }
  REQUIRE(s->write_chunks("t", std::move(b)).ok());
  auto src = s.source("t");
  auto rows = select(*src, {M("app", MatchOp::Eq, "svc7")}, kDay0 + 500, kDay0 + kDay);
  CHECK(rows == std::vector<Row>{{LabelSet{{"app", "svc7"}, {"env", "prod"}}.to_string(), kDay0 + 1000, "late"}});
  CHECK(s->counters().chunks_opened == 1);
  auto wide = select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + 150);
  CHECK(wide.size() == 40);
  CHECK(s->counters().chunks_opened == 41);
}

TEST_CASE_TEMPLATE("store: chunks come out in time order whatever their file names sort as", B, STORE_BACKENDS) {
  TempDir dir;
  TestStore s(dir.path, B::kind);
  // File names hold decimal times: "-100-" < "-200-" < "-30-" as strings.
  std::vector<store::FlushedChunk> b{make_chunk("t", kApi, {E(100, "c"), E(150, "d")}),
                                     make_chunk("t", kApi, {E(200, "e"), E(250, "f")}),
                                     make_chunk("t", kApi, {E(30, "a"), E(40, "b")})};
  REQUIRE(s->write_chunks("t", std::move(b)).ok());
  auto src = s.source("t");
  std::string lines;
  for (const auto& r : select(*src, {M("app", MatchOp::Eq, "api")}, 0, 1000)) lines += r.line;
  CHECK(lines == "abcdef");
  lines.clear();
  for (const auto& r : select(*src, {M("app", MatchOp::Eq, "api")}, 0, 1000, Direction::Backward)) lines += r.line;
  CHECK(lines == "fedcba");
}
