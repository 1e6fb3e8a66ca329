#include "index/index_reader.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "chunk/coding.h"
#include "chunk/crc32c.h"
#include "fsutil/mapped_file.h"

namespace idx {
namespace {

util::Error corrupt(const std::string& what) { return util::corruption("corrupt index: " + what); }

const char* const kSectionNames[kSectionCount] = {"symbols", "series", "series offsets", "postings", "label index"};

}  // namespace

util::Result<IndexReader> IndexReader::open(const std::string& path) {
  auto f = fsutil::MappedFile::open(path);
  if (!f.ok()) return f.status_error();
  auto file = std::make_shared<const fsutil::MappedFile>(std::move(*f));
  std::string_view bytes = file->data();
  return open_owned(bytes, std::move(file), path);
}

util::Result<IndexReader> IndexReader::open_owned(std::string_view bytes, std::shared_ptr<const void> owner,
                                                  std::string name) {
  IndexReader r;
  r.owner_ = std::move(owner);
  r.bytes_ = bytes;
  r.path_ = std::move(name);
  if (auto s = r.parse(); !s.ok()) return util::Error{r.path_ + ": " + s.error(), s.code()};
  return r;
}

util::Result<IndexReader> IndexReader::open_bytes(std::string_view bytes) {
  IndexReader r;
  r.bytes_ = bytes;
  if (auto s = r.parse(); !s.ok()) return s.status_error();
  return r;
}

util::Status IndexReader::parse() {
  const size_t size = bytes_.size();
  if (size < kIndexPreambleSize + kIndexTrailerSize)
    return corrupt("only " + std::to_string(size) + " bytes, shorter than the smallest index");
  if (bytes_.substr(0, kIndexMagic.size()) != kIndexMagic) return corrupt("bad magic (not an index file)");
  auto version = static_cast<uint8_t>(bytes_[8]);
  if (version != kIndexVersion && version != kIndexVersionPlainRefs)
    return util::corruption("unsupported index format version " + std::to_string(version));
  ref_ranges_ = version >= kIndexVersion;
  if (bytes_[9] != 0 || bytes_[10] != 0 || bytes_[11] != 0) return corrupt("reserved preamble bytes are not zero");
  const size_t trailer_at = size - kIndexTrailerSize;
  std::string_view trailer = bytes_.substr(trailer_at);
  if (trailer.substr(kIndexTrailerSize - 8) != kIndexEndMagic) return corrupt("bad end magic (truncated file?)");
  const size_t covered = kIndexTrailerSize - 12;
  if (!chunk::checksum_matches(chunk::crc32c(trailer.substr(0, covered)), chunk::get_fixed32(trailer.data() + covered)))
    return corrupt("trailer checksum mismatch");
  const char* t = trailer.data();  // fixed layout, length checked above
  uint64_t expected_offset = kIndexPreambleSize;
  for (size_t i = 0; i < kSectionCount; ++i) {
    uint64_t offset = chunk::get_fixed64(t + 20 * i), length = chunk::get_fixed64(t + 20 * i + 8);
    uint32_t crc = chunk::get_fixed32(t + 20 * i + 16);
    // Sections are contiguous and in a fixed order: anything else is corruption.
    if (offset != expected_offset || length > trailer_at - offset)
      return corrupt(std::string(kSectionNames[i]) + " section out of bounds");
    sections_[i] = bytes_.substr(offset, length);
    if (!chunk::checksum_matches(chunk::crc32c(sections_[i]), crc))
      return corrupt(std::string(kSectionNames[i]) + " section checksum mismatch");
    expected_offset = offset + length;
  }
  if (expected_offset != trailer_at) return corrupt("sections do not end where the trailer starts");
  series_count_ = chunk::get_fixed32(t + 20 * kSectionCount);
  const uint32_t symbol_count = chunk::get_fixed32(t + 20 * kSectionCount + 4);

  // Symbols: each at least one byte, sorted and unique.
  chunk::ByteReader r(sections_[0]);
  if (symbol_count > sections_[0].size()) return corrupt("symbol count larger than the symbols section");
  symbols_.resize(symbol_count);
  for (uint32_t i = 0; i < symbol_count; ++i) {
    if (!r.string(symbols_[i])) return corrupt("truncated symbol " + std::to_string(i));
    if (i > 0 && !(symbols_[i - 1] < symbols_[i])) return corrupt("symbols not sorted and unique");
  }
  if (!r.empty()) return corrupt("trailing bytes in the symbols section");

  // Series offsets: one u32 per series, strictly increasing, inside the series section. A series
  // record takes at least 11 bytes (fingerprint, label count, chunk count).
  if (sections_[2].size() != uint64_t{series_count_} * 4) return corrupt("series offsets section has the wrong size");
  if (uint64_t{series_count_} * 11 > sections_[1].size()) return corrupt("series count larger than the series section");
  for (uint32_t i = 0; i < series_count_; ++i) {
    uint32_t off = chunk::get_fixed32(sections_[2].data() + 4 * size_t{i});
    if (off >= sections_[1].size() || (i > 0 && off <= chunk::get_fixed32(sections_[2].data() + 4 * size_t{i - 1})))
      return corrupt("series offset " + std::to_string(i) + " out of order or out of bounds");
  }
  if (series_count_ > 0 && chunk::get_fixed32(sections_[2].data()) != 0) return corrupt("first series offset is not 0");

  // Label index: names and values sorted by symbol (= string order), offsets inside postings.
  chunk::ByteReader li(sections_[4]);
  uint64_t name_count;
  if (!li.bounded(name_count, std::min<uint64_t>(symbol_count, sections_[4].size() / 2)))
    return corrupt("bad label name count");
  names_.reserve(name_count);
  for (uint64_t n = 0; n < name_count; ++n) {
    uint64_t name, value_count;
    if (!li.bounded(name, symbol_count - 1) || (!names_.empty() && name <= names_.back().symbol))
      return corrupt("label name " + std::to_string(n) + ": bad or unsorted symbol");
    if (!li.bounded(value_count, std::min<uint64_t>(symbol_count, li.remaining() / 2)) || value_count == 0)
      return corrupt("label name " + std::to_string(n) + ": bad value count");
    names_.push_back({static_cast<uint32_t>(name), static_cast<uint32_t>(values_.size()), static_cast<uint32_t>(value_count)});
    for (uint64_t v = 0; v < value_count; ++v) {
      uint64_t value, offset;
      if (!li.bounded(value, symbol_count - 1) || (v > 0 && value <= values_.back().symbol))
        return corrupt("label " + std::string(symbols_[name]) + ": bad or unsorted value symbol");
      if (!li.bounded(offset, sections_[3].empty() ? 0 : sections_[3].size() - 1) || sections_[3].empty())
        return corrupt("label " + std::string(symbols_[name]) + ": postings offset out of bounds");
      values_.push_back({static_cast<uint32_t>(value), static_cast<uint32_t>(offset)});
    }
  }
  if (!li.empty()) return corrupt("trailing bytes in the label index");
  return {};
}

std::vector<std::string> IndexReader::label_names() const {
  std::vector<std::string> out;
  out.reserve(names_.size());
  for (const auto& n : names_) out.emplace_back(symbols_[n.symbol]);
  return out;
}

const IndexReader::NameEntry* IndexReader::find_name(std::string_view name) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), name,
                             [this](const NameEntry& e, std::string_view n) { return symbols_[e.symbol] < n; });
  return it != names_.end() && symbols_[it->symbol] == name ? &*it : nullptr;
}

