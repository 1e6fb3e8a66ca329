// Reading single chunks for people and pipes: `logchunk inspect`, `cat` and `verify`, on chunk
// files or (with `--store`) on chunk objects read from a store.
//
// Pure functions over a chunk file path or an opened chunk; thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chunk/chunk_reader.h"
#include "util/result.h"

namespace maint {

// A human-readable description: file, tenant, labels, time range, entry count, sizes,
// compression ratio, then one line per block (offset, sizes, entries, time range).
util::Result<std::string> inspect_chunk(const std::string& path);
// The same for a chunk already opened; `name` (a path or an object key) heads the description.
std::string describe_chunk(const std::string& name, const chunk::ChunkReader& reader);

// Writes the entries with timestamps in [start, end) as logcli's jsonl lines
// ({"labels":{...},"line":"...","timestamp":"<RFC3339Nano>"}), structured metadata merged into
// the labels as logcli prints it. Returns the number of entries written.
util::Result<uint64_t> cat_chunk(const std::string& path, int64_t start, int64_t end, std::FILE* out);
util::Result<uint64_t> cat_chunk(const std::string& name, const chunk::ChunkReader& reader, int64_t start, int64_t end,
                                 std::FILE* out);

// Every problem of one chunk file, each naming the block where there is one ("block 3 (offset
// 1234): CRC32C mismatch ..."); also checks that a store-style file name carries the file's own
// CRC32C. Empty when the file is sound. A file that does not open at all is one problem.
std::vector<std::string> verify_chunk_file(const std::string& path);
// The same for a chunk read some other way (`reader` is its opening, possibly failed); `name`
// (a path or an object key) ends in the store's chunk name for the CRC check.
std::vector<std::string> verify_chunk(const std::string& name, const util::Result<chunk::ChunkReader>& reader);

// The chunks one object holds, each with a name for messages. A chunk object is one chunk
// named `name`. A segment object (chunk/segment.h) is every chunk its trailer lists, named
// "<name>@<offset>+<length>" (the chunk id the index uses) and checked against the CRC32C the
// trailer lists; a segment whose trailer does not validate is one failed entry. `only`, when it
// has a length, picks the one chunk at that byte range of a segment. `owner` keeps `bytes` alive.
struct NamedChunk {
  std::string name;
  util::Result<chunk::ChunkReader> reader;
};
struct ObjectChunks {
  bool segment = false;
  std::vector<NamedChunk> chunks;
};
ObjectChunks chunks_of_object(const std::string& name, std::string_view bytes, std::shared_ptr<const void> owner,
                              uint64_t only_offset = 0, uint64_t only_length = 0);

// Command-line operands as chunk files: a file stays as given; a directory (a data dir, a
// tenant's chunks/) becomes every final-named *.chunk and *.seg below it, sorted.
std::vector<std::string> expand_chunk_operands(const std::vector<std::string>& operands);

}  // namespace maint
