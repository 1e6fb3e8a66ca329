#include "wal/replay.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chunk/coding.h"
#include "fsutil/atomic_file.h"
#include "fsutil/mapped_file.h"
#include "wal/wal_dir.h"

namespace wal {

namespace {

util::Status read_checkpoint(const std::string& path, const BatchCallback& on_batch, uint64_t& records) {
  auto file = fsutil::MappedFile::open(path);
  if (!file.ok()) return util::prefixed("wal: ", file.status_error());
  uint64_t batches = 0;
  bool ended = false;
  uint64_t declared = 0;
  auto scan = scan_records(file->data(), [&](RecordType type, std::string_view payload, size_t) -> util::Status {
    if (ended) return util::corruption("record after the checkpoint end record");
    if (type == RecordType::kCheckpointEnd) {
      chunk::ByteReader r(payload);
      if (!r.uvarint(declared) || !r.empty()) return util::corruption("malformed checkpoint end record");
      ended = true;
      return {};
    }
    ++batches;
    return on_batch(payload);
  });
  if (!scan.ok()) return util::prefixed("wal: " + path + ": ", scan.status_error());
  // A checkpoint is renamed into place only when complete, so any damage is corruption.
  if (scan->end != ScanResult::End::kClean)
    return util::corruption("wal: " + path + ": corrupt at offset " + std::to_string(scan->valid_end) + ": " + scan->error);
  if (!ended) return util::corruption("wal: " + path + ": missing checkpoint end record");
  if (declared != batches)
    return util::corruption("wal: " + path + ": end record counts " + std::to_string(declared) + " records, found " +
                       std::to_string(batches));
  records += batches;
  return {};
}

}  // namespace

util::Result<ReplayResult> replay(const std::string& dir, const BatchCallback& on_batch) {
  if (auto st = fsutil::create_directories(dir); !st.ok()) return st.status_error();
  auto listing = list_wal_dir(dir);
  if (!listing.ok()) return listing.status_error();
  for (const auto& tmp : listing->temporary) ::unlink((dir + "/" + tmp).c_str());

  ReplayResult res;
  if (!listing->checkpoints.empty()) {
    res.checkpoint = listing->checkpoints.back();
    if (auto st = read_checkpoint(dir + "/" + checkpoint_name(res.checkpoint), on_batch, res.records); !st.ok())
      return st.status_error();
  }
  std::vector<uint64_t> segments;
  for (uint64_t s : listing->segments)
    if (s >= res.checkpoint) segments.push_back(s);
  for (size_t i = 0; i < segments.size(); ++i) {
    uint64_t n = segments[i];
    std::string path = dir + "/" + segment_name(n);
    if (i > 0 && n != segments[i - 1] + 1)
      return util::corruption("wal: segment " + segment_name(segments[i - 1] + 1) + " is missing (found " +
                         segment_name(n) + ")");
    bool last = i + 1 == segments.size();
    auto file = fsutil::MappedFile::open(path);
    if (!file.ok()) return util::prefixed("wal: ", file.status_error());
    auto scan = scan_records(file->data(), [&](RecordType type, std::string_view payload, size_t) -> util::Status {
      if (type != RecordType::kPushBatch) return util::corruption("unexpected record type in a segment");
      ++res.records;
      return on_batch(payload);
    });
    if (!scan.ok()) return util::prefixed("wal: " + path + ": ", scan.status_error());
    ++res.segments;
    if (scan->end == ScanResult::End::kClean) continue;
    std::string where = path + " at offset " + std::to_string(scan->valid_end) + ": " + scan->error;
    if (!last || scan->end == ScanResult::End::kCorrupt) return util::corruption("wal: corrupt record in " + where);
    // The torn tail of the newest segment: records that were never acknowledged. Cut it off so
    // the file is clean for tools, and so it cannot be mistaken for corruption later.
    if (::truncate(path.c_str(), static_cast<off_t>(scan->valid_end)) != 0)
      return util::internal("wal: cannot truncate torn tail of " + path + ": " + std::strerror(errno));
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    res.truncated_tail = true;
    res.truncation = where;
  }
  if (!segments.empty()) res.next_segment = segments.back() + 1;
  else if (res.checkpoint > 0) res.next_segment = res.checkpoint;
  // Segments and checkpoints older than the checkpoint we read are fully covered by it.
  if (res.checkpoint > 0)
    if (auto st = remove_before(dir, res.checkpoint); !st.ok()) return st.status_error();
  return res;
}

}  // namespace wal
