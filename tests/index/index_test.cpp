#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <limits>
#include <set>
#include <string>

#include "fsutil/atomic_file.h"
#include "index/index_set.h"
#include "index/index_writer.h"

using idx::ChunkRef;
using idx::IndexReader;
using idx::IndexWriter;
using idx::Matcher;
using idx::MatchType;
using model::LabelSet;

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

ChunkRef ref(std::string file, int64_t min, int64_t max, uint32_t entries = 10, uint64_t bytes = 100) {
  return ChunkRef{std::move(file), min, max, entries, bytes};
}

// Six series covering present/absent labels and values with regex-significant characters.
IndexWriter small_index() {
  IndexWriter w;
  w.add(LabelSet{{"app", "api"}, {"env", "prod"}}, ref("c1", 100, 200));
  w.add(LabelSet{{"app", "api"}, {"env", "dev"}}, ref("c2", 150, 250));
  w.add(LabelSet{{"app", "web"}, {"env", "prod"}, {"team", "a"}}, ref("c3", 300, 400));
  w.add(LabelSet{{"app", "apiserver"}}, ref("c4", 0, 50));
  w.add(LabelSet{{"job", "multi\nline"}}, ref("c5", 10, 20));
  w.add(LabelSet{{"app", "api"}, {"env", "prod"}}, ref("c6", 500, 600));  // second chunk of series 1
  return w;
}

std::set<std::string> select_strings(const IndexReader& r, std::vector<Matcher> ms) {
  auto refs = r.chunk_refs(ms, kMin, kMax);
  REQUIRE_MESSAGE(refs.ok(), refs.error());
  std::set<std::string> out;
  for (const auto& s : *refs) out.insert(s.labels.to_string());
  return out;
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/index-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

}  // namespace

TEST_CASE("label names and values") {
  std::string bytes = small_index().build();
  auto r = IndexReader::open_bytes(bytes);
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r->series_count() == 5);
  CHECK(r->label_names() == std::vector<std::string>{"app", "env", "job", "team"});
  CHECK(r->label_values("app") == std::vector<std::string>{"api", "apiserver", "web"});
  CHECK(r->label_values("env") == std::vector<std::string>{"dev", "prod"});
  CHECK(r->label_values("nope").empty());
}

TEST_CASE("matchers follow Prometheus semantics") {
  std::string bytes = small_index().build();
  auto r = IndexReader::open_bytes(bytes);
  REQUIRE(r.ok());
  const std::string api_prod = R"({app="api", env="prod"})", api_dev = R"({app="api", env="dev"})",
                    web = R"({app="web", env="prod", team="a"})", apiserver = R"({app="apiserver"})",
                    job = R"({job="multi\nline"})";
  using S = std::set<std::string>;
  CHECK(select_strings(*r, {{"app", MatchType::kEqual, "api"}}) == S{api_prod, api_dev});
  CHECK(select_strings(*r, {{"app", MatchType::kEqual, "api"}, {"env", MatchType::kEqual, "prod"}}) == S{api_prod});
  CHECK(select_strings(*r, {{"app", MatchType::kEqual, "nope"}}).empty());
  CHECK(select_strings(*r, {{"nope", MatchType::kEqual, "x"}}).empty());
  // Regexes are fully anchored: "api" does not match "apiserver".
  CHECK(select_strings(*r, {{"app", MatchType::kRegex, "api"}}) == S{api_prod, api_dev});
  CHECK(select_strings(*r, {{"app", MatchType::kRegex, "api.*"}}) == S{api_prod, api_dev, apiserver});
  CHECK(select_strings(*r, {{"app", MatchType::kRegex, "web|apiserver"}}) == S{web, apiserver});
  // != and !~ also match series that lack the label.
  CHECK(select_strings(*r, {{"env", MatchType::kNotEqual, "prod"}}) == S{api_dev, apiserver, job});
  CHECK(select_strings(*r, {{"app", MatchType::kNotRegex, "api.*"}}) == S{web, job});
  // ="" selects series without the label; !="" those with it.
  CHECK(select_strings(*r, {{"env", MatchType::kEqual, ""}}) == S{apiserver, job});
  CHECK(select_strings(*r, {{"env", MatchType::kNotEqual, ""}}) == S{api_prod, api_dev, web});
  // =~ that matches "" also selects series without the label.
  CHECK(select_strings(*r, {{"env", MatchType::kRegex, "dev|"}}) == S{api_dev, apiserver, job});
  CHECK(select_strings(*r, {{"team", MatchType::kRegex, ".+"}}) == S{web});
  CHECK(select_strings(*r, {{"app", MatchType::kRegex, ".*"}}).size() == 5);
  // . matches a newline, as in Prometheus.
  CHECK(select_strings(*r, {{"job", MatchType::kRegex, "multi.line"}}) == S{job});
  // Combined positive and negative matchers.
  CHECK(select_strings(*r, {{"app", MatchType::kRegex, "api|web"}, {"env", MatchType::kNotEqual, "dev"}}) ==
        S{api_prod, web});
  CHECK(select_strings(*r, {}).size() == 5);
  auto bad = r->chunk_refs({{"app", MatchType::kRegex, "(unclosed"}}, kMin, kMax);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("invalid regular expression") != std::string::npos);
}

