// Reading raw standard-input lines for a query, from memory (a pipe, read whole) or straight from
// a regular file through one small reused buffer (pread), as grep does. A file is not mapped:
// on some virtual machines the first touch of each mapped 4 KiB page costs microseconds (shadow
// page tables), which made a mapped 100 MiB search three times slower than grep's read().
//
// RawLineIterator walks the lines that start in a byte range, all of them or only those holding
// a needle (one SubstringFinder search per buffer, not per line); the engine re-applies every
// filter, so a needle only has to be necessary. Not thread-safe; one per select().
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logcli/raw_line_stamps.h"
#include "logql/eval/source.h"
#include "util/substring_finder.h"

namespace logcli {

// Where raw bytes live: a view of memory, or `size` bytes of an open file from `start`.
struct RawInput {
  std::string_view memory;  // used when fd < 0
  int fd = -1;              // not owned
  off_t start = 0;
  size_t size = 0;
  size_t total() const { return fd < 0 ? memory.size() : size; }
};

class RawLineIterator : public logql::EntryIterator {
 public:
  // Lines starting in [begin, end) (byte offsets; `begin` need not start a line: the walk starts
  // at the first line starting at or after it).
  RawLineIterator(RawInput input, const RawLineStamps& stamps, const model::LabelSet& labels, size_t begin,
                  size_t end, std::optional<util::SubstringFinder> needle, bool backward);

  bool next() override;
  const model::LabelSet& labels() const override { return labels_; }
  const model::Entry& entry() const override { return entry_; }
  util::Status status() const override { return status_; }

 private:
  struct Found {
    size_t offset, len;
  };
  // The next line (forward), or nullopt at the end or on a read error.
  std::optional<Found> step();
  // Makes the buffer hold complete lines from pos_ (win_begin_..win_end_); false at the end.
  bool fill();
  // Bytes [offset, offset + len) of the input; valid until the next read.
  std::string_view bytes(size_t offset, size_t len, bool backward);
  void set_entry(Found f, std::string_view text);

  RawInput input_;
  const RawLineStamps& stamps_;
  const model::LabelSet& labels_;
  size_t pos_, end_;
  std::optional<util::SubstringFinder> needle_;
  // File buffer: bytes [buf_off_, buf_off_ + buf_len_) of the input.
  std::string buf_;
  size_t buf_off_ = 0, buf_len_ = 0;
  size_t win_end_ = 0;  // complete lines are available from pos_ to win_end_
  bool backward_ = false;
  std::vector<Found> backlog_;
  model::Entry entry_;
  util::Status status_;
};

// Where the input's last line starts (0 for an empty input).
util::Result<size_t> last_line_start(const RawInput& input);

}  // namespace logcli
