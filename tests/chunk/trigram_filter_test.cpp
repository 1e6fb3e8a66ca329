#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "chunk/chunk_reader.h"
#include "chunk/chunk_writer.h"
#include "chunk/trigram_filter.h"

using chunk::filter_may_contain;
using chunk::TrigramFilterBuilder;

namespace {

// Log-like lines over a given alphabet, with random tokens.
std::vector<std::string> random_lines(std::mt19937& rng, size_t n, const std::string& alphabet) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string line = "level=info id=";
    size_t len = 5 + rng() % 60;
    for (size_t j = 0; j < len; ++j) line += alphabet[rng() % alphabet.size()];
    out.push_back(std::move(line));
  }
  return out;
}

std::string filter_of(const std::vector<std::string>& lines) {
  TrigramFilterBuilder b;
  for (const auto& l : lines) b.add(l);
  std::string f;
  b.finish_into(f);
  return f;
}

}  // namespace

TEST_CASE("trigram filter: every substring of every line may be contained (random blocks and needles)") {
  std::mt19937 rng(7);
  const std::vector<std::string> alphabets = {"abc", "abcdefghijklmnopqrstuvwxyz0123456789-_=\" ",
                                              std::string("\x00\x01\xff\xfe\x80zZ", 7)};
  for (int round = 0; round < 60; ++round) {
    auto lines = random_lines(rng, 1 + rng() % 2000, alphabets[round % alphabets.size()]);
    std::string f = filter_of(lines);
    REQUIRE(chunk::validate_trigram_filter(f).ok());
    for (int k = 0; k < 300; ++k) {
      const std::string& line = lines[rng() % lines.size()];
      size_t from = rng() % line.size();
      size_t len = 1 + rng() % (line.size() - from);
      std::string needle = line.substr(from, len);
      INFO("round " << round << " needle '" << needle << "'");
      CHECK(filter_may_contain(f, needle));
    }
  }
}

TEST_CASE("trigram filter: absent literals are mostly ruled out, and the size follows the distinct trigrams") {
  std::mt19937 rng(11);
  auto lines = random_lines(rng, 1500, "abcdefghijklmnop");
  std::string f = filter_of(lines);
  REQUIRE(!f.empty());
  CHECK(static_cast<uint8_t>(f[0]) == chunk::kFilterKindTrigramBitmap);
  // 16^3 = 4096 possible trigrams, plus those of the fixed prefix: at 1.25 bits each the bitmap
  // rounds up to 8192 bits.
  CHECK(f.size() == 1 + 1024);
  // Literals over letters the lines never use: each of their trigrams is absent.
  int passed = 0;
  for (int k = 0; k < 1000; ++k) {
    std::string needle;
    for (int j = 0; j < 10; ++j) needle += static_cast<char>('q' + rng() % 8);
    passed += filter_may_contain(f, needle) ? 1 : 0;
  }
  // About half of the bits are set, so a literal of 8 absent trigrams passes with p ~ 0.5^8.
  CHECK(passed < 50);
}

TEST_CASE("trigram filter: short literals, empty and unknown filters answer may-contain; bad sizes are corrupt") {
  std::string f = filter_of({"hello world"});
  CHECK(filter_may_contain(f, ""));
  CHECK(filter_may_contain(f, "zz"));
  CHECK(filter_may_contain(f, "hello"));
  CHECK_FALSE(filter_may_contain(f, "xyzzy"));
  CHECK(filter_may_contain("", "xyzzy"));
  CHECK(filter_may_contain(std::string("\x07garbage", 8), "xyzzy"));  // a kind from a later version
  CHECK(chunk::validate_trigram_filter(std::string("\x07garbage", 8)).ok());
  CHECK_FALSE(chunk::validate_trigram_filter(std::string("\x01") + std::string(12, '\xff')).ok());
  CHECK_FALSE(chunk::validate_trigram_filter(std::string("\x01") + std::string(4, '\xff')).ok());
  CHECK_FALSE(chunk::validate_trigram_filter(std::string("\x01") + std::string(16384, '\xff')).ok());
  TrigramFilterBuilder b;
  std::string out = "stale";
  b.finish_into(out);
  CHECK(out.empty());  // nothing added: no filter
}

