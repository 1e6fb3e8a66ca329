#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "model/sample_format.h"

TEST_CASE("sample values as Go's FormatFloat(v, 'f', -1, 64)") {
  CHECK(model::format_sample_value(2) == "2");
  CHECK(model::format_sample_value(0.1) == "0.1");
  CHECK(model::format_sample_value(-1.5) == "-1.5");
  CHECK(model::format_sample_value(1e21) == "1000000000000000000000");
  CHECK(model::format_sample_value(0.00001) == "0.00001");
  CHECK(model::format_sample_value(std::nan("")) == "NaN");
  CHECK(model::format_sample_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(model::format_sample_value(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("sample times are seconds with millisecond precision") {
  CHECK(model::format_sample_time(1700000000LL * 1000000000) == "1700000000");
  CHECK(model::format_sample_time(1700000000500000000LL) == "1700000000.5");
  CHECK(model::format_sample_time(1700000000123999999LL) == "1700000000.123");
}
