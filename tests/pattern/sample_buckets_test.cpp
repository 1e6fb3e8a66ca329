#include <doctest/doctest.h>

#include <vector>

#include "pattern/sample_buckets.h"

namespace {

using pattern::Sample;
using pattern::SampleBuckets;

constexpr int64_t kSec = 1'000'000'000;

std::vector<Sample> range(const SampleBuckets& b, int64_t start_ms, int64_t end_ms, int64_t step_ms) {
  std::vector<Sample> out;
  b.for_range(start_ms, end_ms, step_ms, [&](const Sample& s) { out.push_back(s); });
  return out;
}

}  // namespace

TEST_CASE("samples count lines per 10 s interval and sum them per step") {
  SampleBuckets b(10'000);
  for (int64_t s : {100, 101, 109, 110, 125, 161}) REQUIRE(b.add(s * kSec));
  CHECK(b.total() == 6);
  CHECK(range(b, 0, 1'000'000, 10'000) ==
        std::vector<Sample>{{100'000, 3}, {110'000, 1}, {120'000, 1}, {160'000, 1}});
  CHECK(range(b, 0, 1'000'000, 60'000) == std::vector<Sample>{{60'000, 4}, {120'000, 2}});
  // [start, end) selects the intervals by their start.
  CHECK(range(b, 110'000, 160'000, 10'000) == std::vector<Sample>{{110'000, 1}, {120'000, 1}});
}

TEST_CASE("samples ignore a line older than the newest interval and prune by age") {
  SampleBuckets b(10'000);
  REQUIRE(b.add(200 * kSec));
  CHECK_FALSE(b.add(150 * kSec));
  REQUIRE(b.add(300 * kSec));
  CHECK(b.prune(250'000) == 1);
  CHECK(b.total() == 1);
  CHECK(b.size() == 1);
}
