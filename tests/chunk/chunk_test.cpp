#include <doctest/doctest.h>

#include <limits>
#include <random>
#include <string>

#include "chunk/chunk_reader.h"
#include "chunk/chunk_writer.h"
#include "chunk/coding.h"
#include "chunk/crc32c.h"

using chunk::ChunkReader;
using chunk::ChunkWriter;
using chunk::Direction;
using model::Entry;
using model::LabelSet;

namespace {

std::unique_ptr<ChunkWriter> make_writer(chunk::ChunkWriterOptions opts = {}) {
  auto w = ChunkWriter::create("tenant-a", LabelSet{{"app", "api"}, {"env", "prod"}}, opts);
  REQUIRE(w.ok());
  return std::move(*w);
}

// Entries with distinct, increasing timestamps (some equal pairs), some with metadata.
std::vector<Entry> sample_entries(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<Entry> out;
  int64_t ts = 1'700'000'000'000'000'000;
  for (size_t i = 0; i < n; ++i) {
    if (i % 7 != 3) ts += rng() % 5'000'000;  // every 7th entry repeats the previous timestamp
    Entry e;
    e.timestamp = ts;
    e.line = "level=info msg=\"request " + std::to_string(i) + "\" duration=" + std::to_string(rng() % 1000) + "ms";
    if (i % 5 == 0) e.metadata = LabelSet{{"trace_id", std::to_string(rng())}, {"user", "u" + std::to_string(i % 3)}};
    out.push_back(std::move(e));
  }
  return out;
}

std::string build(const std::vector<Entry>& entries, chunk::ChunkWriterOptions opts = {}) {
  auto w = make_writer(opts);
  for (const auto& e : entries) REQUIRE(w->append(e).ok());
  auto bytes = w->finish();
  REQUIRE(bytes.ok());
  return std::move(*bytes);
}

std::vector<Entry> collect(const ChunkReader& r, int64_t start, int64_t end, Direction dir) {
  std::vector<Entry> out;
  auto it = r.entries(start, end, dir);
  while (it.next()) out.push_back(it.entry());
  REQUIRE(it.status().ok());
  return out;
}

}  // namespace

TEST_CASE("crc32c matches the Castagnoli check values on both paths") {
  CHECK(chunk::crc32c("123456789") == 0xE3069283u);
  CHECK(chunk::crc32c("") == 0u);
  std::string zeros(32, '\0');
  CHECK(chunk::crc32c(zeros) == 0x8A9136AAu);  // RFC 3720 B.4
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7));
  for (size_t len : {0, 1, 7, 8, 9, 63, 1000})
    CHECK(chunk::crc32c_extend(0, data.data(), len) == chunk::crc32c_extend_portable(0, data.data(), len));
  // Extending in pieces equals one pass.
  uint32_t c = chunk::crc32c_extend(0, data.data(), 300);
  CHECK(chunk::crc32c_extend(c, data.data() + 300, 700) == chunk::crc32c(data));
}

TEST_CASE("varints round-trip and reject overlong or truncated encodings") {
  std::string b;
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, ~0ull}) chunk::put_uvarint(b, v);
  chunk::put_svarint(b, -1);
  chunk::put_svarint(b, std::numeric_limits<int64_t>::min());
  chunk::ByteReader r(b);
  uint64_t v;
  for (uint64_t want : {0ull, 1ull, 127ull, 128ull, 300ull, ~0ull}) {
    REQUIRE(r.uvarint(v));
    CHECK(v == want);
  }
  int64_t s;
  REQUIRE(r.svarint(s));
  CHECK(s == -1);
  REQUIRE(r.svarint(s));
  CHECK(s == std::numeric_limits<int64_t>::min());
  CHECK(r.empty());
  chunk::ByteReader trunc(std::string_view("\x80\x80", 2));
  CHECK_FALSE(trunc.uvarint(v));
  std::string overlong(11, '\xff');
  chunk::ByteReader ol(overlong);
  CHECK_FALSE(ol.uvarint(v));
  std::string overflow = std::string(9, '\xff') + "\x02";  // 10th byte carries more than bit 63
  chunk::ByteReader of(overflow);
  CHECK_FALSE(of.uvarint(v));
  chunk::ByteReader str(std::string_view("\x05" "abc", 4));
  std::string_view sv;
  CHECK_FALSE(str.string(sv));
}

