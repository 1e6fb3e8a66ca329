// logchunk's logic: inspect, cat, verify of chunk files; merging; compaction and recompression of
// a store written by the real LocalStore, checked through the real store reader.
#include <doctest/doctest.h>

#include <cstdio>

#include "chunk/chunk_reader.h"
#include "maint/chunk_inspect.h"
#include "maint/chunk_rewrite.h"
#include "maint_test_util.h"

using namespace maint_test;

namespace {

const model::LabelSet kApi{{"app", "api"}, {"env", "prod"}};

std::string cat_to_string(const std::string& path, int64_t start, int64_t end) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  auto n = maint::cat_chunk(path, start, end, f);
  REQUIRE(n.ok());
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t k;
  while ((k = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, k);
  std::fclose(f);
  return out;
}

chunk::ChunkReader open_bytes(const std::string& data) {
  auto r = chunk::ChunkReader::open(data);
  REQUIRE(r.ok());
  return std::move(*r);
}

}  // namespace

TEST_CASE_TEMPLATE("logchunk cat prints logcli's jsonl with metadata merged into the labels", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  model::Entry with_md{kDay0 + 1500000000, "a \"quoted\" <line>", model::LabelSet{{"trace_id", "t1"}}};
  d.flush_one("fake", kApi, {E(kDay0, "first"), with_md});
  auto paths = d.chunk_paths("fake");
  REQUIRE(paths.size() == 1);
  CHECK(cat_to_string(paths[0], INT64_MIN, INT64_MAX) ==
        "{\"labels\":{\"app\":\"api\",\"env\":\"prod\"},\"line\":\"first\",\"timestamp\":\"2024-01-01T00:00:00Z\"}\n"
        "{\"labels\":{\"app\":\"api\",\"env\":\"prod\",\"trace_id\":\"t1\"},\"line\":\"a \\\"quoted\\\" \\u003cline\\u003e\","
        "\"timestamp\":\"2024-01-01T00:00:01.5Z\"}\n");
  // [start, end): the second entry only.
  CHECK(cat_to_string(paths[0], kDay0 + 1, kDay0 + 2000000000).find("first") == std::string::npos);
}

TEST_CASE("logchunk inspect reports identity, range, blocks and ratio") {
  DataDir d;
  std::vector<model::Entry> entries;
  for (int i = 0; i < 2000; ++i) entries.push_back(E(kDay0 + i, "entry number " + std::to_string(i) + " of many"));
  std::vector<store::FlushedChunk> batch;
  batch.push_back(store_test::make_chunk("fake", kApi, entries, 4096));  // several blocks
  d.flush("fake", std::move(batch));
  auto path = d.chunk_paths("fake").at(0);
  auto out = maint::inspect_chunk(path);
  REQUIRE(out.ok());
  CHECK(out->find("labels:       {app=\"api\", env=\"prod\"}") != std::string::npos);
  CHECK(out->find("tenant:       fake") != std::string::npos);
  CHECK(out->find("entries:      2000") != std::string::npos);
  CHECK(out->find("from:         2024-01-01T00:00:00Z") != std::string::npos);
  CHECK(out->find("through:      2024-01-01T00:00:00.000001999Z") != std::string::npos);
  auto reader = chunk::ChunkReader::open_file(path);
  REQUIRE(reader.ok());
  REQUIRE(reader->blocks().size() > 1);
  CHECK(out->find("blocks:       " + std::to_string(reader->blocks().size())) != std::string::npos);
  CHECK(!maint::inspect_chunk(path + ".missing").ok());
}

TEST_CASE("logchunk verify names the corrupt block and the CRC in the name") {
  DataDir d;
  std::vector<model::Entry> entries;
  for (int i = 0; i < 3000; ++i) entries.push_back(E(kDay0 + i, "payload " + std::to_string(i * 7919)));
  std::vector<store::FlushedChunk> batch;
  batch.push_back(store_test::make_chunk("fake", kApi, entries, 4096));
  d.flush("fake", std::move(batch));
  auto path = d.chunk_paths("fake").at(0);
  CHECK(maint::verify_chunk_file(path).empty());
  auto reader = chunk::ChunkReader::open_file(path);
  REQUIRE(reader.ok());
  REQUIRE(reader->blocks().size() > 2);
  const auto& b = reader->blocks()[1];
  std::string data = read_all(path);
  data[b.offset + b.compressed_size / 2] ^= 0x5a;
  write_all(path, data);
  auto problems = maint::verify_chunk_file(path);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("block 1") != std::string::npos);
  CHECK(problems[0].find("checksum") != std::string::npos);
  CHECK(problems[1].find("its name says") != std::string::npos);
  // Garbage is one clear problem, not a crash.
  write_all(path, "not a chunk");
  CHECK(maint::verify_chunk_file(path).size() == 1);
}

