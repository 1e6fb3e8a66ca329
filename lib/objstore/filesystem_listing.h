// The filesystem backend's listing: a directory tree walked in S3's order (byte-wise on the
// whole key), with S3's prefix, start-after and delimiter semantics, streamed without
// collecting the whole tree.
//
// The order works because sorting a directory's entries by name, with "/" appended to the names
// of subdirectories, sorts them as the full keys below them sort. Thread-safe: no shared state.
#pragma once

#include <stop_token>
#include <string>

#include "objstore/bucket.h"

namespace objstore {

// Lists the files below `root` as keys (paths relative to root). Temporary files of atomic
// writes are skipped; directories removed while walking count as empty.
util::Status list_directory_tree(const std::string& root, const ListOptions& options, const ListCallback& callback,
                                 std::stop_token stop);

}  // namespace objstore
