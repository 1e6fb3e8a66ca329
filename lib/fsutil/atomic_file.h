// Atomic file replacement and directory fsync: the one way chunk, index and WAL files reach disk.
//
// write_file_atomically() writes to a unique temporary file beside the target, fsyncs it, renames
// it over the target and fsyncs the directory, so a concurrent reader sees either the old file or
// the complete new one, and after a crash the file is either absent/old or complete.
// write_files_atomically() gives every file of a batch the same guarantee with a constant number
// of sync calls instead of two per file (the chunk store's flush batches).
// Thread-safe: no shared state (temporary names include the pid, thread and a counter).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace fsutil {

// Replaces (or creates) `path` with `data`, durably. The parent directory must exist.
util::Status write_file_atomically(const std::string& path, std::string_view data);

// One file of a batch for write_files_atomically(); `data` must stay valid during the call.
struct FileToWrite {
  std::string path;
  std::string_view data;
};

// How write_files_atomically() makes the file contents durable.
enum class BatchSync {
  kAuto,           // one syncfs(2) per file system when the kernel reports its errors, else kFsyncEachFile
  kFsyncEachFile,  // fsync(2) each temporary file (what write_file_atomically does)
};

// Replaces (or creates) every file of `files` durably: all are written to temporary files beside
// their targets, their contents made durable together (one syncfs per file system), then each is
// renamed over its target and each distinct directory is fsync'd once. On success every target is
// complete on disk. On failure no temporary file is left; targets renamed before the failure hold
// their complete new contents, the others are untouched. Parent directories must exist. A path
// may appear twice only with identical data.
util::Status write_files_atomically(const std::vector<FileToWrite>& files, BatchSync sync = BatchSync::kAuto);

// Whether a file name (no directory part) is one of the temporary files the functions above
// write beside their targets: `<name>.tmp.<pid>.<thread>.<counter>`. Listings skip them.
bool is_atomic_write_temporary(std::string_view file_name);

// Whether syncfs(2) reports writeback errors on this kernel (Linux 5.8 and later); before that it
// returned 0 even when data failed to reach the disk, so it cannot be trusted for durability.
bool syncfs_reports_errors();

// fsync()s a directory so that entries created, renamed or removed in it are durable.
util::Status fsync_directory(const std::string& dir);

// Creates `dir` and its missing parents (mode 0755), fsyncing each parent in which an entry was
// created. Succeeds if it already exists as a directory.
util::Status create_directories(const std::string& dir);

// Reads a whole file into memory (for small files; use MappedFile for large ones).
util::Result<std::string> read_file(const std::string& path);

// The directory part of a path ("." when there is none).
std::string parent_directory(const std::string& path);

}  // namespace fsutil
