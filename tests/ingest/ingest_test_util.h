// Helpers shared by the ingester tests: an in-memory ChunkStore, a fake clock and a temp dir.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <limits>
#include <map>
#include <ostream>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "chunk/chunk_reader.h"
#include "ingest/ingester.h"
#include "store/store.h"
#include "util/clock.h"

namespace ingest_test {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/ingest-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

// Keeps written chunks per tenant; can be told to fail. Only write_chunks is meaningful.
class FakeStore : public store::ChunkStore {
 public:
  util::Status write_chunks(const std::string& tenant, std::vector<store::FlushedChunk> chunks) override {
    std::lock_guard lock(mu);
    ++calls;
    if (fail) return util::Error{"injected store failure"};
    for (auto& c : chunks) written[tenant].push_back(std::move(c));
    return {};
  }
  util::Result<std::unique_ptr<logql::LogSource>> source(const std::string&) override {
    return util::Error{"not implemented"};
  }
  util::Result<std::vector<std::string>> label_names(const std::string&, int64_t, int64_t) override {
    return std::vector<std::string>{};
  }
  util::Result<std::vector<std::string>> label_values(const std::string&, const std::string&,
                                                      const std::vector<logql::ast::Matcher>&, int64_t,
                                                      int64_t) override {
    return std::vector<std::string>{};
  }
  util::Result<std::vector<model::LabelSet>> series(const std::string&, const std::vector<logql::ast::Matcher>&,
                                                    int64_t, int64_t) override {
    return std::vector<model::LabelSet>{};
  }
  util::Result<store::IndexStats> stats(const std::string&, const std::vector<logql::ast::Matcher>&, int64_t,
                                        int64_t) override {
    return store::IndexStats{};
  }
  util::Result<std::vector<store::StreamSpans>> stream_spans(const std::string&,
                                                             const std::vector<logql::ast::Matcher>&, int64_t,
                                                             int64_t) override {
    return std::vector<store::StreamSpans>{};
  }

  // Every entry of the tenant's chunks, decoded, in chunk order.
  std::vector<model::Entry> entries(const std::string& tenant) {
    std::lock_guard lock(mu);
    std::vector<model::Entry> out;
    for (const auto& c : written[tenant]) {
      auto r = chunk::ChunkReader::open(c.data);
      REQUIRE(r.ok());
      CHECK(r->header().tenant == tenant);
      CHECK(r->header().labels == c.labels);
      auto all = r->read_all();
      REQUIRE(all.ok());
      out.insert(out.end(), all->begin(), all->end());
    }
    return out;
  }
  size_t chunk_count(const std::string& tenant) {
    std::lock_guard lock(mu);
    return written[tenant].size();
  }

  std::mutex mu;
  std::map<std::string, std::vector<store::FlushedChunk>> written;
  bool fail = false;
  int calls = 0;
};

using FakeClock = util::FakeClock;

inline push::Stream stream(model::LabelSet labels, std::vector<std::pair<int64_t, std::string>> entries) {
  push::Stream s{std::move(labels), {}};
  for (auto& [ts, line] : entries) s.entries.push_back({ts, std::move(line), {}});
  return s;
}

inline logql::ast::Matcher eq(std::string name, std::string value) {
  return {std::move(name), logql::ast::MatchOp::Eq, std::move(value)};
}

struct Row {
  std::string labels;
  int64_t ts;
  std::string line;
  bool operator==(const Row&) const = default;
};
inline std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << r.labels << " " << r.ts << " " << r.line;
}

inline std::vector<Row> select(ingest::Ingester& ing, const std::string& tenant,
                               std::vector<logql::ast::Matcher> matchers,
                               int64_t start = std::numeric_limits<int64_t>::min(),
                               int64_t end = std::numeric_limits<int64_t>::max(),
                               logql::Direction dir = logql::Direction::Forward) {
  auto src = ing.source(tenant);
  logql::SelectParams p;
  p.matchers = std::move(matchers);
  p.start = start;
  p.end = end;
  p.direction = dir;
  auto it = src->select(p);
  REQUIRE(it.ok());
  std::vector<Row> rows;
  while ((*it)->next()) rows.push_back({(*it)->labels().to_string(), (*it)->entry().timestamp, (*it)->entry().line});
  CHECK((*it)->status().ok());
  return rows;
}

inline ingest::IngesterOptions test_options(const std::string& wal_dir, FakeClock& clock) {
  ingest::IngesterOptions o;
  o.wal_dir = wal_dir;
  o.background_flush = false;
  o.clock = &clock;
  return o;
}

}  // namespace ingest_test