TEST_CASE("a chunk round-trips entries, metadata, tenant and labels") {
  auto entries = sample_entries(5000);
  std::string bytes = build(entries, {.target_block_size = 16 * 1024, .zstd_level = 3});
  auto r = ChunkReader::open(bytes);
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r->header().tenant == "tenant-a");
  CHECK(r->header().labels == LabelSet{{"app", "api"}, {"env", "prod"}});
  CHECK(r->header().entries == 5000);
  CHECK(r->header().min_time == entries.front().timestamp);
  CHECK(r->header().max_time == entries.back().timestamp);
  CHECK(r->blocks().size() > 5);  // cut at the target size
  for (const auto& b : r->blocks()) CHECK(b.uncompressed_size <= 16 * 1024);
  CHECK(r->verify().ok());
  auto all = r->read_all();
  REQUIRE(all.ok());
  REQUIRE(all->size() == entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    INFO("entry ", i);
    CHECK((*all)[i].timestamp == entries[i].timestamp);
    CHECK((*all)[i].line == entries[i].line);
    CHECK((*all)[i].metadata.to_string() == entries[i].metadata.to_string());
    if ((*all)[i] != entries[i]) break;
  }
}

TEST_CASE("the range iterator returns [start, end) forward and backward") {
  auto entries = sample_entries(3000, 7);
  std::string bytes = build(entries, {.target_block_size = 4096, .zstd_level = 1});
  auto r = ChunkReader::open(bytes);
  REQUIRE(r.ok());
  const int64_t start = entries[1000].timestamp, end = entries[2000].timestamp;
  std::vector<Entry> want;
  for (const auto& e : entries)
    if (e.timestamp >= start && e.timestamp < end) want.push_back(e);
  REQUIRE(want.size() > 900);
  CHECK(collect(*r, start, end, Direction::kForward) == want);
  std::vector<Entry> back(want.rbegin(), want.rend());
  CHECK(collect(*r, start, end, Direction::kBackward) == back);
  // Empty and outside ranges.
  CHECK(collect(*r, end, start, Direction::kForward).empty());
  CHECK(collect(*r, 0, entries.front().timestamp, Direction::kBackward).empty());
  CHECK(collect(*r, entries.back().timestamp + 1, std::numeric_limits<int64_t>::max(), Direction::kForward).empty());
  // The end bound is exclusive, the start inclusive, including at block edges.
  for (const auto& b : r->blocks()) {
    auto at = collect(*r, b.min_time, b.min_time + 1, Direction::kForward);
    REQUIRE_FALSE(at.empty());
    for (const auto& e : at) CHECK(e.timestamp == b.min_time);
  }
}

TEST_CASE("the iterator decompresses only blocks that overlap the range") {
  auto entries = sample_entries(3000, 3);
  std::string bytes = build(entries, {.target_block_size = 4096, .zstd_level = 1});
  auto r = ChunkReader::open(bytes);
  REQUIRE(r.ok());
  REQUIRE(r->blocks().size() > 4);
  // Corrupt the first and last blocks: a range inside the middle blocks must still read cleanly.
  const auto& first = r->blocks().front();
  const auto& last = r->blocks().back();
  const auto& mid = r->blocks()[r->blocks().size() / 2];
  std::string damaged = bytes;
  damaged[first.offset + 1] ^= 0x55;
  damaged[last.offset + 1] ^= 0x55;
  auto d = ChunkReader::open(damaged);
  REQUIRE(d.ok());  // open does not read blocks
  CHECK_FALSE(collect(*d, mid.min_time, mid.max_time, Direction::kForward).empty());
  CHECK_FALSE(collect(*d, mid.min_time, mid.max_time, Direction::kBackward).empty());
  auto v = d->verify();
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().find("block 0 ") != std::string::npos);
  CHECK(v.error().find("checksum mismatch") != std::string::npos);
  CHECK(v.code() == util::ErrorCode::kCorruption);  // a store failure (500), not a bad request
  auto it = d->entries(first.min_time, first.max_time + 1);
  CHECK_FALSE(it.next());
  CHECK_FALSE(it.status().ok());
  CHECK(it.status().code() == util::ErrorCode::kCorruption);
}