TEST_CASE("chunks with and without block filters read back the same entries") {
  std::mt19937 rng(3);
  auto lines = random_lines(rng, 3000, "abcdefghijklmnopqrstuvwxyz0123456789");
  auto write = [&](bool filters) {
    auto w = chunk::ChunkWriter::create("t", model::LabelSet{{"app", "x"}},
                                        {.target_block_size = 16 * 1024, .zstd_level = 1, .block_filters = filters});
    REQUIRE(w.ok());
    for (size_t i = 0; i < lines.size(); ++i) REQUIRE((*w)->append(1000 + static_cast<int64_t>(i), lines[i]).ok());
    auto bytes = (*w)->finish();
    REQUIRE(bytes.ok());
    return std::move(*bytes);
  };
  std::string v1 = write(false), v2 = write(true);
  CHECK(static_cast<uint8_t>(v1[8]) == chunk::kChunkVersion1);
  CHECK(static_cast<uint8_t>(v2[8]) == chunk::kChunkVersionFiltered);
  auto r1 = chunk::ChunkReader::open(v1);
  auto r2 = chunk::ChunkReader::open(v2);
  REQUIRE(r1.ok());
  REQUIRE(r2.ok());
  CHECK(r1->header().version == 1);
  CHECK(r2->header().version == 2);
  REQUIRE(r1->blocks().size() > 5);
  REQUIRE(r1->blocks().size() == r2->blocks().size());
  size_t filter_bytes = 0;
  for (size_t i = 0; i < r2->blocks().size(); ++i) {
    CHECK(r1->blocks()[i].filter.empty());
    CHECK_FALSE(r2->blocks()[i].filter.empty());
    filter_bytes += r2->blocks()[i].filter.size();
    // No false negatives against the real block contents.
    chunk::BlockBuffer buf;
    chunk::DecodedBlock block;
    REQUIRE(r2->read_block(i, buf, block).ok());
    for (const auto& e : block.entries()) CHECK(filter_may_contain(r2->blocks()[i].filter, block.line(e)));
  }
  CHECK(v2.size() - v1.size() >= filter_bytes);
  auto a = r1->read_all();
  auto b = r2->read_all();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  CHECK(r2->verify().ok());
}

TEST_CASE("trigram filter: the builder sets exactly the bits of a byte-by-byte rolling window") {
  // The reference: one trigram per byte position, as the format describes the filter.
  auto reference = [](const std::vector<std::string>& texts) {
    std::vector<uint64_t> bits(chunk::kMaxFilterBitmapBytes / 8, 0);
    for (const auto& text : texts) {
      for (size_t i = 0; i + 3 <= text.size(); ++i) {
        uint32_t t = (uint32_t{static_cast<unsigned char>(text[i])} << 16) |
                     (uint32_t{static_cast<unsigned char>(text[i + 1])} << 8) | static_cast<unsigned char>(text[i + 2]);
        uint32_t h = static_cast<uint32_t>((static_cast<uint64_t>(t) * 0x9E3779B97F4A7C15ULL) >> 48);
        bits[h >> 6] |= uint64_t{1} << (h & 63);
      }
    }
    return bits;
  };
  std::mt19937 rng(11);
  for (size_t len : {0, 1, 2, 3, 4, 7, 8, 9, 13, 14, 15, 100, 1001, 20000}) {
    std::vector<std::string> texts(1 + rng() % 3);
    for (auto& t : texts) {
      t.resize(len);
      // A small alphabet with high bytes, so that sign and byte order mistakes change bits.
      for (auto& c : t) c = static_cast<char>(rng() % 2 ? 'a' + rng() % 6 : 0xF0 + rng() % 16);
    }
    chunk::TrigramFilterBuilder b;
    for (const auto& t : texts) b.add(t);
    std::string got;
    b.finish_into(got);
    // The same bitmap folded by the same rule: build it from the reference bits through a builder
    // that sees each distinct trigram once would be circular, so compare membership instead.
    auto want = reference(texts);
    size_t want_set = 0;
    for (uint64_t w : want) want_set += static_cast<size_t>(std::popcount(w));
    if (want_set == 0) {
      CHECK(got.empty());
      continue;
    }
    if (got.empty()) continue;  // too full to help: nothing to compare
    const size_t mask = (got.size() - 1) * 8 - 1;
    std::vector<bool> folded(mask + 1, false);
    for (size_t bit = 0; bit < want.size() * 64; ++bit)
      if (want[bit >> 6] >> (bit & 63) & 1) folded[bit & mask] = true;
    for (size_t bit = 0; bit <= mask; ++bit) {
      bool set = static_cast<unsigned char>(got[1 + bit / 8]) >> (bit % 8) & 1;
      CHECK_MESSAGE(set == folded[bit], "length ", len, " bit ", bit);
    }
  }
}

TEST_CASE("trigram filter: a few lines (kept as hashes) and many give the same filter for the same trigrams") {
  std::mt19937 rng(11);
  for (size_t n : {1, 2, 5, 8}) {
    auto lines = random_lines(rng, n, "abcdefghijklmnopqrstuvwxyz0123456789=_ ");
    std::string few = filter_of(lines);
    // The same lines many times: the same trigrams, too many hashes to keep (the bitmap path).
    std::vector<std::string> repeated;
    for (int k = 0; k < 100; ++k) repeated.insert(repeated.end(), lines.begin(), lines.end());
    CAPTURE(n);
    CHECK(!few.empty());
    CHECK(filter_of(repeated) == few);
    // A builder reused after either path starts clean.
    TrigramFilterBuilder b;
    std::string out;
    for (const auto& l : repeated) b.add(l);
    b.finish_into(out);
    for (const auto& l : lines) b.add(l);
    b.finish_into(out);
    CHECK(out == few);
    auto other = random_lines(rng, 300, "ABCDEFGHIJ");
    for (const auto& l : other) b.add(l);
    b.finish_into(out);
    CHECK(out == filter_of(other));
  }
}
