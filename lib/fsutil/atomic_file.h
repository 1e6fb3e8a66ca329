// Atomic file replacement and directory fsync: the one way chunk, index and WAL files reach disk.
//
// write_file_atomically() writes to a unique temporary file beside the target, fsyncs it, renames
// it over the target and fsyncs the directory, so a concurrent reader sees either the old file or
// the complete new one, and after a crash the file is either absent/old or complete.
// Thread-safe: no shared state (temporary names include the pid, thread and a counter).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace fsutil {

// Replaces (or creates) `path` with `data`, durably. The parent directory must exist.
util::Status write_file_atomically(const std::string& path, std::string_view data);

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
