#include <doctest/doctest.h>

#include "golang/bool.h"

TEST_CASE("Go's strconv.ParseBool forms, and nothing else") {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) CHECK(golang::parse_bool(t) == true);
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) CHECK(golang::parse_bool(f) == false);
  for (const char* bad : {"", "yes", "tRuE", "2", " true"}) CHECK(!golang::parse_bool(bad).has_value());
}
