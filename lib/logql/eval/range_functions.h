// The per-window functions of range aggregations (rate, count_over_time, quantile_over_time, ...)
// with Loki's exact arithmetic, including its rate_counter extrapolation. Stateless.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "logql/ast.h"

namespace logql {

struct WindowPoint {
  int64_t t = 0;  // ns
  double v = 0;
};

// Aggregates the (non-empty) points of one series in one window, oldest first.
double aggregate_window(ast::RangeOp op, const std::deque<WindowPoint>& points, int64_t range_ns,
                        std::optional<double> param, bool unwrapped);

// Prometheus quantile with linear interpolation between closest ranks; sorts `values`.
double quantile(double q, std::vector<double>& values);

}  // namespace logql
