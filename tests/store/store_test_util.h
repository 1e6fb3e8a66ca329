// Helpers shared by the store tests: a temporary directory, chunk building, draining a source.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "chunk/chunk_writer.h"
#include "logql/eval/source.h"
#include "model/time.h"
#include "store/bucket_store.h"
#include "remote_test_bucket.h"

namespace store_test {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = "/tmp/store-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

// Nanoseconds of 2024-01-01T00:00:00Z (day 19723) plus an offset.
constexpr int64_t kDay = model::kNanosPerDay;
constexpr int64_t kDay0 = 19723 * kDay;

inline store::FlushedChunk make_chunk(const std::string& tenant, const model::LabelSet& labels,
                                      const std::vector<model::Entry>& entries, size_t block_size = 256 * 1024) {
  chunk::ChunkWriterOptions opts;
  opts.target_block_size = block_size;
  auto w = chunk::ChunkWriter::create(tenant, labels, opts);
  REQUIRE(w.ok());
  for (const auto& e : entries) REQUIRE((*w)->append(e).ok());
  store::FlushedChunk c;
  c.labels = labels;
  c.min_time = (*w)->min_time();
  c.max_time = (*w)->max_time();
  c.entries = (*w)->entries();
  c.line_bytes = (*w)->line_bytes();
  auto data = (*w)->finish();
  REQUIRE(data.ok());
  c.data = std::move(*data);
  return c;
}

inline model::Entry E(int64_t ts, std::string line) { return model::Entry{ts, std::move(line), {}}; }

struct Row {
  std::string labels;
  int64_t ts;
  std::string line;
  bool operator==(const Row&) const = default;
};
inline std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << r.labels << " " << r.ts << " " << r.line;
}

inline std::vector<Row> drain(logql::EntryIterator& it) {
  std::vector<Row> rows;
  while (it.next()) rows.push_back(Row{it.labels().to_string(), it.entry().timestamp, it.entry().line});
  REQUIRE(it.status().ok());
  return rows;
}

inline std::vector<Row> select(logql::LogSource& src, std::vector<logql::ast::Matcher> matchers, int64_t start,
                               int64_t end, logql::Direction dir = logql::Direction::Forward,
                               const std::vector<logql::ast::Stage>* stages = nullptr) {
  logql::SelectParams p;
  p.matchers = std::move(matchers);
  p.start = start;
  p.end = end;
  p.direction = dir;
  p.stages = stages;
  auto it = src.select(p);
  REQUIRE(it.ok());
  return drain(**it);
}

inline logql::ast::Matcher M(std::string name, logql::ast::MatchOp op, std::string value) {
  return logql::ast::Matcher{std::move(name), op, std::move(value)};
}

// Which kind of store a test runs on: a local directory (read in place) or the same directory
// seen as a remote bucket (listed, downloaded and cached, as over S3).
enum class Backend { kLocal, kRemote };
struct LocalBackend {
  static constexpr Backend kind = Backend::kLocal;
};
struct RemoteBackend {
  static constexpr Backend kind = Backend::kRemote;
};
#define STORE_BACKENDS store_test::LocalBackend, store_test::RemoteBackend

// A store that records its warnings instead of printing them.
struct TestStore {
  std::shared_ptr<std::vector<std::string>> warnings = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<RemoteTestBucket> remote;  // kRemote: the bucket the store reads
  std::shared_ptr<TempDir> local;            // kRemote: cache and active index directory
  std::unique_ptr<store::ChunkStore> store;
  explicit TestStore(const std::string& dir, Backend backend = Backend::kLocal, const std::string& writer = "logd",
                     util::Clock* clock = nullptr, std::shared_ptr<TempDir> local_dir = nullptr,
                     uint64_t segment_chunk_max = store::kDefaultSegmentChunkMaxBytes) {
    auto w = warnings;
    auto m = mu;
    auto warn = [w, m](const std::string& msg) {
      std::lock_guard lock(*m);
      w->push_back(msg);
    };
    if (backend == Backend::kLocal) {
      store::LocalStoreOptions o;
      o.dir = dir;
      o.writer_id = writer;
      o.warn = warn;
      o.segment_chunk_max_bytes = segment_chunk_max;
      auto s = store::open_local_store(o);
      REQUIRE(s.ok());
      store = std::move(*s);
      return;
    }
    remote = std::make_shared<RemoteTestBucket>(dir);
    local = local_dir ? local_dir : std::make_shared<TempDir>();
    store::StoreOptions o;
    o.bucket = remote;
    o.writer_id = writer;
    o.active_index_dir = local->path + "/active";
    o.cache_dir = local->path + "/cache";
    o.clock = clock;
    o.warn = warn;
    o.segment_chunk_max_bytes = segment_chunk_max;
    auto s = store::open_store(o);
    REQUIRE_MESSAGE(s.ok(), s.error());
    store = std::move(*s);
  }
  store::ChunkStore* operator->() { return store.get(); }
  std::unique_ptr<logql::LogSource> source(const std::string& tenant) {
    auto s = store->source(tenant);
    REQUIRE(s.ok());
    return std::move(*s);
  }
  size_t warning_count() {
    std::lock_guard lock(*mu);
    return warnings->size();
  }
};

}  // namespace store_test
