// logcli's commands against a server or a data directory (through a QueryBackend): `query`
// (with Loki's --batch paging), `instant-query`, `labels [name]`, `series` and `stats`, printing
// exactly as Loki's logcli does. Flag parsing stays in cmd/logcli/main.cpp; each function
// returns the process exit code and reports errors on `err`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "logcli/output.h"
#include "logcli/query_backend.h"
#include "logcli/query_command.h"
#include "util/clock.h"
#include "util/result.h"

namespace logcli {

struct TimeRange {
  int64_t start = 0, end = 0;
};

// Loki's logcli rules: end = --to or now; start = --from or end - --since (default 1h).
util::Result<TimeRange> resolve_range(const std::optional<std::string>& since, const std::optional<std::string>& from,
                                      const std::optional<std::string>& to, int64_t now_ns);

struct ServerQueryOptions {
  uint32_t batch = 1000;  // --batch: entries per request when paging
  bool stats = false;     // --stats: the query statistics on stderr
  bool progress = false;  // a progress line on stderr while paging (stderr is a terminal)
};

// `clock` gives "now" for the default range (every run_* takes it from main).
int run_server_query(QueryBackend& backend, const QueryOptions& q, const ServerQueryOptions& s, std::FILE* out,
                     std::FILE* err, util::Clock& clock = util::system_clock());

struct ListOptions {
  std::optional<std::string> since, from, to;
  bool color = false;  // blue keys in `stats` (stdout is a terminal)
};

// `labels` (names, or the values of `name`), one per line.
int run_labels(QueryBackend& backend, const std::optional<std::string>& name, const ListOptions& o, std::FILE* out,
               std::FILE* err, util::Clock& clock = util::system_clock());
// `series <matcher>...`: one label set per line.
int run_series(QueryBackend& backend, const std::vector<std::string>& matchers, const ListOptions& o,
               std::FILE* out, std::FILE* err, util::Clock& clock = util::system_clock());
// `stats <query>`: the index statistics block.
int run_index_stats(QueryBackend& backend, const std::string& query, const ListOptions& o, std::FILE* out,
                    std::FILE* err, util::Clock& clock = util::system_clock());

struct VolumeOptions {
  ListOptions range;
  bool range_query = false;  // volume_range
  int64_t step = 3600LL * 1'000'000'000;  // volume_range: --step (Loki's logcli default 1h)
  uint32_t limit = 100;
  std::vector<std::string> target_labels;
  bool aggregate_by_labels = false;
};
// `volume <query>` and `volume_range <query>`: bytes per series, printed as JSON as Loki's
// logcli prints metric results.
int run_volume(QueryBackend& backend, const std::string& query, const VolumeOptions& o, std::FILE* out,
               std::FILE* err, util::Clock& clock = util::system_clock());

struct DetectedFieldsOptions {
  ListOptions range;
  uint32_t line_limit = 1000;  // --line-limit
  uint32_t limit = 1000;       // --limit
};
// `detected-fields <query> [field]`: the fields of the query's lines, one
// "label: X\t\ttype: T\t\tcardinality: N" line each, sorted (Loki's logcli output), or the values
// of `field`, one per line.
int run_detected_fields(QueryBackend& backend, const std::string& query, const std::optional<std::string>& field,
                        const DetectedFieldsOptions& o, std::FILE* out, std::FILE* err,
                        util::Clock& clock = util::system_clock());

struct PatternsOptions {
  ListOptions range;
  int64_t step = 0;  // --step, ns; 0: the server's default
};
// `patterns <selector>` (beyond Loki's logcli, which has no such command): the log patterns the
// server mined, one "<lines>\t<level>\t<pattern>" line each in the server's order (most lines
// first); with `json` the server's answer as it came.
int run_patterns(QueryBackend& backend, const std::string& query, const PatternsOptions& o, bool json,
                 std::FILE* out, std::FILE* err, util::Clock& clock = util::system_clock());

// The `stats` block as Loki's logcli prints it: "{\n  bytes: 1.2kB\n  chunks: 3\n ...}\n".
std::string format_index_stats(const IndexStatsResponse& s, bool color);
// --stats: the summary of a query answer's stats object, one "key value" line each.
std::string format_query_stats(const std::string& stats_json);

}  // namespace logcli
