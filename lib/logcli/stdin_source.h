// A LogSource over logcli's standard input, read once into memory so that a query may select
// from it several times (a binary operation reads its input twice).
//
// Two input forms:
//  - raw: every line is an entry of one stream with no labels, stamped with the time it was read
//    (strictly increasing, so input order is time order). Stream selectors are not applied, as in
//    Loki's logcli.
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

  bool empty() const { return entries_.empty(); }
  int64_t min_time() const { return min_ts_; }
  int64_t max_time() const { return max_ts_; }
  size_t size() const { return entries_.size(); }

  struct EntryRef {
    int64_t ts;
    uint32_t stream;
    uint32_t len;
    uint64_t offset;  // into data_ (raw) or decoded_ (jsonl)
  };

 private:
  StdinSource() = default;
  util::Status add_raw(std::string_view chunk_lines, int64_t now, int64_t& last);
  util::Status split_raw(const std::vector<std::pair<size_t, int64_t>>& arrivals);
  util::Status add_jsonl_line(std::string_view line, size_t line_no);
  util::Status parse_jsonl();
  void finish();
  static util::Result<std::unique_ptr<StdinSource>> load(InputBuffer input, StdinFormat format,
                                                         const std::vector<std::pair<size_t, int64_t>>& arrivals);

  StdinFormat format_ = StdinFormat::Raw;
  InputBuffer input_;
  std::string_view data_;  // input_'s bytes
  std::string decoded_;  // jsonl: decoded lines, back to back
  std::vector<model::LabelSet> streams_;
  std::unordered_multimap<uint64_t, uint32_t> stream_index_;  // fingerprint -> index in streams_
  std::vector<EntryRef> entries_;  // ascending time
  int64_t min_ts_ = 0, max_ts_ = 0;
};

}  // namespace logcli
