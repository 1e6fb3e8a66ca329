#include "util/substring_finder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using util::SubstringFinder;

namespace {

const SubstringFinder::Isa kIsas[] = {SubstringFinder::Isa::Best, SubstringFinder::Isa::Sse2,
                                      SubstringFinder::Isa::Portable};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// The obvious quadratic search, the reference every loop must agree with.
size_t naive_find(std::string_view hay, std::string_view needle, bool fold) {
  if (needle.empty()) return 0;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && (fold ? lower(hay[i + k]) == lower(needle[k]) : hay[i + k] == needle[k])) ++k;
    if (k == needle.size()) return i;
  }
  return SubstringFinder::npos;
}

}  // namespace

TEST_CASE("SubstringFinder: needle at either end, absent, longer than the haystack") {
  for (auto isa : kIsas) {
    CAPTURE(static_cast<int>(isa));
    std::string hay(200, 'x');
    SubstringFinder f("needle-7f3a", false, isa);
    CHECK(f.find(hay) == SubstringFinder::npos);
    std::string front = "needle-7f3a" + hay;
    CHECK(f.find(front) == 0);
    std::string back = hay + "needle-7f3a";
    CHECK(f.find(back) == 200);
    CHECK(f.find(std::string_view(back).substr(0, back.size() - 1)) == SubstringFinder::npos);  // cut by one
    CHECK(f.find("needle") == SubstringFinder::npos);
    CHECK(f.find("") == SubstringFinder::npos);
    CHECK(f.find("needle-7f3a") == 0);  // exactly the haystack
  }
}

TEST_CASE("SubstringFinder: empty and one-byte needles") {
  for (auto isa : kIsas) {
    CHECK(SubstringFinder("", false, isa).find("abc") == 0);
    CHECK(SubstringFinder("", false, isa).find("") == 0);
    CHECK(SubstringFinder("c", false, isa).find("abc") == 2);
    CHECK(SubstringFinder("C", false, isa).find("abc") == SubstringFinder::npos);
    CHECK(SubstringFinder("C", true, isa).find("abc") == 2);
    CHECK(SubstringFinder("c", true, isa).find("abC") == 2);
    CHECK(SubstringFinder("=", true, isa).find("a=b") == 1);
  }
}

TEST_CASE("SubstringFinder: the first of several occurrences, overlapping ones included") {
  for (auto isa : kIsas) {
    std::string hay = std::string(37, '.') + "aaab" + std::string(50, '.') + "aab";
    CHECK(SubstringFinder("aab", false, isa).find(hay) == 38);
    CHECK(SubstringFinder("aa", false, isa).find(hay) == 37);
  }
}

TEST_CASE("SubstringFinder: ASCII case folding touches letters only") {
  for (auto isa : kIsas) {
    SubstringFinder f("Status=5", true, isa);
    CHECK(f.needle() == "status=5");
    std::string pad(40, ' ');
    CHECK(f.find(pad + "STATUS=5") == 40);
    CHECK(f.find(pad + "sTaTuS=5") == 40);
    CHECK(f.find(pad + "status\x1d" "5") == SubstringFinder::npos);  // '=' | 0x20 must not pass as '='
    // '@' | 0x20 is '`', and 'a' ^ 0x20 is 'A': only real case pairs match.
    CHECK(SubstringFinder("`x", true, isa).find(pad + "@x") == SubstringFinder::npos);
    CHECK(SubstringFinder("ax", true, isa).find(pad + "!x") == SubstringFinder::npos);
    // Non-ASCII bytes compare exactly.
    CHECK(SubstringFinder("caf\xc3\xa9", true, isa).find(pad + "CAF\xc3\xa9") == 40);
    CHECK(SubstringFinder("caf\xc3\xa9", true, isa).find(pad + "CAF\xc3\x89") == SubstringFinder::npos);
  }
}

TEST_CASE("SubstringFinder: agrees with a naive search at every alignment and length") {
  std::mt19937 rng(7);
  // A small alphabet makes partial matches (both probes equal, needle not) frequent.
  const std::string alphabet = "abAB=\n \xc3";
  for (int round = 0; round < 3000; ++round) {
    size_t hay_len = rng() % 150;
    size_t needle_len = 1 + rng() % 9;
    std::string hay, needle;
    for (size_t i = 0; i < hay_len; ++i) hay += alphabet[rng() % alphabet.size()];
    if (!hay.empty() && rng() % 2 == 0) {
      size_t at = rng() % hay.size();
      needle = hay.substr(at, needle_len);  // often present, sometimes at the very end
    } else {
      for (size_t i = 0; i < needle_len; ++i) needle += alphabet[rng() % alphabet.size()];
    }
    bool fold = rng() % 3 == 0;
    // An unaligned start inside a bigger buffer, so loads straddle the view's ends.
    std::string buf = "ZZZ" + hay + "ZZZ";
    std::string_view view = std::string_view(buf).substr(3, hay.size());
    size_t want = naive_find(view, needle, fold);
    for (auto isa : kIsas) {
      CAPTURE(hay);
      CAPTURE(needle);
      CAPTURE(fold);
      CAPTURE(static_cast<int>(isa));
      REQUIRE(SubstringFinder(needle, fold, isa).find(view) == want);
    }
  }
}

TEST_CASE("count_byte counts across vector blocks and the tail") {
  for (size_t len : {0u, 1u, 31u, 32u, 33u, 64u, 1000u}) {
    std::string s;
    size_t want = 0;
    for (size_t i = 0; i < len; ++i) {
      bool nl = i % 7 == 3 || i + 1 == len;
      s += nl ? '\n' : 'x';
      want += nl;
    }
    CHECK(util::count_byte(s, '\n') == want);
  }
}
