// A LogSource over logcli's standard input, which a query may select from several times (a
// binary operation reads its input twice): a pipe is read once into memory; raw input from a
// regular file (`logcli ... < app.log`) is read again by each select, buffer by buffer.
//
// Two input forms:
//  - raw: every line is an entry of one stream with no labels, stamped with the time it was read
//    plus its byte offset in that read (strictly increasing, so input order is time order; see
//    raw_line_stamps.h). Stream selectors are not applied, as in Loki's logcli.
//  - jsonl: every line is an object in logcli's jsonl output form,
//    {"labels":{...},"line":"...","timestamp":"<RFC3339Nano>"} (or "ts": integer nanoseconds),
//    so stream selectors apply and tools can be chained.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "logcli/input_buffer.h"
#include "logcli/raw_line_reader.h"
#include "logcli/raw_line_stamps.h"
#include "logql/eval/source.h"
#include "model/labels.h"
#include "util/result.h"
#include "util/clock.h"

namespace logcli {

enum class StdinFormat { Raw, Jsonl };

class StdinSource : public logql::LogSource {
 public:
  // Reads `fd` to its end. Jsonl errors name the input line.
  static util::Result<std::unique_ptr<StdinSource>> read(int fd, StdinFormat format,
                                                          util::Clock& clock = util::system_clock());
  // Same over an in-memory buffer (tests).
  static util::Result<std::unique_ptr<StdinSource>> from_buffer(std::string data, StdinFormat format,
                                                                int64_t read_time_ns);

  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override;
  ~StdinSource() override;

  bool empty() const { return format_ == StdinFormat::Raw ? raw_.total() == 0 : entries_.empty(); }
  int64_t min_time() const { return min_ts_; }
  int64_t max_time() const { return max_ts_; }

  struct EntryRef {  // jsonl entries
    int64_t ts;
    uint32_t stream;
    uint32_t len;
    uint64_t offset;  // into decoded_
  };

 private:
  StdinSource() = default;
  util::Status init_raw(RawInput input, RawLineStamps stamps);
  util::Status add_jsonl_line(std::string_view line, size_t line_no);
  util::Status parse_jsonl();
  void finish();
  static util::Result<std::unique_ptr<StdinSource>> load(InputBuffer input, StdinFormat format,
                                                         const std::vector<std::pair<size_t, int64_t>>& arrivals);

  StdinFormat format_ = StdinFormat::Raw;
  InputBuffer input_;
  std::string_view data_;  // input_'s bytes
  RawInput raw_;           // raw: data_, or the file stdin is (read by each select)
  RawLineStamps stamps_;   // raw: line stamps from line offsets
  int owned_fd_ = -1;      // raw from a regular file: our duplicate of stdin
  std::string decoded_;  // jsonl: decoded lines, back to back
  std::vector<model::LabelSet> streams_;  // raw: one, unlabelled
  std::unordered_multimap<uint64_t, uint32_t> stream_index_;  // fingerprint -> index in streams_
  std::vector<EntryRef> entries_;  // jsonl, ascending time
  int64_t min_ts_ = 0, max_ts_ = 0;
};

}  // namespace logcli
