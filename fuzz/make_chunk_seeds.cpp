// Writes a few valid chunks into DIR, as seeds for chunk_decode_fuzzer (so the fuzzer starts
// from deep inside the format instead of rediscovering the magic bytes), and with INDEX_DIR a few
// valid index files as seeds for index_decode_fuzzer.
// usage: make_chunk_seeds DIR [INDEX_DIR]
#include <cstdio>
#include <string>

#include "chunk/chunk_writer.h"
#include "fsutil/atomic_file.h"
#include "index/index_writer.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s DIR [INDEX_DIR]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  for (int seed = 0; seed < 4; ++seed) {
    auto w = chunk::ChunkWriter::create("fake", model::LabelSet{{"app", "x"}, {"seed", std::to_string(seed)}},
                                        {.target_block_size = size_t(64) << (seed * 2), .zstd_level = 1});
    if (!w.ok()) return 1;
    for (int i = 0; i < 20 * (seed + 1); ++i) {
      model::LabelSet md;
      if (i % 3 == 0) md = model::LabelSet{{"trace", std::to_string(i)}};
      (void)(*w)->append(1000 + i * (seed + 1), "line " + std::to_string(i * 7919), md);
    }
    auto bytes = (*w)->finish();
    if (!bytes.ok() || !fsutil::write_file_atomically(dir + "/seed" + std::to_string(seed), *bytes).ok()) return 1;
  }
  if (argc == 3) {
    for (int seed = 0; seed < 3; ++seed) {
      idx::IndexWriter w;
      for (int i = 0; i < 4 * (seed + 1); ++i) {
        model::LabelSet ls{{"app", "a" + std::to_string(i % 3)}, {"i", std::to_string(i)}};
        if (i % 2) ls.set("env", "prod");
        w.add(ls, {"c" + std::to_string(i), i * 10, i * 10 + 5, 3, 42});
      }
      if (!fsutil::write_file_atomically(std::string(argv[2]) + "/seed" + std::to_string(seed), w.build()).ok())
        return 1;
    }
  }
  return 0;
}
