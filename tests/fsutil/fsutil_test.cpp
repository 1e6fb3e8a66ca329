#include <doctest/doctest.h>

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "fsutil/atomic_file.h"
#include "fsutil/file_lock.h"
#include "fsutil/mapped_file.h"

namespace {

// A fresh directory under TMPDIR, removed (with its files) at scope exit.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/fsutil-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

size_t count_entries(const std::string& dir) {
  size_t n = 0;
  DIR* d = ::opendir(dir.c_str());
  while (auto* e = ::readdir(d))
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
  ::closedir(d);
  return n;
}

}  // namespace

TEST_CASE("write_file_atomically creates and replaces files, leaving no temporary behind") {
  TempDir dir;
  std::string path = dir.path + "/data.bin";
  REQUIRE(fsutil::write_file_atomically(path, "first").ok());
  CHECK(*fsutil::read_file(path) == "first");
  std::string big(1 << 20, 'x');
  REQUIRE(fsutil::write_file_atomically(path, big).ok());
  CHECK(*fsutil::read_file(path) == big);
  CHECK(count_entries(dir.path) == 1);
  REQUIRE(fsutil::write_file_atomically(path, "").ok());
  CHECK(fsutil::read_file(path)->empty());

  auto s = fsutil::write_file_atomically(dir.path + "/missing/x", "y");
  CHECK_FALSE(s.ok());
  CHECK(s.error().find("missing") != std::string::npos);
  CHECK(count_entries(dir.path) == 1);
}

TEST_CASE("a mapping stays valid after the file is replaced") {
  TempDir dir;
  std::string path = dir.path + "/m";
  REQUIRE(fsutil::write_file_atomically(path, "old contents").ok());
  auto m = fsutil::MappedFile::open(path);
  REQUIRE(m.ok());
  REQUIRE(fsutil::write_file_atomically(path, "new").ok());
  CHECK(m->data() == "old contents");
  auto m2 = fsutil::MappedFile::open(path);
  CHECK(m2->data() == "new");
  fsutil::MappedFile moved = std::move(*m);
  CHECK(moved.data() == "old contents");
  REQUIRE(fsutil::write_file_atomically(path, "").ok());
  CHECK(fsutil::MappedFile::open(path)->data().empty());
  CHECK_FALSE(fsutil::MappedFile::open(dir.path + "/nope").ok());
  CHECK_FALSE(fsutil::MappedFile::open(dir.path).ok());
}

TEST_CASE("create_directories and parent_directory") {
  TempDir dir;
  std::string deep = dir.path + "/a/b/c";
  REQUIRE(fsutil::create_directories(deep).ok());
  REQUIRE(fsutil::create_directories(deep).ok());
  REQUIRE(fsutil::write_file_atomically(deep + "/f", "1").ok());
  CHECK_FALSE(fsutil::create_directories(deep + "/f").ok());
  CHECK(fsutil::parent_directory("a/b/c") == "a/b");
  CHECK(fsutil::parent_directory("c") == ".");
  CHECK(fsutil::parent_directory("/c") == "/");
}

TEST_CASE("a file lock excludes a second holder until released") {
  TempDir dir;
  std::string path = dir.path + "/LOCK";
  auto a = fsutil::FileLock::acquire(path);
  REQUIRE(a.ok());
  CHECK(a->held());
  auto b = fsutil::FileLock::acquire(path);
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().find("held by another process") != std::string::npos);
  { fsutil::FileLock released = std::move(*a); }
  auto c = fsutil::FileLock::acquire(path);
  CHECK(c.ok());
}
