// RawLineStamps: the timestamps of raw standard-input lines, as a function of where they start.
//
// A raw line is stamped with the time the read() that brought its newline returned (the last
// read, for an unterminated last line) plus its byte offset within that read's lines, and never
// below the previous line's stamp plus the bytes between them. Stamps therefore strictly increase
// with input order and follow from a line's offset alone: no entry or count per line is kept,
// and a query's time range becomes a byte range by arithmetic. (A regular file arrives in one
// read: its lines are stamped read time + byte offset.)
//
// Immutable after construction; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace logcli {

class RawLineStamps {
 public:
  RawLineStamps() = default;
  // All lines arrived at `read_time` (a regular file).
  explicit RawLineStamps(int64_t read_time) : segments_{{0, read_time}} {}
  // `data` read in pieces: `arrivals` holds (bytes read so far, time) after each read(),
  // ascending, the last covering all of `data`.
  static RawLineStamps from_arrivals(std::string_view data, const std::vector<std::pair<size_t, int64_t>>& arrivals);

  // Stamp of the line starting at byte `offset`.
  int64_t time_of(size_t offset) const;
  // The smallest offset whose line, if one starts there, is stamped at or after `t`.
  size_t first_offset_at_or_after(int64_t t) const;

 private:
  struct Segment {
    size_t offset;  // first byte of the segment's first line
    int64_t stamp;  // that line's stamp
  };
  std::vector<Segment> segments_;  // ascending offset and stamp; the first at offset 0
};

}  // namespace logcli