TEST_CASE("the writer enforces order and limits") {
  auto w = make_writer();
  REQUIRE(w->append(100, "a").ok());
  REQUIRE(w->append(100, "same time is fine").ok());
  auto s = w->append(99, "older");
  CHECK_FALSE(s.ok());
  CHECK(s.error().find("out of order") != std::string::npos);
  CHECK(w->entries() == 2);
  CHECK(w->line_bytes() == 18);
  auto bytes = w->finish();
  REQUIRE(bytes.ok());
  CHECK_FALSE(w->append(200, "late").ok());
  CHECK_FALSE(ChunkWriter::create(std::string(2000, 't'), {}).ok());
  CHECK_FALSE(ChunkWriter::create("t", {}, {.target_block_size = 0, .zstd_level = 3}).ok());
  CHECK_FALSE(ChunkWriter::create("t", {}, {.target_block_size = 1024, .zstd_level = 99}).ok());
}

TEST_CASE("an empty chunk and extreme timestamps round-trip") {
  auto w = make_writer();
  auto empty = w->finish();
  REQUIRE(empty.ok());
  auto r = ChunkReader::open(*empty);
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK(r->header().entries == 0);
  CHECK(r->blocks().empty());
  CHECK(r->read_all()->empty());

  std::vector<Entry> extreme = {{std::numeric_limits<int64_t>::min(), "first", {}},
                                {-1, "", {}},
                                {0, "zero", {}},
                                {std::numeric_limits<int64_t>::max(), "last", {}}};
  auto r2bytes = build(extreme, {.target_block_size = 8, .zstd_level = 3});
  auto r2 = ChunkReader::open(r2bytes);
  REQUIRE_MESSAGE(r2.ok(), r2.error());
  CHECK(*r2->read_all() == extreme);
}

TEST_CASE("every single-byte corruption and every truncation is rejected, never crashes") {
  auto entries = sample_entries(200, 11);
  std::string bytes = build(entries, {.target_block_size = 2048, .zstd_level = 3});
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    auto r = ChunkReader::open(std::string_view(bytes).substr(0, cut));
    CHECK_FALSE(r.ok());
    CHECK(r.code() == util::ErrorCode::kCorruption);
  }
  size_t detected = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x20;
    auto r = ChunkReader::open(bad);
    if (!r.ok() || !r->verify().ok()) ++detected;
  }
  // Every byte is covered by a checksum, a magic or a structural check.
  CHECK(detected == bytes.size());
}

TEST_CASE("errors name what is wrong") {
  std::string bytes = build(sample_entries(100), {.target_block_size = 1024, .zstd_level = 3});
  auto check_error = [](std::string_view data, const std::string& fragment) {
    auto r = ChunkReader::open(data);
    std::string err = r.ok() ? r->verify().error() : r.error();
    CHECK_MESSAGE(err.find(fragment) != std::string::npos, err);
  };
  check_error("garbage that is long enough to be checked for its magic bytes", "bad magic");
  std::string v = bytes;
  v[8] = 9;
  check_error(v, "unsupported chunk format version 9");
  std::string h = bytes;
  h[20] ^= 1;
  check_error(h, "header checksum mismatch");
  check_error(std::string_view(bytes).substr(0, bytes.size() - 1), "end magic");
  std::string f = bytes;
  f[bytes.size() - chunk::kTrailerSize - 2] ^= 1;
  check_error(f, "footer (block index) checksum mismatch");
}

