#include "index/index_writer.h"

#include <algorithm>
#include <unordered_map>

#include "chunk/coding.h"
#include "chunk/crc32c.h"
#include "fsutil/atomic_file.h"

namespace idx {

using chunk::put_fixed32;
using chunk::put_fixed64;
using chunk::put_string;
using chunk::put_svarint;
using chunk::put_uvarint;

void IndexWriter::add(const model::LabelSet& labels, ChunkRef ref) {
  auto& refs = series_[labels];
  if (std::find(refs.begin(), refs.end(), ref) == refs.end()) refs.push_back(std::move(ref));
}

std::string IndexWriter::build() const {
  // Symbols: every label name and value once, sorted, so that symbol order is string order and
  // the label index can be kept sorted by symbol ID.
  std::vector<std::string_view> symbols;
  for (const auto& [labels, refs] : series_)
    for (const auto& l : labels) {
      symbols.push_back(l.name);
      symbols.push_back(l.value);
    }
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  std::unordered_map<std::string_view, uint32_t> symbol_id;
  symbol_id.reserve(symbols.size());
  for (uint32_t i = 0; i < symbols.size(); ++i) symbol_id.emplace(symbols[i], i);

  std::string sec[kSectionCount];
  std::string& symbols_sec = sec[0];
  std::string& series_sec = sec[1];
  std::string& offsets_sec = sec[2];
  std::string& postings_sec = sec[3];
  std::string& label_index_sec = sec[4];

  for (auto s : symbols) put_string(symbols_sec, s);

  // Series in label order: series ID = position. Postings keyed by (name symbol, value symbol).
  std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> postings;
  // Version 2 (ref byte ranges) only when a ref needs it: older readers keep reading the rest.
  bool ranges = false;
  for (const auto& [labels, refs] : series_)
    for (const auto& r : refs) ranges = ranges || r.in_segment();
  uint32_t id = 0;
  for (const auto& [labels, refs_in] : series_) {
    put_fixed32(offsets_sec, static_cast<uint32_t>(series_sec.size()));
    put_fixed64(series_sec, labels.fingerprint());
    put_uvarint(series_sec, labels.size());
    for (const auto& l : labels) {
      uint32_t n = symbol_id.at(l.name), v = symbol_id.at(l.value);
      put_uvarint(series_sec, n);
      put_uvarint(series_sec, v);
      postings[{n, v}].push_back(id);
    }
    std::vector<ChunkRef> refs = refs_in;
    std::sort(refs.begin(), refs.end(), [](const ChunkRef& a, const ChunkRef& b) {
      return std::tie(a.min_time, a.max_time, a.file, a.offset) < std::tie(b.min_time, b.max_time, b.file, b.offset);
    });
    put_uvarint(series_sec, refs.size());
    for (const auto& r : refs) {
      put_string(series_sec, r.file);
      if (ranges) {
        put_uvarint(series_sec, r.offset);
        put_uvarint(series_sec, r.length);
      }
      put_svarint(series_sec, r.min_time);
      put_uvarint(series_sec, static_cast<uint64_t>(r.max_time) - static_cast<uint64_t>(r.min_time));
      put_uvarint(series_sec, r.entries);
      put_uvarint(series_sec, r.bytes);
    }
    ++id;
  }

  // Label index: names in order, each with its values in order and their postings offsets.
  std::vector<std::pair<uint32_t, std::vector<std::pair<uint32_t, uint64_t>>>> names;
  for (const auto& [key, ids] : postings) {
    uint64_t offset = postings_sec.size();
    put_uvarint(postings_sec, ids.size());
    uint32_t prev = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      // First ID as is, then gaps minus one (IDs are strictly increasing).
      put_uvarint(postings_sec, i == 0 ? ids[0] : ids[i] - prev - 1);
      prev = ids[i];
    }
    if (names.empty() || names.back().first != key.first) names.push_back({key.first, {}});
    names.back().second.push_back({key.second, offset});
  }
  put_uvarint(label_index_sec, names.size());
  for (const auto& [name, values] : names) {
    put_uvarint(label_index_sec, name);
    put_uvarint(label_index_sec, values.size());
    for (const auto& [value, offset] : values) {
      put_uvarint(label_index_sec, value);
      put_uvarint(label_index_sec, offset);
    }
  }

  std::string out;
  out.append(kIndexMagic);
  out.push_back(static_cast<char>(ranges ? kIndexVersion : kIndexVersionPlainRefs));
  out.append(3, '\0');
  std::string trailer;
  for (const auto& s : sec) {
    put_fixed64(trailer, out.size());
    put_fixed64(trailer, s.size());
    put_fixed32(trailer, chunk::crc32c(s));
    out += s;
  }
  put_fixed32(trailer, static_cast<uint32_t>(series_.size()));
  put_fixed32(trailer, static_cast<uint32_t>(symbols.size()));
  put_fixed32(trailer, chunk::crc32c(trailer));
  trailer.append(kIndexEndMagic);
  out += trailer;
  return out;
}

util::Status IndexWriter::write(const std::string& path) const { return fsutil::write_file_atomically(path, build()); }

}  // namespace idx
