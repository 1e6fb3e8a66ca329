// The store over a remote bucket (as over S3): listing, downloads, the local cache, resyncs,
// damaged and vanished objects, a store that does not answer, index files left by a crash.
#include <doctest/doctest.h>

#include <filesystem>

#include "fsutil/atomic_file.h"
#include "store/layout.h"
#include "store_test_util.h"
#include "util/clock.h"

using logql::ast::MatchOp;
using model::LabelSet;
using namespace store_test;

namespace {

const LabelSet kApi{{"app", "api"}, {"env", "prod"}};
const LabelSet kWeb{{"app", "web"}, {"env", "prod"}};
constexpr int64_t kMinute = 60'000'000'000LL;

void write_batch(TestStore& s, const LabelSet& labels, int64_t ts, const std::string& line) {
  std::vector<store::FlushedChunk> batch;
  batch.push_back(make_chunk("fake", labels, {E(ts, line), E(ts + 1, line + " again")}));
  auto st = s->write_chunks("fake", std::move(batch));
  REQUIRE_MESSAGE(st.ok(), st.error());
}

std::vector<Row> all_prod(TestStore& s) {
  auto src = s.source("fake");
  return select(*src, {M("env", MatchOp::Eq, "prod")}, kDay0, kDay0 + kDay);
}

logql::SelectParams prod_today() {
  logql::SelectParams p;
  p.matchers = {M("env", MatchOp::Eq, "prod")};
  p.start = kDay0;
  p.end = kDay0 + kDay;
  return p;
}

std::vector<std::string> files_in(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::string p = it->path().string();
    if (it->is_regular_file() && p.ends_with(suffix)) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("remote store: a reader downloads once; a warm restart and a warm query need no downloads") {
  TempDir bucket;
  TestStore writer(bucket.path, Backend::kRemote, "writer-1");
  write_batch(writer, kApi, kDay0 + 10, "api");
  write_batch(writer, kWeb, kDay0 + 20, "web");
  // The writer's own index files reach its catalog without a listing of their own.
  CHECK(all_prod(writer).size() == 4);

  auto local = std::make_shared<TempDir>();
  {
    TestStore reader(bucket.path, Backend::kRemote, "reader", nullptr, local);
    CHECK(all_prod(reader).size() == 4);
    CHECK(reader.remote->gets == 4);  // two index files, two chunks
    auto c = reader->counters();
    CHECK(c.cache_misses[0] == 2);
    CHECK(c.cache_misses[1] == 2);
    // Within the resync interval a second query sends nothing at all, even with the store down.
    int before = reader.remote->requests();
    reader.remote->set_down(true);
    CHECK(all_prod(reader).size() == 4);
    CHECK(reader.remote->requests() == before);
    CHECK(reader->counters().cache_hits[0] == 2);
    CHECK(reader.warning_count() == 0);
  }
  // A new process on the same cache directory lists again but downloads nothing.
  TestStore again(bucket.path, Backend::kRemote, "reader", nullptr, local);
  CHECK(all_prod(again).size() == 4);
  CHECK(again.remote->gets == 0);
  CHECK(again.remote->lists >= 1);
  CHECK(again->counters().cache_hits[0] == 2);
  CHECK(again->counters().cache_hits[1] == 2);
}

TEST_CASE("remote store: a store that does not answer fails the query with its name, never a partial answer") {
  TempDir bucket;
  TestStore writer(bucket.path, Backend::kRemote, "w");
  write_batch(writer, kApi, kDay0 + 10, "api");

  TestStore reader(bucket.path, Backend::kRemote, "r");
  SUBCASE("cold: the index cannot be listed") {
    reader.remote->set_down(true);
    auto src = reader.source("fake");
    auto it = src->select(prod_today());
    REQUIRE_FALSE(it.ok());
    CHECK(it.code() == util::ErrorCode::kUnavailable);
    CHECK(it.error().find("s3://test-bucket") != std::string::npos);
    auto names = reader->label_names("fake", kDay0, kDay0 + kDay);
    CHECK(names.code() == util::ErrorCode::kUnavailable);
  }
  SUBCASE("the index is there, the chunk cannot be downloaded") {
    REQUIRE(reader->label_names("fake", kDay0, kDay0 + kDay).ok());  // syncs the index only
    reader.remote->set_down(true);
    auto src = reader.source("fake");
    auto it = src->select(prod_today());
    REQUIRE(it.ok());
    CHECK_FALSE((*it)->next());
    CHECK((*it)->status().code() == util::ErrorCode::kUnavailable);
    CHECK((*it)->status().error().find("s3://test-bucket") != std::string::npos);
    CHECK(reader->counters().corrupt_chunks_skipped == 0);  // not mistaken for damage
  }
}

TEST_CASE("remote store: another writer's files appear after the resync interval") {
  TempDir bucket;
  util::FakeClock clock;
  TestStore w1(bucket.path, Backend::kRemote, "writer-1");
  TestStore w2(bucket.path, Backend::kRemote, "writer-2");
  TestStore reader(bucket.path, Backend::kRemote, "reader", &clock);
  write_batch(w1, kApi, kDay0 + 10, "api");
  CHECK(all_prod(reader).size() == 2);
  write_batch(w2, kWeb, kDay0 + 20, "web");
  CHECK(all_prod(reader).size() == 2);  // listed less than 5 minutes ago
  clock.advance(5 * kMinute);
  CHECK(all_prod(reader).size() == 4);
  // Two writers, two names: nobody replaced anybody's file.
  auto idx = files_in(bucket.path + "/fake/index", ".idx");
  REQUIRE(idx.size() == 2);
  CHECK(idx[0].find("-writer-") != std::string::npos);
  CHECK(idx[0] != idx[1]);
  // The background resync (logd's) gets later files without a query waiting for them.
  write_batch(w2, kWeb, kDay0 + 30, "web later");
  clock.advance(5 * kMinute);
  REQUIRE(reader->maintain().ok());
  int before = reader.remote->requests();
  CHECK(all_prod(reader).size() == 6);
  CHECK(reader.remote->requests() - before == 1);  // the one new chunk
}

TEST_CASE("remote store: a damaged download is fetched once more, then skipped with a warning") {
  TempDir bucket;
  TestStore writer(bucket.path, Backend::kRemote, "w");
  write_batch(writer, kApi, kDay0 + 10, "api");
  write_batch(writer, kWeb, kDay0 + 20, "web");
  TestStore reader(bucket.path, Backend::kRemote, "r");
  auto flip = [](std::string& data) { data[data.size() / 2] = static_cast<char>(data[data.size() / 2] ^ 0x40); };

  SUBCASE("read once while being rewritten: the second read is taken") {
    auto damaged = std::make_shared<std::set<std::string>>();
    reader.remote->on_get([=](const std::string& key, std::string& data) {
      if (damaged->insert(key).second) flip(data);
    });
    CHECK(all_prod(reader).size() == 4);
    CHECK(reader.warning_count() == 0);
    CHECK(reader.remote->gets == 8);
  }
  SUBCASE("a chunk damaged for good is skipped, the rest answered") {
    reader.remote->on_get([=](const std::string& key, std::string& data) {
      if (key.find("/chunks/") != std::string::npos && key.find(store::chunk_file_name(kWeb.fingerprint(), 0, 0, 0).substr(0, 16)) != std::string::npos)
        flip(data);
    });
    auto rows = all_prod(reader);
    CHECK(rows.size() == 2);
    CHECK(reader.warning_count() == 1);
    CHECK((*reader.warnings)[0].find("CRC32C") != std::string::npos);
    CHECK(reader->counters().corrupt_chunks_skipped == 1);
    // Never cached: the next query downloads it again (and gets it, once it is sound).
    reader.remote->on_get(nullptr);
    CHECK(all_prod(reader).size() == 4);
  }
  SUBCASE("an index file damaged for good is skipped until a later sync reads it sound") {
    util::FakeClock clock;
    TestStore r2(bucket.path, Backend::kRemote, "r2", &clock);
    auto first_index = files_in(bucket.path + "/fake/index", ".idx").front();
    std::string name = first_index.substr(first_index.rfind('/') + 1);
    r2.remote->on_get([=](const std::string& key, std::string& data) {
      if (key.ends_with(name)) flip(data);
    });
    CHECK(all_prod(r2).size() == 2);
    CHECK(r2->counters().corrupt_index_files == 1);
    CHECK(r2.warning_count() == 1);
    r2.remote->on_get(nullptr);
    clock.advance(5 * kMinute);
    CHECK(all_prod(r2).size() == 4);
  }
}

TEST_CASE("remote store: an index file that vanishes after the listing means listing again") {
  TempDir bucket;
  TestStore writer(bucket.path, Backend::kRemote, "w");
  write_batch(writer, kApi, kDay0 + 10, "api");
  auto original = files_in(bucket.path + "/fake/index", ".idx").front();
  std::string name = original.substr(original.rfind('/') + 1);
  std::string dir_key = store::index_period_prefix("fake", 19723);

  TestStore reader(bucket.path, Backend::kRemote, "r");
  bool replaced = false;
  reader.remote->before_get([&](const std::string& key) {
    if (replaced || !key.ends_with(name)) return false;
    // A compaction publishes its merged file, then the file just listed is gone.
    replaced = true;
    auto bytes = reader.remote->inner().get(key);
    REQUIRE(bytes.ok());
    REQUIRE(reader.remote->inner().put(dir_key + store::index_file_name(1, "compactor"), *bytes).ok());
    REQUIRE(reader.remote->inner().remove(key).ok());
    return true;
  });
  CHECK(all_prod(reader).size() == 2);
  CHECK(replaced);
  CHECK(reader.warning_count() == 0);
}

TEST_CASE("remote store: a flush during an outage fails naming the store and leaves nothing half done") {
  TempDir bucket;
  TestStore s(bucket.path, Backend::kRemote, "w");
  s.remote->set_down(true);
  std::vector<store::FlushedChunk> batch;
  batch.push_back(make_chunk("fake", kApi, {E(kDay0 + 1, "x")}));
  auto st = s->write_chunks("fake", batch);
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == util::ErrorCode::kUnavailable);
  CHECK(st.error().find("s3://test-bucket") != std::string::npos);
  CHECK(files_in(s.local->path + "/active", ".idx").empty());
  s.remote->set_down(false);
  REQUIRE(s->write_chunks("fake", std::move(batch)).ok());
  CHECK(all_prod(s).size() == 1);
  CHECK(files_in(s.local->path + "/active", ".idx").empty());
  CHECK(std::filesystem::exists(bucket.path + "/fake/tenant"));
}

TEST_CASE("remote store: index files a crash left in the active directory are uploaded at start") {
  TempDir bucket;
  auto local = std::make_shared<TempDir>();
  {
    TestStore s(bucket.path, Backend::kRemote, "w", nullptr, local);
    write_batch(s, kApi, kDay0 + 10, "api");
  }
  // As if the upload had not happened: the file only in the active directory.
  auto uploaded = files_in(bucket.path + "/fake/index", ".idx").front();
  std::string key = uploaded.substr(bucket.path.size() + 1);
  std::string active = local->path + "/active/" + key;
  REQUIRE(fsutil::create_directories(fsutil::parent_directory(active)).ok());
  std::filesystem::rename(uploaded, active);
  std::filesystem::remove_all(local->path + "/cache");
  TestStore reader(bucket.path, Backend::kRemote, "r");
  CHECK(all_prod(reader).size() == 0);

  TestStore restarted(bucket.path, Backend::kRemote, "w", nullptr, local);
  CHECK(std::filesystem::exists(uploaded));
  CHECK_FALSE(std::filesystem::exists(active));
  CHECK(all_prod(restarted).size() == 2);
}
