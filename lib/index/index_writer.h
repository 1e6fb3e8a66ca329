// IndexWriter: collects series and their chunk refs, then writes one immutable index file.
//
// Not thread-safe; the flusher that owns it feeds it from one thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "index/index_format.h"
#include "util/result.h"

namespace idx {

class IndexWriter {
 public:
  // Adds a chunk of the series `labels` (the same series may get several chunks; an exact
  // duplicate ref is stored once).
  void add(const model::LabelSet& labels, ChunkRef ref);
  size_t series_count() const { return series_.size(); }

  // The file's bytes.
  std::string build() const;
  // Writes build() to `path` atomically (temporary file, fsync, rename, directory fsync).
  util::Status write(const std::string& path) const;

 private:
  std::map<model::LabelSet, std::vector<ChunkRef>> series_;
};

}  // namespace idx
