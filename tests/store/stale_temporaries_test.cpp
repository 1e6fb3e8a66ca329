// Temporaries of dead writers are removed at logd's start; those of live processes (a logidx
// beside logd, or logd itself) and every real file stay.
#include "store/stale_temporaries.h"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

pid_t dead_pid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

TEST_CASE("store: stale temporaries of dead writers are removed, nothing else") {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("stale-tmp-" + std::to_string(::getpid()));
  fs::path chunks = root / "fake" / "chunks" / "2026-11-25";
  fs::path index = root / "fake" / "index" / "2026-11-25";
  fs::create_directories(chunks);
  fs::create_directories(index);
  const std::string dead = std::to_string(dead_pid()), self = std::to_string(::getpid());
  const std::string alive = std::to_string(::getppid());
  for (const std::string& name : {"a.chunk.tmp." + dead + ".1.2", "b.chunk.tmp." + self + ".1.2",
                                  "c.chunk.tmp." + alive + ".1.2", std::string("d.chunk"),
                                  std::string("e.chunk.tmp.x")}) {
    std::ofstream(chunks / name) << "x";
  }
  std::ofstream(index / ("00000000000000000001.idx.tmp." + dead + ".3.4")) << "x";
  std::ofstream(index / "00000000000000000001.idx") << "x";

  CHECK(store::remove_stale_temporaries(root.string()) == 2);
  CHECK_FALSE(fs::exists(chunks / ("a.chunk.tmp." + dead + ".1.2")));
  CHECK(fs::exists(chunks / ("b.chunk.tmp." + self + ".1.2")));
  CHECK(fs::exists(chunks / ("c.chunk.tmp." + alive + ".1.2")));
  CHECK(fs::exists(chunks / "d.chunk"));
  CHECK(fs::exists(chunks / "e.chunk.tmp.x"));
  CHECK_FALSE(fs::exists(index / ("00000000000000000001.idx.tmp." + dead + ".3.4")));
  CHECK(fs::exists(index / "00000000000000000001.idx"));
  CHECK(store::remove_stale_temporaries((root / "missing").string()) == 0);
  fs::remove_all(root);
}
