// Removes the temporary files a crashed writer left in the store. Every chunk and index file is
// written as `<name>.tmp.<pid>.<...>` and renamed into place (fsutil::write_files_atomically);
// a crash between the two leaves the temporary, which readers ignore but nothing else removes.
// A temporary is removed only when its writer's process is gone: a logidx or logchunk running
// beside logd keeps its own. (A pid reused since the crash keeps a leftover alive: harmless.)
//
// Thread-compatible; called by logd at start, before it writes anything.
#pragma once

#include <cstddef>
#include <string>

namespace store {

// Walks <root>/<tenant>/{chunks,index}/<period>/ and returns how many files it removed.
size_t remove_stale_temporaries(const std::string& root);

}  // namespace store
