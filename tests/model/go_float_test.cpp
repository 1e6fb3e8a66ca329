#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "model/go_float.h"

using model::format_go_float;

TEST_CASE("Go's strconv.FormatFloat 'g' with the shortest precision (Prometheus text format)") {
  CHECK(format_go_float(120) == "120");  // not "1.2e+02"
  CHECK(format_go_float(0.25) == "0.25");
  CHECK(format_go_float(1e6) == "1e+06");
  CHECK(format_go_float(1234567) == "1.234567e+06");
  CHECK(format_go_float(0.0001) == "0.0001");
  CHECK(format_go_float(0.00001) == "1e-05");
  CHECK(format_go_float(-3.5) == "-3.5");
  CHECK(format_go_float(0) == "0");
  CHECK(format_go_float(std::nan("")) == "NaN");
  CHECK(format_go_float(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_go_float(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("Go's 'f' and 'e' formats") {
  CHECK(format_go_float(3.14159, 'f', 2) == "3.14");
  CHECK(format_go_float(0.5, 'f', -1) == "0.5");
  // Shortest digits padded with zeros, not the double's exact digits (Go's fmtF).
  CHECK(format_go_float(12345678901234567890.0, 'f', -1) == "12345678901234567000");
  CHECK(format_go_float(1e21, 'f', -1) == "1000000000000000000000");
  CHECK(format_go_float(0.000125, 'f', -1) == "0.000125");
  CHECK(format_go_float(-120, 'f', -1) == "-120");
  CHECK(format_go_float(0, 'f', -1) == "0");
  CHECK(format_go_float(1385053862.3072, 'f', -1) == "1385053862.3072");
  CHECK(format_go_float(1500, 'e', -1) == "1.5e+03");
}
