#include <doctest/doctest.h>

#include "client/ack_tracker.h"

using client::SourcePosition;

TEST_CASE("client ack tracker: a position advances only past a settled prefix") {
  client::AckTracker t;
  for (int64_t off : {10, 20, 30, 40}) t.pushed({1, off});
  t.pushed({2, 5});
  CHECK_FALSE(t.committed(1).has_value());
  CHECK(t.in_flight(1) == 4);

  // A later batch (another tenant) settles first: nothing may be committed past entry 10.
  t.settled({{1, 30}, {1, 40}});
  CHECK_FALSE(t.committed(1).has_value());
  CHECK(t.in_flight(1) == 2);

  t.settled({{1, 10}});
  CHECK(t.committed(1) == 10);
  t.settled({{1, 20}, {2, 5}});
  CHECK(t.committed(1) == 40);
  CHECK(t.committed(2) == 5);
  CHECK(t.in_flight(1) == 0);

  t.settled({{1, 20}, {3, 1}});  // duplicates and unknown sources are ignored
  CHECK(t.committed(1) == 40);
  CHECK_FALSE(t.committed(3).has_value());

  t.pushed({1, 50});
  CHECK(t.committed(1) == 40);
  t.forget(1);
  CHECK_FALSE(t.committed(1).has_value());
  t.settled({{1, 50}});
  CHECK_FALSE(t.committed(1).has_value());
  t.pushed({0, 7});  // no source: not tracked
  CHECK(t.in_flight(0) == 0);
}