TEST_CASE("chunk refs are filtered by [start, end) with inclusive chunk ends") {
  std::string bytes = small_index().build();
  auto r = IndexReader::open_bytes(bytes);
  REQUIRE(r.ok());
  auto refs = r->chunk_refs({{"app", MatchType::kEqual, "api"}, {"env", MatchType::kEqual, "prod"}}, kMin, kMax);
  REQUIRE(refs.ok());
  REQUIRE(refs->size() == 1);
  CHECK((*refs)[0].chunks == std::vector<ChunkRef>{ref("c1", 100, 200), ref("c6", 500, 600)});
  CHECK((*refs)[0].fingerprint == LabelSet{{"app", "api"}, {"env", "prod"}}.fingerprint());
  auto only_second = r->chunk_refs({{"app", MatchType::kEqual, "api"}}, 201, 501);
  REQUIRE(only_second.ok());
  REQUIRE(only_second->size() == 2);  // dev (150..250) and prod via c6 (500..600)
  CHECK((*only_second)[0].labels.to_string() == R"({app="api", env="dev"})");
  CHECK((*only_second)[1].chunks == std::vector<ChunkRef>{ref("c6", 500, 600)});
  // A chunk whose last entry is at `start` overlaps; one whose first entry is at `end` does not.
  CHECK(r->chunk_refs({{"app", MatchType::kEqual, "apiserver"}}, 50, 60)->size() == 1);
  CHECK(r->chunk_refs({{"app", MatchType::kEqual, "apiserver"}}, -10, 0)->empty());
}

TEST_CASE("an empty index is valid") {
  std::string bytes = IndexWriter().build();
  auto r = IndexReader::open_bytes(bytes);
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r->series_count() == 0);
  CHECK(r->label_names().empty());
  CHECK(r->chunk_refs({{"a", MatchType::kNotEqual, "b"}}, kMin, kMax)->empty());
}

TEST_CASE("every corruption and truncation is rejected on open") {
  std::string bytes = small_index().build();
  for (size_t cut = 0; cut < bytes.size(); ++cut) CHECK_FALSE(IndexReader::open_bytes(bytes.substr(0, cut)).ok());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x04;
    auto r = IndexReader::open_bytes(bad);
    CHECK_FALSE(r.ok());
    if (r.ok()) break;
  }
  std::string v = bytes;
  v[8] = 3;
  CHECK(IndexReader::open_bytes(v).error() == "unsupported index format version 3");
  std::string p = bytes;
  p[20] ^= 1;  // inside the symbols section
  CHECK(IndexReader::open_bytes(p).error() == "corrupt index: symbols section checksum mismatch");
}

