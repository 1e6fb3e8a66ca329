// Glob semantics of `__path__` / `__path_exclude__` (doublestar, as Promtail uses it).
#include "tail/glob.h"

#include <doctest/doctest.h>

#include "tail_test_util.h"

using tail::glob_files;
using tail::glob_match;

namespace {
bool matches(const char* pattern, const char* path) {
  auto r = glob_match(pattern, path);
  REQUIRE(r.ok());
  return *r;
}
}  // namespace

TEST_CASE("tail glob: star, question mark and classes stay within one path component") {
  CHECK(matches("/var/log/*log", "/var/log/syslog"));
  CHECK(matches("/var/log/*log", "/var/log/auth.log"));
  CHECK_FALSE(matches("/var/log/*log", "/var/log/apt/history.log"));
  CHECK_FALSE(matches("/var/log/*log", "/var/log/syslog.1"));
  CHECK(matches("/var/log/*", "/var/log/.hidden"));
  CHECK(matches("/a/?.log", "/a/x.log"));
  CHECK_FALSE(matches("/a/?.log", "/a/xy.log"));
  CHECK(matches("/a/?.log", "/a/é.log"));  // one character, not one byte
  CHECK(matches("/a/[abc].log", "/a/b.log"));
  CHECK_FALSE(matches("/a/[abc].log", "/a/d.log"));
  CHECK(matches("/a/[a-c].log", "/a/c.log"));
  CHECK(matches("/a/[!a-c].log", "/a/d.log"));
  CHECK(matches("/a/[^a-c].log", "/a/d.log"));
  CHECK_FALSE(matches("/a/[!a-c].log", "/a/b.log"));
  CHECK(matches("/a/\\*.log", "/a/*.log"));
  CHECK_FALSE(matches("/a/\\*.log", "/a/x.log"));
  CHECK(matches("/a/*x*y", "/a/axbxcy"));
}

TEST_CASE("tail glob: ** matches zero or more directories") {
  CHECK(matches("/var/log/**/*.log", "/var/log/a.log"));
  CHECK(matches("/var/log/**/*.log", "/var/log/nginx/access.log"));
  CHECK(matches("/var/log/**/*.log", "/var/log/a/b/c/d.log"));
  CHECK_FALSE(matches("/var/log/**/*.log", "/var/log/a/b/c/d.txt"));
  CHECK(matches("/var/**", "/var/log/x"));
}

TEST_CASE("tail glob: {a,b} alternatives, nested, with slashes") {
  CHECK(matches("/var/log/{syslog,messages}", "/var/log/messages"));
  CHECK_FALSE(matches("/var/log/{syslog,messages}", "/var/log/kern.log"));
  CHECK(matches("/x/{a,b{c,d}}.log", "/x/bd.log"));
  CHECK(matches("/{var/log,tmp}/*.log", "/tmp/t.log"));
  auto e = tail::expand_braces("x{a,b{c,d}}y");
  REQUIRE(e.ok());
  CHECK(*e == std::vector<std::string>{"xay", "xbcy", "xbdy"});
}

TEST_CASE("tail glob: malformed patterns are errors") {
  CHECK_FALSE(glob_match("/a/[abc", "/a/b").ok());
  CHECK_FALSE(glob_match("/a/{b,c", "/a/b").ok());
  CHECK_FALSE(glob_files("/a/[abc").ok());
}

TEST_CASE("tail glob: glob_files walks the file system, files only, sorted") {
  tail_test::TempDir dir;
  for (const char* f : {"a.log", "b.log", "c.txt", "sub/d.log", "sub/deeper/e.log", "other/f.log"}) {
    tail_test::write_file(dir / f, "x\n");
  }
  std::filesystem::create_directories(dir / "dir.log");  // a directory named like a match
  auto files = [&](const std::string& pattern) {
    auto r = glob_files(dir.path + pattern);
    REQUIRE(r.ok());
    std::vector<std::string> rel;
    for (auto& p : *r) rel.push_back(p.substr(dir.path.size() + 1));
    return rel;
  };
  CHECK(files("/*.log") == std::vector<std::string>{"a.log", "b.log"});
  CHECK(files("/**/*.log") ==
        std::vector<std::string>{"a.log", "b.log", "other/f.log", "sub/d.log", "sub/deeper/e.log"});
  CHECK(files("/{sub,other}/*.log") == std::vector<std::string>{"other/f.log", "sub/d.log"});
  CHECK(files("/[ab].*") == std::vector<std::string>{"a.log", "b.log"});
  CHECK(files("/?.txt") == std::vector<std::string>{"c.txt"});
  CHECK(files("/a.log") == std::vector<std::string>{"a.log"});  // a plain path: no walk needed
  CHECK(files("/missing/*.log").empty());
}

TEST_CASE("tail glob: the directories to watch for a pattern") {
  tail_test::TempDir tmp;
  const std::string& d = tmp.path;
  std::filesystem::create_directories(d + "/logs/a/b");
  std::filesystem::create_directories(d + "/logs/x1");
  std::filesystem::create_directories(d + "/logs/y1");
  tail_test::write_file(d + "/logs/f.log", "x\n");
  auto dirs = [](const std::string& pattern) {
    auto r = tail::glob_watch_dirs(pattern);
    REQUIRE(r.ok());
    return *r;
  };
  using V = std::vector<std::string>;
  // A fixed directory: only it (its ancestors' other entries never matter).
  CHECK(dirs(d + "/logs/*.log") == V{d + "/logs"});
  // A fixed prefix that does not exist yet: its deepest existing directory, to see it created.
  CHECK(dirs(d + "/logs/new/sub/*.log") == V{d + "/logs"});
  CHECK(dirs(d + "/nope/*.log") == V{d});
  // A wildcard directory component: the directories it matches, and their parent.
  CHECK(dirs(d + "/logs/x*/*.log") == V{d + "/logs", d + "/logs/x1"});
  // `**`: every directory below.
  CHECK(dirs(d + "/logs/**/*.log") == V{d + "/logs", d + "/logs/a", d + "/logs/a/b", d + "/logs/x1", d + "/logs/y1"});
  // Alternatives may name different trees.
  CHECK(dirs(d + "/{logs/a,logs/x1}/*.log") == V{d + "/logs/a", d + "/logs/x1"});
  // A cap on how many are returned.
  CHECK(tail::glob_watch_dirs(d + "/logs/**/*.log", 2)->size() == 2);
  CHECK_FALSE(tail::glob_watch_dirs(d + "/[abc/*.log").ok());
}
