// Checkpoints: a snapshot of the ingester's unflushed data, as push-batch records, so the WAL
// segments before it can be deleted. CheckpointWriter streams records into a temporary file
// (memory stays bounded whatever the snapshot's size), then commit() appends the end record,
// fsyncs, renames it to checkpoint.NNNNNNNN and fsyncs the directory: a reader finds either no
// checkpoint N or a complete one.
//
// Not thread-safe: one writer, one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace wal {

class CheckpointWriter {
 public:
  // Starts checkpoint `n`: it must hold everything written to segments numbered below `n` that
  // is not yet flushed to the store.
  static util::Result<std::unique_ptr<CheckpointWriter>> create(const std::string& dir, uint64_t n);
  ~CheckpointWriter();  // removes the temporary file unless committed
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // Appends whole encoded records (`count` of them, for the end record's tally).
  util::Status append(std::string_view records, uint64_t count);
  // Makes the checkpoint durable and visible under its final name.
  util::Status commit();

  uint64_t bytes() const { return bytes_; }

 private:
  CheckpointWriter(std::string dir, uint64_t n, int fd, std::string tmp_path)
      : dir_(std::move(dir)), n_(n), fd_(fd), tmp_path_(std::move(tmp_path)) {}
  util::Status write_all(std::string_view data);

  std::string dir_;
  uint64_t n_;
  int fd_;
  std::string tmp_path_;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
  bool committed_ = false;
};

}  // namespace wal
