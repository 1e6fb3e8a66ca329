// MappedFile: a whole file mapped read-only into memory, for chunk and index readers.
//
// Immutable after open; safe to share between threads. Files we map are never modified in place
// (they are replaced by rename), so a mapping stays valid even if the path is replaced meanwhile.
// Movable, not copyable; unmaps on destruction.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace fsutil {

class MappedFile {
 public:
  static util::Result<MappedFile> open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // The file's bytes; empty for an empty file.
  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }
  const std::string& path() const { return path_; }

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

}  // namespace fsutil
