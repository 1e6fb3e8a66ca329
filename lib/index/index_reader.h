// IndexReader: answers label and series queries from one index file, read in place (mmap).
//
// open() validates the whole file up front: magic, version, trailer checksum, every section's
// CRC32C and bounds, the symbol table (sorted, unique) and the label index (sorted, every symbol
// and postings offset in bounds). Postings lists and series records are decoded on demand, with
// bounds checks, so a lookup touches only the postings of the label values it needs.
// Immutable after open: safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/index_format.h"
#include "index/matcher.h"
#include "index/postings.h"
#include "util/result.h"

namespace fsutil {
class MappedFile;
}

namespace idx {

class IndexReader {
 public:
  static util::Result<IndexReader> open(const std::string& path);
  // Borrows `bytes`, which must outlive the reader.
  static util::Result<IndexReader> open_bytes(std::string_view bytes);
  // Reads `bytes`, which `owner` keeps alive as long as the reader (and its copies); `name`
  // stands for path() in messages.
  static util::Result<IndexReader> open_owned(std::string_view bytes, std::shared_ptr<const void> owner,
                                              std::string name);

  uint32_t series_count() const { return series_count_; }
  const std::string& path() const { return path_; }

  // Sorted label names and values present in the file.
  std::vector<std::string> label_names() const;
  std::vector<std::string> label_values(std::string_view name) const;

  // IDs of the series selected by all matchers (Prometheus semantics), sorted. An empty matcher
  // list selects every series.
  util::Result<Postings> select(const std::vector<CompiledMatcher>& matchers) const;
  util::Result<Postings> select(const std::vector<Matcher>& matchers) const;

  // One series, with only its chunks overlapping [start, end).
  util::Result<SeriesChunks> series(uint32_t id, int64_t start, int64_t end) const;

  // Selected series that have at least one chunk overlapping [start, end), with those chunks,
  // in label order.
  util::Result<std::vector<SeriesChunks>> chunk_refs(const std::vector<Matcher>& matchers, int64_t start,
                                                     int64_t end) const;

 private:
  struct NameEntry {
    uint32_t symbol;
    uint32_t first_value;  // into values_
    uint32_t value_count;
  };
  struct ValueEntry {
    uint32_t symbol;
    uint32_t postings_offset;
  };

  util::Status parse();
  const NameEntry* find_name(std::string_view name) const;
  util::Result<Postings> read_postings(uint32_t offset) const;
  // Union of the postings of the values of `name` for which `pred(value) == want`.
  util::Result<Postings> postings_where(const NameEntry& name, const CompiledMatcher& m, bool want) const;

  std::string path_;
  std::shared_ptr<const void> owner_;
  std::string_view bytes_;
  std::string_view sections_[kSectionCount];
  uint32_t series_count_ = 0;
  bool ref_ranges_ = false;  // version 2: chunk refs carry a byte range (segments)
  std::vector<std::string_view> symbols_;
  std::vector<NameEntry> names_;
  std::vector<ValueEntry> values_;
};

}  // namespace idx
