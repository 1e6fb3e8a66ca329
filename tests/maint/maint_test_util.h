// Helpers for the maintenance tests: a data directory with a store written by the real
// LocalStore (as logd writes it) and queries through the real store source.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../store/store_test_util.h"
#include "maint/maintenance_lock.h"
#include "maint/store_snapshot.h"
#include "maint/target.h"

namespace maint_test {

using store_test::E;
using store_test::kDay;
using store_test::kDay0;
using store_test::Row;

// Period directories ("YYYY-MM-DD") directly under `dir`, sorted.
inline std::vector<int64_t> list_periods(const std::string& dir) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (auto p = store::parse_period_dir_name(e.path().filename().string())) out.push_back(*p);
  std::sort(out.begin(), out.end());
  return out;
}
// Final-named files under `dir` ending in `suffix`, sorted.
inline std::vector<std::string> list_files(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (n.find(".tmp.") == std::string::npos && n.ends_with(suffix)) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct DataDir {
  store_test::TempDir tmp;
  store_test::Backend backend = store_test::Backend::kLocal;
  DataDir() = default;
  explicit DataDir(store_test::Backend b) : backend(b) {}
  std::string root() const { return tmp.path + "/store"; }
  // The store as a maintenance run sees it: the directory itself, or as a remote bucket.
  maint::Target target() const {
    if (backend == store_test::Backend::kLocal) return maint::local_target(root());
    maint::Target t;
    t.bucket = std::make_shared<store_test::RemoteTestBucket>(root());
    return t;
  }

  // One flush batch of one tenant, through logd's store.
  void flush(const std::string& tenant, std::vector<store::FlushedChunk> chunks) {
    store_test::TestStore s(root(), backend);
    REQUIRE(s->write_chunks(tenant, std::move(chunks)).ok());
  }
  void flush_one(const std::string& tenant, const model::LabelSet& labels, const std::vector<model::Entry>& entries) {
    std::vector<store::FlushedChunk> batch;
    batch.push_back(store_test::make_chunk(tenant, labels, entries));
    flush(tenant, std::move(batch));
  }
  // Everything of `tenant` a fresh reader sees, forward.
  std::vector<Row> all(const std::string& tenant, int64_t start = kDay0 - 400 * kDay, int64_t end = kDay0 + 400 * kDay) {
    store_test::TestStore s(root(), backend);
    auto src = s.source(tenant);
    auto rows = store_test::select(*src, {store_test::M("__name__", logql::ast::MatchOp::Neq, "x")}, start, end);
    REQUIRE(s.warning_count() == 0);
    return rows;
  }
  size_t count(const std::string& sub, const std::string& suffix) const {
    size_t n = 0;
    std::string dir = root() + "/" + sub;
    for (int64_t p : list_periods(dir)) n += list_files(dir + "/" + store::period_dir_name(p), suffix).size();
    return n;
  }
  size_t chunk_files(const std::string& tenant) const { return count(tenant + "/chunks", ".chunk"); }
  size_t index_files(const std::string& tenant) const { return count(tenant + "/index", ".idx"); }
  std::vector<std::string> chunk_paths(const std::string& tenant) const {
    std::vector<std::string> out;
    std::string dir = root() + "/" + tenant + "/chunks";
    for (int64_t p : list_periods(dir))
      for (const auto& f : list_files(dir + "/" + store::period_dir_name(p), ".chunk"))
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
