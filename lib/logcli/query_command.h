// The `query` and `instant-query` commands over standard input: resolve the time range, run the
// engine over a StdinSource and print the result. Flag parsing stays in cmd/logcli/main.cpp.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "logcli/output.h"
#include "logcli/stdin_source.h"
#include "util/clock.h"

namespace logcli {

struct QueryOptions {
  std::string query;
  bool instant = false;
  uint32_t limit = 30;                 // 0: no limit
  std::optional<std::string> since;    // duration before `to`
  std::optional<std::string> from;     // time
  std::optional<std::string> to;       // time
  std::optional<std::string> now;      // instant-query evaluation time
  std::optional<std::string> step;     // duration or float seconds
  std::optional<std::string> interval; // duration
  bool forward = false;
  bool use_stdin = false;
  StdinFormat stdin_format = StdinFormat::Raw;
  OutputOptions output;
};

// Runs the query over `source`; returns the process exit code, with errors on `err`.
// `clock` gives "now" for explicit ranges and empty inputs.
int run_query(const QueryOptions& opts, StdinSource& source, std::FILE* out, std::FILE* err,
              util::Clock& clock = util::system_clock());

// Loki's default step for a range query: one point per 1/250 of the range, at least one second.
int64_t default_step(int64_t start, int64_t end);

}  // namespace logcli
