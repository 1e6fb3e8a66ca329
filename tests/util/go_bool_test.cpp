#include <doctest/doctest.h>

#include "util/go_bool.h"

TEST_CASE("Go's strconv.ParseBool forms, and nothing else") {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) CHECK(util::parse_go_bool(t) == true);
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) CHECK(util::parse_go_bool(f) == false);
  for (const char* bad : {"", "yes", "tRuE", "2", " true"}) CHECK(!util::parse_go_bool(bad).has_value());
}
