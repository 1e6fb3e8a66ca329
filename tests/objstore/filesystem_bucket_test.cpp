#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

#include "fsutil/atomic_file.h"
#include "objstore/filesystem_bucket.h"
#include "objstore/prefixed_bucket.h"
#include "bucket_conformance.h"

using namespace objstore_test;

namespace {

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_raw(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

}  // namespace

TEST_CASE("bucket conformance: filesystem") {
  std::vector<std::unique_ptr<TempDir>> dirs;
  run_conformance([&] {
    dirs.push_back(std::make_unique<TempDir>());
    return std::make_unique<objstore::FilesystemBucket>(dirs.back()->path);
  });
}

TEST_CASE("bucket conformance: filesystem under a prefix") {
  std::vector<std::unique_ptr<TempDir>> dirs;
  run_conformance([&]() -> std::unique_ptr<Bucket> {
    dirs.push_back(std::make_unique<TempDir>());
    auto inner = std::make_unique<objstore::FilesystemBucket>(dirs.back()->path);
    // Something beside the prefix that the view must never show or touch.
    REQUIRE(inner->put("other/tenant/x", "not mine").ok());
    auto prefixed = objstore::PrefixedBucket::create(std::move(inner), "tenant/sub");
    REQUIRE(prefixed.ok());
    return std::move(*prefixed);
  });
}

TEST_CASE("filesystem bucket: keys are the store's paths") {
  TempDir dir;
  objstore::FilesystemBucket b(dir.path + "/");
  REQUIRE(b.put("fake/chunks/2024-01-01/x.chunk", "chunk bytes").ok());
  CHECK(read_whole(dir.path + "/fake/chunks/2024-01-01/x.chunk") == "chunk bytes");
  CHECK(b.path_of("fake/chunks/2024-01-01/x.chunk") == dir.path + "/fake/chunks/2024-01-01/x.chunk");
  CHECK(b.name() == dir.path);
  // Readers map objects in place (zero-copy), also through a prefix.
  CHECK(b.local_file("fake/chunks/2024-01-01/x.chunk") == dir.path + "/fake/chunks/2024-01-01/x.chunk");
  auto prefixed = objstore::PrefixedBucket::create(std::make_unique<objstore::FilesystemBucket>(dir.path), "fake");
  REQUIRE(prefixed.ok());
  CHECK((*prefixed)->local_file("chunks/2024-01-01/x.chunk") == dir.path + "/fake/chunks/2024-01-01/x.chunk");

  // Files the store wrote directly are objects too.
  write_raw(dir.path + "/fake/index/2024-01-01/idx", "index");
  CHECK(b.get("fake/index/2024-01-01/idx").value() == "index");
  CHECK(list_all(b, "fake/", "/") == std::vector<std::string>{"fake/chunks/*", "fake/index/*"});
}

TEST_CASE("filesystem bucket: temporary files of atomic writes are never listed") {
  TempDir dir;
  objstore::FilesystemBucket b(dir.path);
  REQUIRE(b.put("t/chunks/a", "a").ok());
  write_raw(dir.path + "/t/chunks/b.tmp.1234.56.7", "half written");
  write_raw(dir.path + "/t/only-temp/c.tmp.1.2.3", "half written");
  CHECK(fsutil::is_atomic_write_temporary("b.tmp.1234.56.7"));
  CHECK_FALSE(fsutil::is_atomic_write_temporary("b.tmp.1234.56"));
  CHECK_FALSE(fsutil::is_atomic_write_temporary("b.tmp.x.5.6"));
  CHECK(list_all(b) == std::vector<std::string>{"t/chunks/a"});
  // A directory holding only temporaries is no common prefix either.
  CHECK(list_all(b, "t/", "/") == std::vector<std::string>{"t/chunks/*"});
  // Our own puts leave no temporary behind: only the two made here are there.
  int temporaries = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.path)) {
    if (e.is_regular_file() && fsutil::is_atomic_write_temporary(e.path().filename().string())) ++temporaries;
  }
  CHECK(temporaries == 2);
}

TEST_CASE("filesystem bucket: a key cannot be both an object and a directory of keys") {
  TempDir dir;
  objstore::FilesystemBucket b(dir.path);
  REQUIRE(b.put("a/b", "x").ok());
  auto s = b.put("a", "y");
  CHECK(s.code() == util::ErrorCode::kInvalidArgument);
  CHECK(s.error().find("below it") != std::string::npos);
  auto below = b.put("a/b/c", "z");
  CHECK(below.code() == util::ErrorCode::kInvalidArgument);
  CHECK(b.get("a").code() == util::ErrorCode::kNotFound);  // a directory is no object
  CHECK(b.remove("a").ok());
  CHECK(b.get("a/b").value() == "x");
}

TEST_CASE("filesystem bucket: check names a missing root") {
  TempDir dir;
  objstore::FilesystemBucket missing(dir.path + "/nope");
  auto s = missing.check();
  CHECK(s.code() == util::ErrorCode::kNotFound);
  CHECK(s.error().find(dir.path + "/nope") != std::string::npos);
  CHECK(objstore::FilesystemBucket(dir.path).check().ok());
  // put creates the root's missing directories.
  REQUIRE(missing.put("k", "v").ok());
  CHECK(missing.check().ok());
}

TEST_CASE("filesystem bucket: puts racing removes that empty their directory") {
  TempDir dir;
  objstore::FilesystemBucket b(dir.path);
  std::atomic<int> failures{0};
  std::thread remover([&] {
    for (int i = 0; i < 300; ++i) {
      if (!b.remove("race/dir/k" + std::to_string(i % 3)).ok()) ++failures;
    }
  });
  for (int i = 0; i < 300; ++i) {
    auto s = b.put("race/dir/k" + std::to_string(i % 3), "v");
    if (!s.ok()) {
      ++failures;
      MESSAGE(s.error());
    }
  }
  remover.join();
  CHECK(failures == 0);
}

TEST_CASE("filesystem bucket: metrics count operations and bytes") {
  TempDir dir;
  objstore::FilesystemBucket b(dir.path);
  REQUIRE(b.put("m/a", "12345").ok());
  REQUIRE(b.get("m/a").ok());
  CHECK(b.get("m/missing").code() == util::ErrorCode::kNotFound);
  auto m = b.metrics();
  CHECK(m.bytes_out == 5);
  CHECK(m.bytes_in == 5);
  auto count = [&](const std::string& op, const std::string& outcome) -> uint64_t {
    for (const auto& r : m.requests) {
      if (r.operation == op && r.outcome == outcome) return r.count;
    }
    return 0;
  };
  CHECK(count("put", "success") == 1);
  CHECK(count("get", "success") == 1);
  CHECK(count("get", "not_found") == 1);
}