TEST_CASE("merge_chunks keeps each entry as often as the chunk holding it most often") {
  auto a = store_test::make_chunk("fake", kApi, {E(1, "a"), E(2, "b"), E(2, "b"), E(4, "d")});
  auto b = store_test::make_chunk("fake", kApi, {E(2, "b"), E(3, "c"), E(4, "d"), E(4, "e")});
  auto ra = open_bytes(a.data);
  auto rb = open_bytes(b.data);
  maint::RewriteOptions o;
  auto merged = maint::merge_chunks({&ra, &rb}, o);
  REQUIRE(merged.ok());
  REQUIRE(merged->size() == 1);
  auto all = open_bytes((*merged)[0]).read_all();
  REQUIRE(all.ok());
  std::vector<model::Entry> want{E(1, "a"), E(2, "b"), E(2, "b"), E(3, "c"), E(4, "d"), E(4, "e")};
  CHECK(*all == want);
  // Dropping a range; an empty result is no chunk at all.
  auto dropped = maint::merge_chunks({&ra}, o, [](const model::Entry& e) { return e.timestamp >= 2; });
  REQUIRE(dropped.ok());
  REQUIRE(dropped->size() == 1);
  CHECK(open_bytes((*dropped)[0]).header().entries == 1);
  auto none = maint::merge_chunks({&ra}, o, [](const model::Entry&) { return true; });
  REQUIRE(none.ok());
  CHECK(none->empty());
  // Chunks of different streams never merge.
  auto other = store_test::make_chunk("fake", model::LabelSet{{"app", "x"}}, {E(1, "a")});
  auto ro = open_bytes(other.data);
  CHECK(!maint::merge_chunks({&ra, &ro}, o).ok());
}

TEST_CASE("merge_chunks cuts output at the target chunk size") {
  std::vector<model::Entry> entries;
  for (int i = 0; i < 5000; ++i) entries.push_back(E(i, "line " + std::to_string(i * 104729 % 99991)));
  auto c = store_test::make_chunk("fake", kApi, entries);
  auto r = open_bytes(c.data);
  maint::RewriteOptions o;
  o.target_chunk_size = 8 * 1024;
  o.target_block_size = 2 * 1024;
  auto out = maint::merge_chunks({&r}, o);
  REQUIRE(out.ok());
  CHECK(out->size() > 2);
  uint64_t total = 0;
  for (const auto& data : *out) total += open_bytes(data).header().entries;
  CHECK(total == 5000);
}

TEST_CASE_TEMPLATE("compact merges small chunks of a stream (from segments); readers see the same entries", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  const model::LabelSet other{{"app", "web"}};
  std::vector<Row> before;
  for (int batch = 0; batch < 4; ++batch) {
    std::vector<store::FlushedChunk> chunks;
    chunks.push_back(store_test::make_chunk("fake", kApi, {E(kDay0 + batch * 10, "api " + std::to_string(batch))}));
    chunks.push_back(store_test::make_chunk("fake", other, {E(kDay0 + batch * 10 + 1, "web " + std::to_string(batch))}));
    d.flush("fake", std::move(chunks));
  }
  // A duplicate re-flush of batch 0's api entry (as after a crash) must not double it.
  d.flush_one("fake", kApi, {E(kDay0, "api 0"), E(kDay0 + 5, "api late")});
  before = d.all("fake");
  REQUIRE(before.size() == 9);
  // Each two-chunk batch is one segment; the lone re-flush a chunk file.
  CHECK(d.chunk_files("fake") == 1);
  CHECK(d.count("fake/chunks", ".seg") == 4);
  CHECK(d.index_files("fake") == 5);

  maint::RewriteOptions o;
  auto plan = maint::compact_tenant(d.target(), "fake", o, /*dry_run=*/true);
  REQUIRE(plan.ok());
  CHECK(plan->chunks_in == 9);
  CHECK(d.chunk_files("fake") + d.count("fake/chunks", ".seg") == 5);  // a dry run changes nothing

  auto r = maint::compact_tenant(d.target(), "fake", o, false);
  REQUIRE(r.ok());
  CHECK(r->streams == 2);
  CHECK(r->chunks_in == 9);
  CHECK(r->chunks_out == 2);
  CHECK(r->applied.index_files_written == 1);
  CHECK(r->applied.index_files_removed == 5);
  CHECK(r->applied.chunks_removed == 5);  // objects: the four segments, once each, and the chunk file
  CHECK(d.chunk_files("fake") == 2);
  CHECK(d.count("fake/chunks", ".seg") == 0);
  CHECK(d.index_files("fake") == 1);
  CHECK(d.all("fake") == before);
  // Nothing left to do.
  auto again = maint::compact_tenant(d.target(), "fake", o, false);
  REQUIRE(again.ok());
  CHECK(again->chunks_in == 0);
}

