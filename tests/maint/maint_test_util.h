// Helpers for the maintenance tests: a data directory with a store written by the real
// LocalStore (as logd writes it) and queries through the real store source.
#pragma once

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "../store/store_test_util.h"
#include "maint/store_snapshot.h"

namespace maint_test {

using store_test::E;
using store_test::kDay;
using store_test::kDay0;
using store_test::Row;

struct DataDir {
  store_test::TempDir tmp;
  std::string root() const { return tmp.path + "/store"; }

  // One flush batch of one tenant, through logd's store.
  void flush(const std::string& tenant, std::vector<store::FlushedChunk> chunks) {
    store_test::TestStore s(root());
    REQUIRE(s->write_chunks(tenant, std::move(chunks)).ok());
  }
  void flush_one(const std::string& tenant, const model::LabelSet& labels, const std::vector<model::Entry>& entries) {
    std::vector<store::FlushedChunk> batch;
    batch.push_back(store_test::make_chunk(tenant, labels, entries));
    flush(tenant, std::move(batch));
  }
  // Everything of `tenant` a fresh reader sees, forward.
  std::vector<Row> all(const std::string& tenant, int64_t start = kDay0 - 400 * kDay, int64_t end = kDay0 + 400 * kDay) {
    store_test::TestStore s(root());
    auto src = s.source(tenant);
    auto rows = store_test::select(*src, {store_test::M("__name__", logql::ast::MatchOp::Neq, "x")}, start, end);
    REQUIRE(s.warning_count() == 0);
    return rows;
  }
  size_t count(const std::string& sub, const std::string& suffix) const {
    size_t n = 0;
    std::string dir = root() + "/" + sub;
    for (int64_t p : maint::list_periods(dir)) n += maint::list_files(dir + "/" + store::period_dir_name(p), suffix).size();
    return n;
  }
  size_t chunk_files(const std::string& tenant) const { return count(tenant + "/chunks", ".chunk"); }
  size_t index_files(const std::string& tenant) const { return count(tenant + "/index", ".idx"); }
  std::vector<std::string> chunk_paths(const std::string& tenant) const {
    std::vector<std::string> out;
    std::string dir = root() + "/" + tenant + "/chunks";
    for (int64_t p : maint::list_periods(dir))
      for (const auto& f : maint::list_files(dir + "/" + store::period_dir_name(p), ".chunk"))
        out.push_back(dir + "/" + store::period_dir_name(p) + "/" + f);
    return out;
  }
};

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
inline void write_all(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

}  // namespace maint_test
