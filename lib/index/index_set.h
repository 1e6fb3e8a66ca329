// IndexSet: the index files of one tenant and period (one per flush), queried as one.
//
// Label names and values are merged; a series present in several files is returned once with the
// union of its chunk refs (exact duplicates, e.g. from a re-flush, collapse). Immutable after
// construction: safe to share between threads.
#pragma once

#include <string>
#include <vector>

#include "index/index_reader.h"

namespace idx {

class IndexSet {
 public:
  IndexSet() = default;
  explicit IndexSet(std::vector<IndexReader> readers) : readers_(std::move(readers)) {}

  // Opens every `*.idx` file in `dir` (a missing directory is an empty set). Fails on the first
  // file that does not validate, naming it.
  static util::Result<IndexSet> open_dir(const std::string& dir);

  const std::vector<IndexReader>& readers() const { return readers_; }

  std::vector<std::string> label_names() const;
  std::vector<std::string> label_values(std::string_view name) const;
  // Matching series with chunks overlapping [start, end), in label order.
  util::Result<std::vector<SeriesChunks>> chunk_refs(const std::vector<Matcher>& matchers, int64_t start,
                                                     int64_t end) const;

 private:
  std::vector<IndexReader> readers_;
};

}  // namespace idx