TEST_CASE_TEMPLATE("compact leaves corrupt chunks alone and reports them", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  d.flush_one("fake", kApi, {E(kDay0, "one")});
  d.flush_one("fake", kApi, {E(kDay0 + 1, "two")});
  auto paths = d.chunk_paths("fake");
  std::string data = read_all(paths[0]);
  data[40] ^= 0x01;  // inside the only block
  write_all(paths[0], data);
  auto r = maint::compact_tenant(d.target(), "fake", maint::RewriteOptions{}, false);
  REQUIRE(r.ok());
  CHECK(r->skipped.size() == 1);
  CHECK(r->chunks_in == 0);
  CHECK(d.chunk_files("fake") == 2);
}

TEST_CASE_TEMPLATE("recompress re-encodes every chunk at another level and swaps the index", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  std::vector<model::Entry> entries;
  for (int i = 0; i < 3000; ++i) entries.push_back(E(kDay0 + i, "GET /api/v1/items/" + std::to_string(i % 50) + " 200"));
  d.flush_one("fake", kApi, entries);
  std::vector<model::Entry> web;
  for (int i = 0; i < 3000; ++i) web.push_back(E(kDay0 + kDay - 1500 + i, "span " + std::to_string(i % 70) + " across midnight"));
  d.flush_one("fake", model::LabelSet{{"app", "web"}}, web);
  auto before = d.all("fake");
  auto old_paths = d.chunk_paths("fake");
  maint::RewriteOptions o;
  o.zstd_level = 19;
  auto r = maint::recompress_tenant(d.target(), "fake", o);
  REQUIRE(r.ok());
  CHECK(r->chunks_in == 2);
  CHECK(r->chunks_out == 2);
  auto new_paths = d.chunk_paths("fake");
  REQUIRE(new_paths.size() == 2);
  CHECK(new_paths != old_paths);
  CHECK(d.all("fake") == before);
  // The chunk spanning midnight is in both days' indexes, each rewritten once.
  CHECK(d.index_files("fake") == 2);
  // The same level again reproduces the same bytes: nothing changes, nothing is deleted.
  auto same = maint::recompress_tenant(d.target(), "fake", o);
  REQUIRE(same.ok());
  CHECK(same->chunks_in == 0);
  CHECK(d.chunk_paths("fake") == new_paths);
  CHECK(d.all("fake") == before);
}

TEST_CASE_TEMPLATE("compact orders a stream's chunks by time, not by file name", B, STORE_BACKENDS) {
  DataDir d(B::kind);
  // Times 95 < 99 < 100 ns: as names, "<fp>-100-..." sorts before "<fp>-95-...". A big chunk in
  // the middle separates the two small ones in time, so nothing may be merged.
  d.flush_one("fake", kApi, {E(95, "small early")});
  std::vector<model::Entry> big;
  for (uint64_t i = 0; i < 200; ++i) big.push_back(E(99, std::to_string(i * 2654435761u % 1000003)));
  d.flush_one("fake", kApi, big);
  d.flush_one("fake", kApi, {E(100, "small late")});
  maint::RewriteOptions o;
  o.target_chunk_size = 400;
  size_t sizes_over = 0;
  for (const auto& p : d.chunk_paths("fake")) sizes_over += read_all(p).size() >= o.target_chunk_size;
  REQUIRE(sizes_over == 1);
  auto plan = maint::compact_tenant(d.target(), "fake", o, true);
  REQUIRE(plan.ok());
  CHECK(plan->chunks_in == 0);
}