TEST_CASE("refs into segments keep their byte range (version 2); files without such refs stay version 1") {
  IndexWriter plain;
  plain.add(LabelSet{{"app", "x"}}, ref("2024-01-01/a.chunk", 0, 10));
  std::string v1 = plain.build();
  CHECK(v1[8] == 1);  // what readers before segments read
  auto r1 = IndexReader::open_bytes(v1);
  REQUIRE_MESSAGE(r1.ok(), r1.error());
  auto s1 = r1->series(0, kMin, kMax);
  REQUIRE(s1.ok());
  REQUIRE(s1->chunks.size() == 1);
  CHECK(!s1->chunks[0].in_segment());
  CHECK(s1->chunks[0].id() == "2024-01-01/a.chunk");

  IndexWriter mixed;
  ChunkRef in_seg = ref("2024-01-01/seg-1-2-2-0000abcd.seg", 0, 10);
  in_seg.offset = 12;
  in_seg.length = 4000;
  ChunkRef in_seg2 = in_seg;
  in_seg2.offset = 4012;
  in_seg2.length = 1ULL << 40;  // wide varints
  mixed.add(LabelSet{{"app", "x"}}, in_seg);
  mixed.add(LabelSet{{"app", "x"}}, in_seg2);
  mixed.add(LabelSet{{"app", "y"}}, ref("2024-01-01/b.chunk", 5, 6));
  std::string v2 = mixed.build();
  CHECK(v2[8] == 2);
  auto r2 = IndexReader::open_bytes(v2);
  REQUIRE_MESSAGE(r2.ok(), r2.error());
  auto x = r2->chunk_refs({{"app", MatchType::kEqual, "x"}}, kMin, kMax);
  REQUIRE(x.ok());
  REQUIRE(x->size() == 1);
  REQUIRE((*x)[0].chunks.size() == 2);
  CHECK((*x)[0].chunks[0] == in_seg);
  CHECK((*x)[0].chunks[1] == in_seg2);
  CHECK((*x)[0].chunks[0].id() == "2024-01-01/seg-1-2-2-0000abcd.seg@12+4000");
  auto y = r2->chunk_refs({{"app", MatchType::kEqual, "y"}}, kMin, kMax);
  REQUIRE(y.ok());
  CHECK((*y)[0].chunks[0].length == 0);
  for (size_t cut = 0; cut < v2.size(); ++cut) CHECK_FALSE(IndexReader::open_bytes(v2.substr(0, cut)).ok());
}

TEST_CASE("chunk ids parse back into object and byte range; malformed ranges are refused") {
  auto plain = idx::parse_chunk_id("2024-01-01/a.chunk");
  REQUIRE(plain);
  CHECK(plain->file == "2024-01-01/a.chunk");
  CHECK(plain->length == 0);
  auto ranged = idx::parse_chunk_id("2024-01-01/s.seg@12+4000");
  REQUIRE(ranged);
  CHECK(ranged->file == "2024-01-01/s.seg");
  CHECK(ranged->offset == 12);
  CHECK(ranged->length == 4000);
  for (const char* bad : {"x@", "x@1", "x@1+", "x@+2", "x@1+0", "x@-1+2", "x@1+2z", "@1+2"})
    CHECK_MESSAGE(!idx::parse_chunk_id(bad), bad);
}