std::vector<std::string> IndexReader::label_values(std::string_view name) const {
  std::vector<std::string> out;
  const NameEntry* n = find_name(name);
  if (!n) return out;
  out.reserve(n->value_count);
  for (uint32_t i = 0; i < n->value_count; ++i) out.emplace_back(symbols_[values_[n->first_value + i].symbol]);
  return out;
}

util::Result<Postings> IndexReader::read_postings(uint32_t offset) const {
  chunk::ByteReader r(sections_[3].substr(offset));
  uint64_t count;
  if (!r.bounded(count, std::min<uint64_t>(series_count_, r.remaining())))
    return corrupt("postings at " + std::to_string(offset) + ": bad count");
  Postings out(count);
  uint64_t id = 0;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t gap;
    if (!r.uvarint(gap)) return corrupt("postings at " + std::to_string(offset) + ": truncated");
    id = i == 0 ? gap : id + gap + 1;
    if (gap >= series_count_ || id >= series_count_)
      return corrupt("postings at " + std::to_string(offset) + ": series ID out of range");
    out[i] = static_cast<uint32_t>(id);
  }
  return out;
}

util::Result<Postings> IndexReader::postings_where(const NameEntry& name, const CompiledMatcher& m, bool want) const {
  std::vector<Postings> lists;
  for (uint32_t i = 0; i < name.value_count; ++i) {
    const ValueEntry& v = values_[name.first_value + i];
    if (m.matches(symbols_[v.symbol]) != want) continue;
    auto p = read_postings(v.postings_offset);
    if (!p.ok()) return p;
    lists.push_back(std::move(*p));
  }
  return unite(std::move(lists));
}