TEST_CASE("append_block copies compressed blocks of other chunks into one readable chunk") {
  auto entries = sample_entries(3000, 7);
  chunk::ChunkWriterOptions opts;
  opts.target_block_size = 4096;
  // Two parts written separately, then a tail appended entry by entry after their blocks.
  std::vector<Entry> first(entries.begin(), entries.begin() + 1000), second(entries.begin() + 1000, entries.begin() + 2000);
  // A part boundary inside a run of equal timestamps would need the next part to start at the
  // same time, which the format allows; keep the test's parts as sample_entries made them.
  std::string a = build(first, opts), b = build(second, opts);
  auto ra = ChunkReader::open(a), rb = ChunkReader::open(b);
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  auto w = make_writer(opts);
  for (const ChunkReader* r : {&*ra, &*rb}) {
    uint64_t line_bytes = 0;
    for (const auto& e : r == &*ra ? first : second) line_bytes += e.line.size();
    uint64_t counted = 0;
    for (size_t i = 0; i < r->blocks().size(); ++i) {
      const auto& m = r->blocks()[i];
      // Line bytes are the caller's to give; hand the whole part's to its last block.
      uint64_t lb = i + 1 == r->blocks().size() ? line_bytes - counted : 0;
      counted += lb;
      REQUIRE(w->append_block(m, r->bytes().substr(m.offset, m.compressed_size), m.filter, lb).ok());
    }
  }
  for (size_t i = 2000; i < entries.size(); ++i) REQUIRE(w->append(entries[i]).ok());
  uint64_t all_line_bytes = 0;
  for (const auto& e : entries) all_line_bytes += e.line.size();
  CHECK(w->entries() == entries.size());
  CHECK(w->line_bytes() == all_line_bytes);
  CHECK(w->min_time() == entries.front().timestamp);
  CHECK(w->max_time() == entries.back().timestamp);
  auto bytes = w->finish();
  REQUIRE(bytes.ok());
  auto r = ChunkReader::open(*bytes);
  REQUIRE(r.ok());
  REQUIRE(r->verify().ok());
  CHECK(r->blocks().size() > ra->blocks().size() + rb->blocks().size());  // the tail adds its own
  CHECK(r->header().entries == entries.size());
  CHECK(collect(*r, INT64_MIN, INT64_MAX, Direction::kForward) == entries);
  auto back = collect(*r, INT64_MIN, INT64_MAX, Direction::kBackward);
  CHECK(back.size() == entries.size());
  // The copied blocks keep their filters: a literal of the first part passes its blocks only.
  CHECK(r->blocks().front().filter == ra->blocks().front().filter);
}

TEST_CASE("append_block refuses blocks out of time order or not matching their index entry") {
  auto entries = sample_entries(200, 3);
  std::string a = build(entries);
  auto ra = ChunkReader::open(a);
  REQUIRE(ra.ok());
  const auto& m = ra->blocks().front();
  auto compressed = ra->bytes().substr(m.offset, m.compressed_size);
  auto w = make_writer();
  CHECK_FALSE(w->append_block(m, compressed.substr(1), m.filter, 0).ok());
  Entry late = entries.back();
  late.timestamp += 1;
  REQUIRE(w->append(late).ok());
  CHECK_FALSE(w->append_block(m, compressed, m.filter, 0).ok());  // starts before `late`
  CHECK(w->entries() == 1);
  auto bytes = w->finish();
  REQUIRE(bytes.ok());
  auto r = ChunkReader::open(*bytes);
  REQUIRE(r.ok());
  CHECK(r->read_all()->size() == 1);
}
