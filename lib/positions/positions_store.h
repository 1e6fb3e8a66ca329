// PositionsStore: how far each file (or journal) has been shipped, kept in memory and synced to
// Promtail's positions file (see positions_file.h) when the caller asks: periodically (every
// positions.sync_period) and on shutdown. A restart resumes from the last synced offsets.
//
// Promtail stores only path -> offset. We also record the file's identity (device and inode)
// under a separate key ("logtail-inode:<path>" -> "<dev>:<ino>") so that a file replaced while
// logtail was down is read from its start instead of from a stale offset. Promtail ignores such
// keys (they name no file it tails), so the file stays readable by both.
//
// Thread-safe: every method may be called from any thread. sync() writes a snapshot taken under
// the lock, and concurrent syncs are serialized so an older snapshot never overwrites a newer one.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "positions/positions_file.h"
#include "util/result.h"

namespace positions {

// A file's identity across renames: the same (device, inode) is the same file.
struct FileId {
  uint64_t device = 0;
  uint64_t inode = 0;
  bool operator==(const FileId&) const = default;
};

// The identity of the file at `path` now, or an error if it cannot be stat()ed.
util::Result<FileId> file_id_of(const std::string& path);

struct PositionsOptions {
  std::string filename;              // positions.filename
  bool ignore_invalid_yaml = false;  // positions.ignore_invalid_yaml
  bool read_only = false;            // sync() does not write (Promtail's dry-run mode)
};

class PositionsStore {
 public:
  // Loads the positions file (see read_positions_file) and creates its directory if missing.
  static util::Result<std::unique_ptr<PositionsStore>> open(PositionsOptions options);
  ~PositionsStore();  // best-effort sync of unsynced changes; call close() to see errors

  PositionsStore(const PositionsStore&) = delete;
  PositionsStore& operator=(const PositionsStore&) = delete;

  // The byte offset recorded for `path`: 0 when there is none, an error when the stored value is
  // not an integer (e.g. a journal cursor).
  util::Result<int64_t> get(const std::string& path) const;
  // The raw value for `key` ("" when none): journal cursors and offsets alike.
  std::string get_string(const std::string& key) const;
  // The identity recorded with the offset of `path`, if any (files from Promtail have none).
  std::optional<FileId> get_file_id(const std::string& path) const;

  void put(const std::string& path, int64_t offset);
  // Records the offset together with the identity of the file it belongs to.
  void put(const std::string& path, int64_t offset, FileId id);
  void put_string(const std::string& key, const std::string& value);
  // Forgets `path` (and its identity), e.g. when its target goes away.
  void remove(const std::string& path);

  // Drops entries for files that no longer exist (journal and cursor keys are kept), as
  // Promtail does after each periodic sync. Returns the number of paths removed.
  size_t remove_missing_files();

  // Writes the positions file if anything changed since the last sync.
  util::Status sync();
  // Final sync; later calls to sync() still work. Call it on shutdown.
  util::Status close() { return sync(); }

  const PositionsOptions& options() const { return options_; }
  // A copy of every entry, identity keys included (for tests and the /targets page).
  PositionMap snapshot() const;

 private:
  explicit PositionsStore(PositionsOptions options, PositionMap loaded);

  PositionsOptions options_;
  mutable std::mutex mu_;
  PositionMap entries_;      // guarded by mu_
  uint64_t generation_ = 0;  // guarded by mu_; bumped by every change
  std::mutex sync_mu_;       // serializes sync(); taken before mu_
  uint64_t synced_generation_ = 0;  // guarded by sync_mu_
};

}  // namespace positions
