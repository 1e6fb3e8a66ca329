// WAL records: the framing shared by segment and checkpoint files, and the binary encoding of a
// push batch (one tenant's streams and entries). docs/wal-format.md is the byte-level reference.
//
// Framing: u32 payload length, u32 CRC32C of (type byte, payload), u8 type, payload; integers
// little-endian. scan_records() walks a buffer of records and tells a torn tail (what a crash
// mid-write leaves at the end of the last segment) from corruption in the middle.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/entry.h"
#include "model/labels.h"
#include "util/result.h"

namespace wal {

enum class RecordType : uint8_t {
  kPushBatch = 1,      // one tenant's streams and entries (push request or checkpoint data)
  kCheckpointEnd = 2,  // last record of a checkpoint file: uvarint count of records before it
};

inline constexpr size_t kRecordHeaderSize = 9;
// Bounds what a length field can make the reader accept (a push body is far smaller).
inline constexpr size_t kMaxRecordPayload = 256u << 20;

// ---- Encoding ------------------------------------------------------------------------------

// Appends a record header placeholder to `out` and returns the record's start offset; write the
// payload after it, then call finish_record(out, start).
size_t begin_record(std::string& out, RecordType type);
// Fills in the length and CRC of the record started at `start` (the payload runs to out's end).
// Fails if the payload exceeds kMaxRecordPayload (the record is then removed from `out`).
util::Status finish_record(std::string& out, size_t start);

// Push batch payload, written in this order: header, then per stream its header and entries.
void put_batch_header(std::string& out, std::string_view tenant, uint64_t stream_count);
void put_stream_header(std::string& out, const model::LabelSet& labels, uint64_t entry_count);
// `prev_ts` is the previous entry's timestamp in the stream (0 before the first); updated.
void put_entry(std::string& out, int64_t& prev_ts, int64_t ts, std::string_view line, const model::LabelSet& metadata);

// Convenience: one whole push-batch record.
struct StreamBatch {
  model::LabelSet labels;
  std::vector<model::Entry> entries;
};
struct PushBatch {
  std::string tenant;
  std::vector<StreamBatch> streams;
};

// ---- Decoding ------------------------------------------------------------------------------

// Decodes a kPushBatch payload. Rejects truncation, trailing bytes, invalid label sets and
// counts larger than the payload could hold, without allocating from unchecked lengths.
util::Result<PushBatch> decode_push_batch(std::string_view payload);

// Result of walking a buffer of records.
struct ScanResult {
  enum class End {
    kClean,    // every byte belonged to a valid record
    kTorn,     // stopped at an incomplete or zero-filled tail from `valid_end` on
    kCorrupt,  // a bad record at `valid_end` with valid-looking data after it
  };
  End end = End::kClean;
  size_t valid_end = 0;  // offset just past the last good record
  uint64_t records = 0;
  std::string error;  // for kTorn/kCorrupt: what was wrong at valid_end
};

// Calls `on_record` for every valid record in order. A failing callback stops the scan and its
// error is returned as an Error (with the record's offset prepended).
using RecordCallback = std::function<util::Status(RecordType type, std::string_view payload, size_t offset)>;
util::Result<ScanResult> scan_records(std::string_view data, const RecordCallback& on_record);

}  // namespace wal