util::Result<Postings> IndexReader::select(const std::vector<CompiledMatcher>& matchers) const {
  std::vector<Postings> positive, negative;
  for (const auto& m : matchers) {
    const NameEntry* name = find_name(m.matcher().name);
    if (!m.matches_empty()) {
      // Only series that have the label with a matching value.
      if (!name) return Postings{};
      util::Result<Postings> p = Postings{};
      if (m.matcher().type == MatchType::kEqual) {
        const ValueEntry* first = &values_[name->first_value];
        const ValueEntry* last = first + name->value_count;
        auto it = std::lower_bound(first, last, m.matcher().value,
                                   [this](const ValueEntry& e, const std::string& v) { return symbols_[e.symbol] < v; });
        if (it != last && symbols_[it->symbol] == m.matcher().value) p = read_postings(it->postings_offset);
      } else {
        p = postings_where(*name, m, true);
      }
      if (!p.ok()) return p;
      if (p->empty()) return Postings{};
      positive.push_back(std::move(*p));
    } else if (name) {
      // Matches "" (so series without the label): exclude the series whose value does not match.
      auto p = postings_where(*name, m, false);
      if (!p.ok()) return p;
      negative.push_back(std::move(*p));
    }
  }
  Postings base;
  if (positive.empty()) {
    base.resize(series_count_);
    std::iota(base.begin(), base.end(), 0u);
  } else {
    base = intersect(std::move(positive));
  }
  if (!negative.empty()) base = subtract(base, unite(std::move(negative)));
  return base;
}

util::Result<Postings> IndexReader::select(const std::vector<Matcher>& matchers) const {
  auto compiled = compile_matchers(matchers);
  if (!compiled.ok()) return compiled.status_error();
  return select(*compiled);
}

util::Result<SeriesChunks> IndexReader::series(uint32_t id, int64_t start, int64_t end) const {
  if (id >= series_count_) return util::corruption("index: series ID " + std::to_string(id) + " out of range");
  uint32_t off = chunk::get_fixed32(sections_[2].data() + 4 * size_t{id});
  uint32_t next = id + 1 < series_count_ ? chunk::get_fixed32(sections_[2].data() + 4 * size_t{id + 1})
                                         : static_cast<uint32_t>(sections_[1].size());
  chunk::ByteReader r(sections_[1].substr(off, next - off));
  std::string where = "series " + std::to_string(id);
  SeriesChunks s;
  uint64_t label_count, chunk_count;
  if (!r.fixed64(s.fingerprint) || !r.bounded(label_count, r.remaining() / 2))
    return corrupt(where + ": bad header");
  std::vector<model::Label> labels;
  labels.reserve(label_count);
  for (uint64_t i = 0; i < label_count; ++i) {
    uint64_t n, v;
    if (!r.bounded(n, symbols_.size() - 1) || !r.bounded(v, symbols_.size() - 1) || symbols_.empty())
      return corrupt(where + ": bad label symbol");
    if (!labels.empty() && !(labels.back().name < symbols_[n])) return corrupt(where + ": labels not sorted");
    labels.push_back({std::string(symbols_[n]), std::string(symbols_[v])});
  }
  s.labels = model::LabelSet::from_unsorted(std::move(labels));
  // Each chunk ref takes at least 5 bytes.
  if (!r.bounded(chunk_count, r.remaining() / 5)) return corrupt(where + ": bad chunk count");
  for (uint64_t i = 0; i < chunk_count; ++i) {
    std::string_view file;
    int64_t min_time;
    uint64_t span, entries, bytes, offset = 0, length = 0;
    if (!r.string(file) || (ref_ranges_ && (!r.uvarint(offset) || !r.uvarint(length))) || !r.svarint(min_time) || !r.uvarint(span) || !r.bounded(entries, UINT32_MAX) ||
        !r.uvarint(bytes))
      return corrupt(where + ": truncated chunk ref " + std::to_string(i));
    __int128 max_time = static_cast<__int128>(min_time) + span;
    if (max_time > std::numeric_limits<int64_t>::max()) return corrupt(where + ": chunk time range overflows");
    if (length != 0 && offset > UINT64_MAX - length) return corrupt(where + ": chunk byte range overflows");
    ChunkRef ref{std::string(file), min_time, static_cast<int64_t>(max_time), static_cast<uint32_t>(entries), bytes,
                 offset, length};
    if (ref.overlaps(start, end)) s.chunks.push_back(std::move(ref));
  }
  if (!r.empty()) return corrupt(where + ": trailing bytes");
  return s;
}

util::Result<std::vector<SeriesChunks>> IndexReader::chunk_refs(const std::vector<Matcher>& matchers, int64_t start,
                                                                 int64_t end) const {
  auto ids = select(matchers);
  if (!ids.ok()) return ids.status_error();
  std::vector<SeriesChunks> out;
  for (uint32_t id : *ids) {
    auto s = series(id, start, end);
    if (!s.ok()) return s.status_error();
    if (!s->chunks.empty()) out.push_back(std::move(*s));
  }
  return out;
}

}  // namespace idx
