// LocalStore::write_chunks as one batch: every chunk file and index entry lands, and a failure
// part-way through never leaves an index entry whose chunk file is missing.
#include <doctest/doctest.h>

#include <filesystem>
#include <limits>
#include <set>

#include "chunk/crc32c.h"
#include "fsutil/atomic_file.h"
#include "index/index_set.h"
#include "store/layout.h"
#include "store_test_util.h"

using logql::ast::MatchOp;
using model::LabelSet;
using namespace store_test;

namespace {

namespace fs = std::filesystem;

std::set<std::string> files_with(const std::string& dir, std::string_view needle) {
  std::set<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(needle) != std::string::npos) out.insert(fs::relative(e.path(), dir).string());
  return out;
}

// Every chunk file the tenant's index files refer to, relative to its chunk directory; fails the
// test if an index file does not open.
std::set<std::string> indexed_chunks(const std::string& root, const std::string& tenant) {
  std::set<std::string> out;
  std::string index_dir = store::tenant_paths(root, tenant).index;
  if (!fs::exists(index_dir)) return out;
  for (const auto& day : fs::directory_iterator(index_dir)) {
    auto set = idx::IndexSet::open_dir(day.path().string());
    REQUIRE(set.ok());
    auto refs = set->chunk_refs({}, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    REQUIRE(refs.ok());
    for (const auto& series : *refs)
      for (const auto& c : series.chunks) out.insert(c.file);
  }
  return out;
}

std::string final_path(const std::string& root, const store::FlushedChunk& c) {
  return store::tenant_paths(root, "t").chunks + "/" + store::period_dir_name(idx::period_of(c.min_time)) + "/" +
         store::chunk_file_name(c.labels.fingerprint(), c.min_time, c.max_time, chunk::crc32c(c.data));
}

LabelSet stream(int i) { return LabelSet{{"app", "svc" + std::to_string(i)}, {"env", "prod"}}; }

}  // namespace

TEST_CASE("local store, packing off: one batch writes every chunk file and indexes exactly those, per day") {
  TempDir dir;
  TestStore s(dir.path, Backend::kLocal, "logd", nullptr, nullptr, 0);
  std::vector<store::FlushedChunk> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(make_chunk("t", stream(i), {E(kDay0 + 10 + i, "line " + std::to_string(i))}));
  batch.push_back(make_chunk("t", stream(1000), {E(kDay0 + kDay - 5, "before midnight"), E(kDay0 + kDay + 5, "after")}));
  for (int i = 0; i < 20; ++i) batch.push_back(make_chunk("t", stream(2000 + i), {E(kDay0 + kDay + 100, "day two")}));
  REQUIRE(s->write_chunks("t", std::move(batch)).ok());

  std::string chunks_dir = store::tenant_paths(dir.path, "t").chunks;
  auto on_disk = files_with(chunks_dir, ".chunk");
  CHECK(on_disk.size() == 321);
  CHECK(indexed_chunks(dir.path, "t") == on_disk);
  CHECK(files_with(store::tenant_paths(dir.path, "t").index, ".idx").size() == 2);  // one per day
  CHECK(files_with(dir.path, ".tmp.").empty());
  auto c = s->counters();
  CHECK(c.chunks_written == 321);
  CHECK(c.index_files_written == 2);

  auto src = s.source("t");
  CHECK(select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + 2 * kDay).size() == 322);
  CHECK(select(*src, {M("app", MatchOp::Eq, "svc1000")}, kDay0 + kDay, kDay0 + 2 * kDay) ==
        std::vector<Row>{{stream(1000).to_string(), kDay0 + kDay + 5, "after"}});
  CHECK(s.warning_count() == 0);
}

TEST_CASE("local store, packing off: a batch failing part-way leaves no index entry without its chunk file") {
  TempDir dir;
  TestStore s(dir.path, Backend::kLocal, "logd", nullptr, nullptr, 0);
  std::vector<store::FlushedChunk> first;
  for (int i = 0; i < 3; ++i) first.push_back(make_chunk("t", stream(i), {E(kDay0 + 1, "first batch")}));
  REQUIRE(s->write_chunks("t", std::move(first)).ok());

  std::vector<store::FlushedChunk> second;
  for (int i = 10; i < 15; ++i) second.push_back(make_chunk("t", stream(i), {E(kDay0 + 2, "second batch")}));
  // A non-empty directory at the fourth chunk's final name: its rename fails after the first
  // three chunks of the batch were published.
  std::string blocked = final_path(dir.path, second[3]);
  REQUIRE(fsutil::create_directories(blocked + "/blocker").ok());
  auto st = s->write_chunks("t", second);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().find(blocked.substr(blocked.rfind('/') + 1)) != std::string::npos);

  std::string chunks_dir = store::tenant_paths(dir.path, "t").chunks;
  auto on_disk = files_with(chunks_dir, ".chunk");
  auto indexed = indexed_chunks(dir.path, "t");
  CHECK(indexed.size() == 3);  // only the first batch's
  for (const auto& f : indexed) CHECK_MESSAGE(on_disk.count(f) == 1, f);
  CHECK(files_with(store::tenant_paths(dir.path, "t").index, ".idx").size() == 1);
  CHECK(files_with(dir.path, ".tmp.").empty());
  auto src = s.source("t");
  CHECK(select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + kDay).size() == 3);
  CHECK(s.warning_count() == 0);

  // The retry after the fault is gone (the ingester keeps the batch and tries again) completes it.
  fs::remove_all(blocked);
  REQUIRE(s->write_chunks("t", std::move(second)).ok());
  on_disk = files_with(chunks_dir, ".chunk");
  CHECK(on_disk.size() == 8);
  CHECK(indexed_chunks(dir.path, "t") == on_disk);
  CHECK(select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + kDay).size() == 8);
  CHECK(s.warning_count() == 0);
}

TEST_CASE("local store: a batch whose segment cannot be stored indexes nothing; the retry completes it") {
  TempDir dir;
  TestStore s(dir.path);
  std::vector<store::FlushedChunk> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(make_chunk("t", stream(i), {E(kDay0 + 2, "packed")}));
  // A file where the day directory belongs: no object of the batch can be created there.
  std::string day_dir = store::tenant_paths(dir.path, "t").chunks + "/" + store::period_dir_name(idx::period_of(kDay0));
  REQUIRE(fsutil::create_directories(store::tenant_paths(dir.path, "t").chunks).ok());
  REQUIRE(fsutil::write_file_atomically(day_dir, "not a directory").ok());
  auto st = s->write_chunks("t", batch);
  REQUIRE_FALSE(st.ok());
  CHECK(files_with(store::tenant_paths(dir.path, "t").index, ".idx").empty());
  auto src = s.source("t");
  CHECK(select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + kDay).empty());

  fs::remove(day_dir);
  REQUIRE(s->write_chunks("t", std::move(batch)).ok());
  CHECK(files_with(store::tenant_paths(dir.path, "t").chunks, ".seg").size() == 1);
  CHECK(files_with(store::tenant_paths(dir.path, "t").chunks, ".chunk").empty());
  CHECK(select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + kDay).size() == 5);
  CHECK(files_with(dir.path, ".tmp.").empty());
  CHECK(s.warning_count() == 0);
}