TEST_CASE("files are written atomically and an index set merges them") {
  TempDir dir;
  IndexWriter a, b;
  a.add(LabelSet{{"app", "x"}}, ref("x1", 0, 10));
  a.add(LabelSet{{"app", "y"}}, ref("y1", 0, 10));
  b.add(LabelSet{{"app", "x"}}, ref("x2", 20, 30));
  b.add(LabelSet{{"app", "x"}}, ref("x1", 0, 10));  // the same chunk indexed twice
  b.add(LabelSet{{"app", "z"}, {"env", "dev"}}, ref("z1", 5, 6));
  REQUIRE(a.write(dir.path + "/0001.idx").ok());
  REQUIRE(b.write(dir.path + "/0002.idx").ok());
  REQUIRE(fsutil::write_file_atomically(dir.path + "/notes.txt", "ignored").ok());
  auto set = idx::IndexSet::open_dir(dir.path);
  REQUIRE_MESSAGE(set.ok(), set.error());
  CHECK(set->readers().size() == 2);
  CHECK(set->label_names() == std::vector<std::string>{"app", "env"});
  CHECK(set->label_values("app") == std::vector<std::string>{"x", "y", "z"});
  auto refs = set->chunk_refs({{"app", MatchType::kRegex, "x|z"}}, 0, 100);
  REQUIRE(refs.ok());
  REQUIRE(refs->size() == 2);
  CHECK((*refs)[0].labels == LabelSet{{"app", "x"}});
  CHECK((*refs)[0].chunks == std::vector<ChunkRef>{ref("x1", 0, 10), ref("x2", 20, 30)});
  CHECK((*refs)[1].labels == LabelSet{{"app", "z"}, {"env", "dev"}});
  CHECK(idx::IndexSet::open_dir(dir.path + "/missing")->readers().empty());
  REQUIRE(fsutil::write_file_atomically(dir.path + "/0003.idx", "broken").ok());
  auto broken = idx::IndexSet::open_dir(dir.path);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().find("0003.idx") != std::string::npos);
}

TEST_CASE("periods are UTC days") {
  CHECK(idx::period_of(0) == 0);
  CHECK(idx::period_of(model::kNanosPerDay - 1) == 0);
  CHECK(idx::period_of(model::kNanosPerDay) == 1);
  CHECK(idx::period_of(-1) == -1);
  CHECK(idx::period_of(-model::kNanosPerDay) == -1);
  CHECK(idx::period_of(-model::kNanosPerDay - 1) == -2);
  CHECK(idx::period_start(19000) == 19000 * model::kNanosPerDay);
}

TEST_CASE("selective lookups among 100k series are exact") {
  IndexWriter w;
  const int kSeries = 100'000;
  for (int i = 0; i < kSeries; ++i) {
    LabelSet ls{{"app", "app-" + std::to_string(i % 1000)},
                {"instance", "host-" + std::to_string(i)},
                {"env", i % 10 == 0 ? "prod" : "dev"}};
    if (i % 3 == 0) ls.set("team", "t" + std::to_string(i % 7));
    w.add(ls, ref("chunk-" + std::to_string(i), int64_t{i} * 1000, int64_t{i} * 1000 + 500));
  }
  std::string bytes = w.build();
  auto r = IndexReader::open_bytes(bytes);
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r->series_count() == kSeries);
  CHECK(r->label_values("app").size() == 1000);

  auto x = r->chunk_refs({{"app", MatchType::kEqual, "app-42"}}, kMin, kMax);
  REQUIRE(x.ok());
  REQUIRE(x->size() == 100);
  for (const auto& s : *x) CHECK(s.labels.get("app") == "app-42");

  // app-40 series are i = 40 + 1000k: all have i % 10 == 0 (prod); team exists when i % 3 == 0.
  auto y = r->chunk_refs({{"app", MatchType::kEqual, "app-40"}, {"team", MatchType::kEqual, ""}}, kMin, kMax);
  REQUIRE(y.ok());
  size_t want = 0;
  for (int i = 40; i < kSeries; i += 1000) want += (i % 3 != 0);
  CHECK(y->size() == want);
  for (const auto& s : *y) CHECK_FALSE(s.labels.has("team"));

  auto z = r->chunk_refs({{"instance", MatchType::kRegex, "host-1234[0-9]"}, {"env", MatchType::kNotEqual, "dev"}},
                         12'340'000, 12'350'000);
  REQUIRE(z.ok());
  REQUIRE(z->size() == 1);
  CHECK((*z)[0].labels.get("instance") == "host-12340");
  CHECK((*z)[0].chunks == std::vector<ChunkRef>{ref("chunk-12340", 12'340'000, 12'340'500)});
}
