#include <doctest/doctest.h>

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

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

// Entries of `dir` whose name marks an in-progress write.
size_t count_temporaries(const std::string& dir) {
  size_t n = 0;
  DIR* d = ::opendir(dir.c_str());
  while (auto* e = ::readdir(d))
    if (std::string(e->d_name).find(".tmp.") != std::string::npos) ++n;
  ::closedir(d);
  return n;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
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

TEST_CASE("write_files_atomically writes every file of a batch, across directories, without temporaries") {
  auto sync = fsutil::BatchSync::kAuto;
  SUBCASE("one syncfs per file system (on kernels that report its errors)") { sync = fsutil::BatchSync::kAuto; }
  SUBCASE("fsync of each file") { sync = fsutil::BatchSync::kFsyncEachFile; }
  TempDir dir;
  std::string a = dir.path + "/a", b = dir.path + "/b";
  REQUIRE(fsutil::create_directories(a).ok());
  REQUIRE(fsutil::create_directories(b).ok());
  REQUIRE(fsutil::write_file_atomically(b + "/replaced", "old contents").ok());
  std::vector<std::string> contents;  // owns the bytes the batch views
  for (int i = 0; i < 100; ++i) contents.push_back("file " + std::to_string(i) + std::string(size_t(i) * 97, 'x'));
  std::vector<fsutil::FileToWrite> files;
  for (int i = 0; i < 100; ++i) files.push_back({(i % 2 ? a : b) + "/f" + std::to_string(i), contents[size_t(i)]});
  files.push_back({b + "/replaced", "new"});
  files.push_back({a + "/empty", ""});
  files.push_back({a + "/f1", contents[1]});  // the same file twice, same bytes (a replayed chunk)
  REQUIRE(fsutil::write_files_atomically(files, sync).ok());
  for (int i = 0; i < 100; ++i) CHECK(*fsutil::read_file((i % 2 ? a : b) + "/f" + std::to_string(i)) == contents[size_t(i)]);
  CHECK(*fsutil::read_file(b + "/replaced") == "new");
  CHECK(fsutil::read_file(a + "/empty")->empty());
  CHECK(count_entries(a) == 51);
  CHECK(count_entries(b) == 51);
  CHECK(fsutil::write_files_atomically({}, sync).ok());
}

TEST_CASE("write_files_atomically: a rename failing mid-batch publishes only complete files and leaves no temporary") {
  TempDir dir;
  REQUIRE(fsutil::write_file_atomically(dir.path + "/f3", "old").ok());
  // A non-empty directory where f2 should go: renaming a file over it fails.
  REQUIRE(fsutil::create_directories(dir.path + "/f2/blocker").ok());
  std::vector<std::string> contents{"new 0", "new 1", "new 2", "new 3", "new 4"};
  std::vector<fsutil::FileToWrite> files;
  for (int i = 0; i < 5; ++i) files.push_back({dir.path + "/f" + std::to_string(i), contents[size_t(i)]});
  auto s = fsutil::write_files_atomically(files);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().find(dir.path + "/f2") != std::string::npos);
  // Renames run in order after every file is durable: those before f2 are complete and new.
  CHECK(*fsutil::read_file(dir.path + "/f0") == "new 0");
  CHECK(*fsutil::read_file(dir.path + "/f1") == "new 1");
  CHECK(*fsutil::read_file(dir.path + "/f3") == "old");
  CHECK_FALSE(exists(dir.path + "/f4"));
  CHECK(count_temporaries(dir.path) == 0);
}

TEST_CASE("write_files_atomically: a write failing mid-batch publishes nothing and leaves no temporary") {
  TempDir dir;
  REQUIRE(fsutil::write_file_atomically(dir.path + "/f0", "old").ok());
  std::string big(2 << 20, 'x');
  std::vector<fsutil::FileToWrite> files{{dir.path + "/f0", "new"}, {dir.path + "/f1", big}, {dir.path + "/f2", "new"}};
  // A file size limit below the second file makes its write fail with EFBIG (root included).
  struct rlimit saved;
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = saved;
  limited.rlim_cur = 1 << 20;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
  auto s = fsutil::write_files_atomically(files);
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
  std::signal(SIGXFSZ, saved_handler);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().find("write") != std::string::npos);
  CHECK(*fsutil::read_file(dir.path + "/f0") == "old");
  CHECK_FALSE(exists(dir.path + "/f1"));
  CHECK_FALSE(exists(dir.path + "/f2"));
  CHECK(count_temporaries(dir.path) == 0);
}

TEST_CASE("write_files_atomically: a missing directory fails the batch before any file is written") {
  TempDir dir;
  auto s = fsutil::write_files_atomically({{dir.path + "/f0", "x"}, {dir.path + "/missing/f1", "y"}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().find("missing") != std::string::npos);
  CHECK(count_entries(dir.path) == 0);
}
