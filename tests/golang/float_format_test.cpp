#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "golang/float_format.h"

using golang::format_float;

TEST_CASE("Go's strconv.FormatFloat 'g' with the shortest precision (Prometheus text format)") {
  CHECK(golang::format_float(120) == "120");  // not "1.2e+02"
  CHECK(golang::format_float(0.25) == "0.25");
  CHECK(golang::format_float(1e6) == "1e+06");
  CHECK(golang::format_float(1234567) == "1.234567e+06");
  CHECK(golang::format_float(0.0001) == "0.0001");
  CHECK(golang::format_float(0.00001) == "1e-05");
  CHECK(golang::format_float(-3.5) == "-3.5");
  CHECK(golang::format_float(0) == "0");
  CHECK(golang::format_float(std::nan("")) == "NaN");
  CHECK(golang::format_float(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(golang::format_float(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("Go's 'f' and 'e' formats") {
  CHECK(golang::format_float(3.14159, 'f', 2) == "3.14");
  CHECK(golang::format_float(0.5, 'f', -1) == "0.5");
  // Shortest digits padded with zeros, not the double's exact digits (Go's fmtF).
  CHECK(golang::format_float(12345678901234567890.0, 'f', -1) == "12345678901234567000");
  CHECK(golang::format_float(1e21, 'f', -1) == "1000000000000000000000");
  CHECK(golang::format_float(0.000125, 'f', -1) == "0.000125");
  CHECK(golang::format_float(-120, 'f', -1) == "-120");
  CHECK(golang::format_float(0, 'f', -1) == "0");
  CHECK(golang::format_float(1385053862.3072, 'f', -1) == "1385053862.3072");
  CHECK(golang::format_float(1500, 'e', -1) == "1.5e+03");
}
