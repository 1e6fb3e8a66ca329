#include "wal/record.h"

#include <algorithm>

#include "chunk/coding.h"
#include "chunk/crc32c.h"

namespace wal {

namespace {

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == 0; });
}

bool known_type(uint8_t t) {
  return t == static_cast<uint8_t>(RecordType::kPushBatch) || t == static_cast<uint8_t>(RecordType::kCheckpointEnd);
}

// Reads `count` name/value pairs into a label set; false on truncation.
bool read_labels(chunk::ByteReader& r, std::vector<model::Label>& scratch, model::LabelSet& out, std::string& error,
                 const char* what) {
  uint64_t n;
  // Each pair takes at least two bytes (two empty-length prefixes): bounds the allocation.
  if (!r.bounded(n, r.remaining() / 2)) {
    error = std::string("bad ") + what + " count";
    return false;
  }
  scratch.clear();
  scratch.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, value;
    if (!r.string(name) || !r.string(value)) {
      error = std::string("truncated ") + what;
      return false;
    }
    if (!scratch.empty() && !(scratch.back().name < name)) {
      error = std::string(what) + " names not sorted and unique";
      return false;
    }
    scratch.push_back({std::string(name), std::string(value)});
  }
  out = model::LabelSet::from_unsorted(std::move(scratch));
  scratch = {};
  return true;
}

}  // namespace

size_t begin_record(std::string& out, RecordType type) {
  size_t start = out.size();
  out.append(kRecordHeaderSize - 1, '\0');
  out.push_back(static_cast<char>(type));
  return start;
}

util::Status finish_record(std::string& out, size_t start) {
  size_t payload = out.size() - start - kRecordHeaderSize;
  if (payload > kMaxRecordPayload) {
    out.resize(start);
    return util::Error{"wal: record of " + std::to_string(payload) + " bytes exceeds the limit of " +
                       std::to_string(kMaxRecordPayload)};
  }
  uint32_t crc = chunk::crc32c_extend(0, out.data() + start + 8, payload + 1);
  std::string header;
  chunk::put_fixed32(header, static_cast<uint32_t>(payload));
  chunk::put_fixed32(header, crc);
  out.replace(start, 8, header);
  return {};
}

void put_batch_header(std::string& out, std::string_view tenant, uint64_t stream_count) {
  chunk::put_string(out, tenant);
  chunk::put_uvarint(out, stream_count);
}

void put_stream_header(std::string& out, const model::LabelSet& labels, uint64_t entry_count) {
  chunk::put_uvarint(out, labels.size());
  for (const auto& l : labels) {
    chunk::put_string(out, l.name);
    chunk::put_string(out, l.value);
  }
  chunk::put_uvarint(out, entry_count);
}

void put_entry(std::string& out, int64_t& prev_ts, int64_t ts, std::string_view line,
               const model::LabelSet& metadata) {
  // Wrapping subtraction: any two int64 timestamps round-trip through the zigzag delta.
  chunk::put_svarint(out, static_cast<int64_t>(static_cast<uint64_t>(ts) - static_cast<uint64_t>(prev_ts)));
  prev_ts = ts;
  chunk::put_string(out, line);
  chunk::put_uvarint(out, metadata.size());
  for (const auto& l : metadata) {
    chunk::put_string(out, l.name);
    chunk::put_string(out, l.value);
  }
}

util::Result<PushBatch> decode_push_batch(std::string_view payload) {
  chunk::ByteReader r(payload);
  PushBatch batch;
  std::string_view tenant;
  if (!r.string(tenant)) return util::corruption("wal: truncated tenant");
  batch.tenant = std::string(tenant);
  uint64_t streams;
  // A stream takes at least two bytes (label count, entry count).
  if (!r.bounded(streams, r.remaining() / 2)) return util::corruption("wal: bad stream count");
  batch.streams.reserve(streams);
  std::vector<model::Label> scratch;
  std::string error;
  for (uint64_t s = 0; s < streams; ++s) {
    StreamBatch sb;
    if (!read_labels(r, scratch, sb.labels, error, "stream label")) return util::corruption("wal: " + error);
    uint64_t entries;
    // An entry takes at least three bytes (timestamp, line length, metadata count).
    if (!r.bounded(entries, r.remaining() / 3)) return util::corruption("wal: bad entry count");
    sb.entries.resize(entries);
    int64_t prev = 0;
    for (auto& e : sb.entries) {
      int64_t delta;
      std::string_view line;
      if (!r.svarint(delta) || !r.string(line)) return util::corruption("wal: truncated entry");
      e.timestamp = static_cast<int64_t>(static_cast<uint64_t>(prev) + static_cast<uint64_t>(delta));
      prev = e.timestamp;
      e.line = std::string(line);
      if (!read_labels(r, scratch, e.metadata, error, "metadata")) return util::corruption("wal: " + error);
    }
    batch.streams.push_back(std::move(sb));
  }
  if (!r.empty()) return util::corruption("wal: " + std::to_string(r.remaining()) + " trailing bytes in push batch");
  return batch;
}

util::Result<ScanResult> scan_records(std::string_view data, const RecordCallback& on_record) {
  ScanResult res;
  size_t pos = 0;
  auto stop = [&](ScanResult::End end, std::string why) {
    res.end = end;
    res.valid_end = pos;
    res.error = std::move(why);
    return res;
  };
  while (pos < data.size()) {
    std::string_view rest = data.substr(pos);
    // A crash (or power loss on a file system that extends files with zeros) can only damage
    // the end of what was being written: an incomplete header, a record running past the end,
    // or zeros. Anything else followed by more data is corruption.
    if (rest.size() < kRecordHeaderSize) return stop(ScanResult::End::kTorn, "incomplete record header");
    if (all_zero(rest)) return stop(ScanResult::End::kTorn, "zero-filled tail");
    uint32_t len = chunk::get_fixed32(rest.data());
    uint32_t stored_crc = chunk::get_fixed32(rest.data() + 4);
    uint8_t type = static_cast<uint8_t>(rest[8]);
    if (len > kMaxRecordPayload)
      return stop(ScanResult::End::kCorrupt, "record length " + std::to_string(len) + " exceeds the limit");
    if (rest.size() - kRecordHeaderSize < len)
      return stop(ScanResult::End::kTorn, "record of " + std::to_string(len) + " bytes truncated");
    uint32_t crc = chunk::crc32c_extend(0, rest.data() + 8, size_t{len} + 1);
    bool last = rest.size() == kRecordHeaderSize + len;
    if (!chunk::checksum_matches(crc, stored_crc))
      return stop(last ? ScanResult::End::kTorn : ScanResult::End::kCorrupt, "record checksum mismatch");
    if (!known_type(type))
      return stop(ScanResult::End::kCorrupt, "unknown record type " + std::to_string(type));
    if (on_record) {
      util::Status st = on_record(static_cast<RecordType>(type), rest.substr(kRecordHeaderSize, len), pos);
      if (!st.ok()) return util::prefixed("at offset " + std::to_string(pos) + ": ", st.status_error());
    }
    ++res.records;
    pos += kRecordHeaderSize + len;
  }
  res.valid_end = pos;
  return res;
}

}  // namespace wal
