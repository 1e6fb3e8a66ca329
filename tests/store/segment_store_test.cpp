// Segment objects through the real store: a flush of many small chunks writes a few segment
// objects (not one file per chunk), the index points into them, and every line reads back, on
// a local directory and through a remote bucket, also after a restart.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "chunk/segment.h"
#include "index/index_set.h"
#include "store/layout.h"
#include "store/segment_packing.h"
#include "store_test_util.h"

using logql::ast::MatchOp;
using model::LabelSet;
using namespace store_test;

namespace {

namespace fs = std::filesystem;

size_t files_ending(const std::string& dir, const std::string& suffix) {
  size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.ends_with(suffix) && name.find(".tmp.") == std::string::npos) ++n;
  }
  return n;
}

std::vector<idx::ChunkRef> all_refs(const std::string& root, const std::string& tenant) {
  std::vector<idx::ChunkRef> out;
  std::string index_dir = store::tenant_paths(root, tenant).index;
  for (const auto& day : fs::directory_iterator(index_dir)) {
    auto set = idx::IndexSet::open_dir(day.path().string());
    REQUIRE(set.ok());
    auto refs = set->chunk_refs({}, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    REQUIRE(refs.ok());
    for (const auto& s : *refs) out.insert(out.end(), s.chunks.begin(), s.chunks.end());
  }
  return out;
}

// Lines zstd cannot shrink much, so the chunk stays above the segment threshold.
std::vector<model::Entry> incompressible(int64_t ts, size_t bytes) {
  std::mt19937_64 rng(7);
  std::vector<model::Entry> out;
  const char* hex = "0123456789abcdef";
  for (size_t done = 0; done < bytes; done += 200) {
    std::string line(200, ' ');
    for (auto& c : line) c = hex[rng() & 15];
    out.push_back(E(ts + static_cast<int64_t>(done), std::move(line)));
  }
  return out;
}

}  // namespace

TEST_CASE_TEMPLATE("a flush of many small chunks writes one segment; queries and a restart read every line", B,
                   STORE_BACKENDS) {
  TempDir dir;
  std::vector<Row> want;
  {
    TestStore s(dir.path, B::kind);
    std::vector<store::FlushedChunk> batch;
    for (int i = 0; i < 300; ++i) {
      LabelSet labels{{"app", "svc" + std::to_string(i)}};
      batch.push_back(make_chunk("t", labels, {E(kDay0 + i, "one " + std::to_string(i)), E(kDay0 + i + 1000, "two")}));
    }
    // Over the threshold: stays an object of its own.
    batch.push_back(make_chunk("t", LabelSet{{"app", "big"}}, incompressible(kDay0 + 5, 200 << 10)));
    REQUIRE(batch.back().data.size() >= store::kDefaultSegmentChunkMaxBytes);
    REQUIRE(s->write_chunks("t", std::move(batch)).ok());
    CHECK(s->counters().chunks_written == 301);
    CHECK(s->counters().chunk_objects_written == 2);
    CHECK(s->counters().segments_written == 1);
    auto src = s.source("t");
    want = select(*src, {M("app", MatchOp::Re, ".+")}, kDay0, kDay0 + kDay);
    CHECK(s.warning_count() == 0);
  }
  const std::string chunks_dir = store::tenant_paths(dir.path, "t").chunks;
  CHECK(files_ending(chunks_dir, ".seg") == 1);
  CHECK(files_ending(chunks_dir, ".chunk") == 1);
  CHECK(want.size() == 600 + (200 << 10) / 200);
  size_t in_segment = 0;
  for (const auto& r : all_refs(dir.path, "t")) {
    if (!r.in_segment()) continue;
    ++in_segment;
    CHECK(r.file.ends_with(".seg"));
    CHECK(r.offset >= chunk::kSegmentPreambleSize);
  }
  CHECK(in_segment == 300);
  // A new process (a restart) reads the same.
  TestStore again(dir.path, B::kind);
  auto src = again.source("t");
  CHECK(select(*src, {M("app", MatchOp::Re, ".+")}, kDay0, kDay0 + kDay) == want);
  CHECK(select(*src, {M("app", MatchOp::Eq, "svc123")}, kDay0, kDay0 + kDay) ==
        std::vector<Row>{{"{app=\"svc123\"}", kDay0 + 123, "one 123"}, {"{app=\"svc123\"}", kDay0 + 1123, "two"}});
  CHECK(again.warning_count() == 0);
}

TEST_CASE("packing: per day of the first entry, bounded in size, a lone or large chunk left alone") {
  std::vector<std::string> datas = {std::string(100, 'a'), std::string(100, 'b'), std::string(100, 'c'),
                                    std::string(5000, 'd'), std::string(100, 'e')};
  std::vector<std::string_view> views(datas.begin(), datas.end());
  std::vector<idx::ChunkRef> refs;
  const char* days[] = {"2024-01-01", "2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02"};
  for (size_t i = 0; i < datas.size(); ++i)
    refs.push_back(idx::ChunkRef{std::string(days[i]) + "/c" + std::to_string(i) + ".chunk", int64_t(i), int64_t(i)});
  // Segments of at most 250 bytes of chunks: a+b together, c alone (left a chunk); d too large;
  // e alone on its day.
  auto segs = store::pack_segments(views, refs, 1000, 250);
  REQUIRE(segs.size() == 1);
  CHECK(segs[0].chunks == 2);
  CHECK(segs[0].file.starts_with("2024-01-01/seg-0-1-2-"));
  CHECK(refs[0].file == segs[0].file);
  CHECK(refs[1].file == segs[0].file);
  for (size_t i : {2, 3, 4}) CHECK(!refs[i].in_segment());
  auto r = chunk::SegmentReader::open(segs[0].data);
  REQUIRE(r.ok());
  CHECK(segs[0].data.substr(refs[0].offset, refs[0].length) == datas[0]);
  CHECK(segs[0].data.substr(refs[1].offset, refs[1].length) == datas[1]);
  // Off: nothing packed.
  std::vector<idx::ChunkRef> untouched = refs;
  CHECK(store::pack_segments(views, untouched, 0, 250).empty());
}

TEST_CASE("a damaged chunk inside a segment is skipped with a warning; its neighbours still read") {
  TempDir dir;
  {
    TestStore s(dir.path);
    std::vector<store::FlushedChunk> batch;
    for (int i = 0; i < 3; ++i)
      batch.push_back(make_chunk("t", LabelSet{{"app", "a" + std::to_string(i)}}, {E(kDay0 + i, "line")}));
    REQUIRE(s->write_chunks("t", std::move(batch)).ok());
  }
  idx::ChunkRef victim;
  for (const auto& r : all_refs(dir.path, "t"))
    if (r.min_time == kDay0 + 1) victim = r;
  REQUIRE(victim.in_segment());
  std::string path = store::tenant_paths(dir.path, "t").chunks + "/" + victim.file;
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[victim.offset + victim.length - 30] ^= 0x40;  // inside the chunk's last block or footer
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  TestStore s(dir.path);
  auto src = s.source("t");
  auto rows = select(*src, {M("app", MatchOp::Re, ".+")}, kDay0, kDay0 + kDay);
  CHECK(rows.size() == 2);
  CHECK(s.warning_count() >= 1);
}
