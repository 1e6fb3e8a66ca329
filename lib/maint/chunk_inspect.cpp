#include "maint/chunk_inspect.h"

#include <cinttypes>
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "chunk/chunk_reader.h"
#include "chunk/crc32c.h"
#include "chunk/segment.h"
#include "golang/duration.h"
#include "model/json_string.h"
#include "model/time.h"

namespace maint {

namespace {

std::string format_ratio(uint64_t uncompressed, uint64_t compressed) {
  if (compressed == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(uncompressed) / static_cast<double>(compressed));
  return buf;
}

// ChunkReader::open_file errors already name the file; a bare error gets the path prefixed.
std::string with_path(const std::string& path, const std::string& error) {
  return error.compare(0, path.size(), path) == 0 ? error : path + ": " + error;
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

util::Result<std::string> inspect_chunk(const std::string& path) {
  auto reader = chunk::ChunkReader::open_file(path);
  if (!reader.ok()) return util::Error{with_path(path, reader.error()), reader.code()};
  return describe_chunk(path, *reader);
}

std::string describe_chunk(const std::string& path, const chunk::ChunkReader& r) {
  const chunk::ChunkReader* reader = &r;
  const chunk::ChunkHeader& h = reader->header();
  uint64_t compressed = 0, filter_bytes = 0, filtered_blocks = 0;
  for (const auto& b : reader->blocks()) {
    compressed += b.compressed_size;
    filter_bytes += b.filter.size();
    filtered_blocks += b.filter.empty() ? 0 : 1;
  }
  std::string out;
  auto line = [&out](const char* key, const std::string& value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%-14s", key);
    out += buf;
    out += value;
    out += '\n';
  };
  line("file:", path);
  line("format:", "version " + std::to_string(h.version) + ", zstd" +
                      (h.version >= chunk::kChunkVersionFiltered ? ", block trigram filters" : ""));
  line("tenant:", h.tenant);
  line("labels:", h.labels.to_string());
  line("fingerprint:", [&] {
    char b[20];
    std::snprintf(b, sizeof b, "%016" PRIx64, h.labels.fingerprint());
    return std::string(b);
  }());
  line("from:", model::format_rfc3339nano(h.min_time) + " (" + std::to_string(h.min_time) + ")");
  line("through:", model::format_rfc3339nano(h.max_time) + " (" + std::to_string(h.max_time) + ")");
  line("duration:", golang::format_duration(h.max_time - h.min_time));
  line("entries:", std::to_string(h.entries));
  line("file size:", std::to_string(reader->bytes().size()) + " B (" + model::format_bytes(reader->bytes().size()) + ")");
  line("uncompressed:", std::to_string(h.uncompressed_bytes) + " B (" + model::format_bytes(h.uncompressed_bytes) + ")");
  line("compressed:", std::to_string(compressed) + " B in blocks");
  line("ratio:", format_ratio(h.uncompressed_bytes, compressed) + " (uncompressed / compressed block bytes)");
  line("blocks:", std::to_string(reader->blocks().size()));
  if (h.version >= chunk::kChunkVersionFiltered) {
    line("filters:", std::to_string(filter_bytes) + " B in " + std::to_string(filtered_blocks) + " of " +
                         std::to_string(reader->blocks().size()) + " blocks");
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "%5s %10s %10s %12s %8s %6s %7s  %-30s  %s\n", "block", "offset", "compressed",
                "uncompressed", "entries", "ratio", "filter", "from", "through");
  out += buf;
  for (size_t i = 0; i < reader->blocks().size(); ++i) {
    const auto& b = reader->blocks()[i];
    std::snprintf(buf, sizeof buf, "%5zu %10" PRIu64 " %10" PRIu32 " %12" PRIu32 " %8" PRIu32 " %6s %7zu  %-30s  %s\n", i,
                  b.offset, b.compressed_size, b.uncompressed_size, b.entries,
                  format_ratio(b.uncompressed_size, b.compressed_size).c_str(), b.filter.size(),
                  model::format_rfc3339nano(b.min_time).c_str(), model::format_rfc3339nano(b.max_time).c_str());
    out += buf;
  }
  return out;
}

util::Result<uint64_t> cat_chunk(const std::string& path, int64_t start, int64_t end, std::FILE* out) {
  auto reader = chunk::ChunkReader::open_file(path);
  if (!reader.ok()) return util::Error{with_path(path, reader.error()), reader.code()};
  return cat_chunk(path, *reader, start, end, out);
}

util::Result<uint64_t> cat_chunk(const std::string& path, const chunk::ChunkReader& r, int64_t start, int64_t end,
                                 std::FILE* out) {
  const chunk::ChunkReader* reader = &r;
  const model::LabelSet& stream = reader->header().labels;
  std::string line;
  std::vector<model::Label> labels;
  uint64_t n = 0;
  chunk::BlockBuffer payload;
  chunk::DecodedBlock block;
  for (size_t i = 0; i < reader->blocks().size(); ++i) {
    if (!reader->blocks()[i].overlaps(start, end)) continue;
    if (auto s = reader->read_block(i, payload, block); !s.ok()) return util::prefixed(path + ": ", s.status_error());
    for (const auto& e : block.entries()) {
      if (e.timestamp < start || e.timestamp >= end) continue;
      line.clear();
      line += "{\"labels\":{";
      // Stream labels and structured metadata, sorted by name as logcli prints a label map;
      // metadata never repeats a stream label (Loki rejects that at push).
      labels.assign(stream.begin(), stream.end());
      for (uint32_t m = 0; m < e.metadata_count; ++m) {
        const auto& [k, v] = block.metadata()[e.metadata_begin + m];
        labels.push_back(model::Label{std::string(k), std::string(v)});
      }
      if (e.metadata_count > 0) labels = model::LabelSet::from_unsorted(std::move(labels)).labels();
      for (size_t l = 0; l < labels.size(); ++l) {
        if (l) line += ',';
        model::append_json_string(line, labels[l].name);
        line += ':';
        model::append_json_string(line, labels[l].value);
      }
      line += "},\"line\":";
      model::append_json_string(line, block.line(e));
      line += ",\"timestamp\":\"";
      line += model::format_rfc3339nano(e.timestamp);
      line += "\"}\n";
      if (std::fwrite(line.data(), 1, line.size(), out) != line.size())
        return util::Error{std::string("write: ") + std::strerror(errno)};
      ++n;
    }
  }
  return n;
}

std::vector<std::string> verify_chunk_file(const std::string& path) {
  return verify_chunk(path, chunk::ChunkReader::open_file(path));
}

std::vector<std::string> verify_chunk(const std::string& path, const util::Result<chunk::ChunkReader>& reader) {
  std::vector<std::string> problems;
  if (!reader.ok()) {
    // Without the path: callers print "<file>: <problem>".
    std::string e = with_path(path, reader.error());
    problems.push_back(e.compare(0, path.size() + 2, path + ": ") == 0 ? e.substr(path.size() + 2) : e);
    return problems;
  }
  chunk::BlockBuffer payload;
  chunk::DecodedBlock block;
  for (size_t i = 0; i < reader->blocks().size(); ++i) {
    if (auto s = reader->read_block(i, payload, block); !s.ok()) problems.push_back(s.error());
  }
  // Store names end in "-<crc32c of the whole file, 8 hex>.chunk".
  std::string name = base_name(path);
  if (name.size() > 15 && name.compare(name.size() - 6, 6, ".chunk") == 0 && name[name.size() - 15] == '-') {
    std::string want = name.substr(name.size() - 14, 8);
    char got[12];
    std::snprintf(got, sizeof got, "%08" PRIx32, chunk::crc32c(reader->bytes()));
    if (want != got) problems.push_back("file CRC32C is " + std::string(got) + ", its name says " + want);
  }
  return problems;
}

}  // namespace maint

namespace maint {

ObjectChunks chunks_of_object(const std::string& name, std::string_view bytes, std::shared_ptr<const void> owner,
                              uint64_t only_offset, uint64_t only_length) {
  ObjectChunks out;
  if (!chunk::looks_like_segment(bytes)) {
    if (only_length != 0) {
      out.chunks.push_back({name, util::invalid_argument(name + ": a byte range names a chunk of a segment; this is a chunk")});
      return out;
    }
    auto r = chunk::ChunkReader::open_owned(bytes, std::move(owner));
    if (!r.ok() && r.error().rfind(name, 0) != 0) r = util::Error{name + ": " + r.error(), r.code()};
    out.chunks.push_back({name, std::move(r)});
    return out;
  }
  out.segment = true;
  auto seg = chunk::SegmentReader::open(bytes, owner);
  if (!seg.ok()) {
    out.chunks.push_back({name, util::Error{name + ": " + seg.error(), seg.code()}});
    return out;
  }
  bool found = false;
  for (size_t i = 0; i < seg->entries().size(); ++i) {
    const chunk::SegmentEntry& e = seg->entries()[i];
    if (only_length != 0 && (e.offset != only_offset || e.length != only_length)) continue;
    found = true;
    std::string id = name + "@" + std::to_string(e.offset) + "+" + std::to_string(e.length);
    if (auto s = seg->check(i); !s.ok()) {
      out.chunks.push_back({id, util::Error{id + ": " + s.error(), s.code()}});
      continue;
    }
    auto r = chunk::ChunkReader::open_owned(seg->chunk_bytes(i), owner);
    if (!r.ok()) r = util::Error{id + ": " + r.error(), r.code()};
    out.chunks.push_back({std::move(id), std::move(r)});
  }
  if (!found && only_length != 0) {
    out.chunks.push_back({name, util::not_found(name + ": no chunk at bytes " + std::to_string(only_offset) + "+" +
                                                std::to_string(only_length) + " of this segment")});
  }
  return out;
}

std::vector<std::string> expand_chunk_operands(const std::vector<std::string>& operands) {
  std::vector<std::string> out;
  for (const auto& operand : operands) {
    std::error_code ec;
    if (!std::filesystem::is_directory(operand, ec)) {
      out.push_back(operand);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = std::filesystem::recursive_directory_iterator(
             operand, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (it->is_regular_file(ec) && (name.ends_with(".chunk") || name.ends_with(".seg")) &&
          name.find(".tmp.") == std::string::npos)
        found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace maint
