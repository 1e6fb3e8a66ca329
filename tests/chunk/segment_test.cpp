// Segment objects: what the writer packs the reader lists back, and a segment cut or damaged
// anywhere is refused (or its damaged chunk named), never read as something else.
#include <doctest/doctest.h>

#include "chunk/coding.h"
#include "chunk/crc32c.h"
#include "chunk/segment.h"

using chunk::SegmentReader;
using chunk::SegmentWriter;

namespace {

std::vector<std::string> sample_chunks() { return {"first chunk bytes", std::string(1000, 'x'), "third"}; }

std::string sample_segment(std::vector<chunk::SegmentEntry>* placed = nullptr) {
  SegmentWriter w;
  for (const auto& c : sample_chunks()) {
    auto e = w.add(c);
    if (placed) placed->push_back(e);
  }
  return w.finish();
}

}  // namespace

TEST_CASE("segment: the reader lists every chunk the writer packed, in order, with its bytes") {
  std::vector<chunk::SegmentEntry> placed;
  std::string seg = sample_segment(&placed);
  CHECK(chunk::looks_like_segment(seg));
  auto r = SegmentReader::open(seg);
  REQUIRE(r.ok());
  REQUIRE(r->entries().size() == 3);
  CHECK(r->entries() == placed);
  CHECK(placed[0].offset == chunk::kSegmentPreambleSize);
  const auto chunks = sample_chunks();
  for (size_t i = 0; i < chunks.size(); ++i) {
    CHECK(r->chunk_bytes(i) == chunks[i]);
    CHECK(r->check(i).ok());
    // The byte range alone names the chunk: what the index stores.
    CHECK(seg.substr(placed[i].offset, placed[i].length) == chunks[i]);
  }
  CHECK(seg.size() == chunk::kSegmentPreambleSize + 1000 + 17 + 5 + 3 * chunk::kSegmentEntrySize +
                          chunk::kSegmentTailSize);
}

TEST_CASE("segment: an empty segment is valid and lists nothing") {
  auto r = SegmentReader::open(SegmentWriter().finish());
  REQUIRE(r.ok());
  CHECK(r->entries().empty());
}

TEST_CASE("segment: every torn prefix is refused as corrupt") {
  std::string seg = sample_segment();
  for (size_t n = 0; n < seg.size(); ++n) {
    auto r = SegmentReader::open(std::string_view(seg).substr(0, n));
    CAPTURE(n);
    REQUIRE(!r.ok());
    CHECK(r.code() == util::ErrorCode::kCorruption);
  }
}

TEST_CASE("segment: a flipped trailer byte is refused; a flipped chunk byte is named by check()") {
  const std::string seg = sample_segment();
  const size_t trailer_at = seg.size() - chunk::kSegmentTailSize - 3 * chunk::kSegmentEntrySize;
  for (size_t i = trailer_at; i < seg.size(); ++i) {
    std::string bad = seg;
    bad[i] ^= 0x10;
    CAPTURE(i);
    CHECK(!SegmentReader::open(bad).ok());
  }
  std::string bad = seg;
  bad[chunk::kSegmentPreambleSize + 20] ^= 0x01;  // inside the second chunk
  auto r = SegmentReader::open(bad);
  REQUIRE(r.ok());
  CHECK(r->check(0).ok());
  CHECK(!r->check(1).ok());
  CHECK(r->check(1).error().find("chunk 1") != std::string::npos);
  CHECK(r->check(2).ok());
}

TEST_CASE("segment: another format version and a chunk past the trailer are refused") {
  std::string seg = sample_segment();
  std::string v2 = seg;
  v2[8] = 2;
  auto r = SegmentReader::open(v2);
  REQUIRE(!r.ok());
  CHECK(r.error().find("unsupported segment format version 2") != std::string::npos);

  // A trailer (with a valid checksum) whose chunk reaches into the trailer.
  std::string body = seg.substr(0, chunk::kSegmentPreambleSize + 5);
  std::string trailer;
  chunk::put_fixed64(trailer, chunk::kSegmentPreambleSize);
  chunk::put_fixed64(trailer, 50);
  chunk::put_fixed32(trailer, 0);
  chunk::put_fixed32(trailer, 1);
  chunk::put_fixed32(trailer, chunk::crc32c(trailer));
  trailer.append(chunk::kSegmentEndMagic);
  auto past = SegmentReader::open(body + trailer);
  REQUIRE(!past.ok());
  CHECK(past.error().find("out of bounds") != std::string::npos);
}
