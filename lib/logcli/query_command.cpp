#include "logcli/query_command.h"


#include "logql/eval/engine.h"
#include "logql/parser.h"
#include "model/time.h"

namespace logcli {

namespace {

// A step is a duration ("30s", "1m") or a float number of seconds ("15", "0.5"), as Loki accepts.
util::Result<int64_t> parse_step(const std::string& s) {
  if (auto d = model::parse_duration(s); d) return d;
  char* end = nullptr;
  double secs = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && !s.empty() && secs > 0) return static_cast<int64_t>(secs * 1e9);
  return util::Error{"invalid step \"" + s + "\": use a duration such as 30s or a number of seconds"};
}

}  // namespace

int64_t default_step(int64_t start, int64_t end) {
  int64_t secs = (end - start) / model::kNanosPerSecond / 250;
  return std::max<int64_t>(secs, 1) * model::kNanosPerSecond;
}

int run_query(const QueryOptions& opts, StdinSource& source, std::FILE* out, std::FILE* err,
              util::Clock& clock) {
  auto fail = [&](const std::string& msg) {
    std::fprintf(err, "Query failed: %s\n", msg.c_str());
    return 1;
  };
  auto expr = logql::parse(opts.query);
  if (!expr) return fail(expr.error());

  logql::QueryParams params;
  params.direction = opts.forward ? logql::Direction::Forward : logql::Direction::Backward;
  params.limit = opts.limit;
  params.instant = opts.instant;

  // Without explicit times, the range covers the whole input (its timestamps may be old, as in a
  // forensics copy); with them, Loki's rules: end = --to or now, start = --from or end - --since.
  bool explicit_range = opts.from || opts.to || opts.since;
  int64_t end, start;
  if (explicit_range) {
    end = clock.now_ns();
    if (opts.to) {
      auto t = model::parse_time(*opts.to);
      if (!t) return fail("--to: " + t.error());
      end = *t;
    }
    int64_t since = model::kNanosPerHour;
    if (opts.since) {
      auto d = model::parse_duration(*opts.since);
      if (!d) return fail("--since: " + d.error());
      since = *d;
    }
    start = end - since;
    if (opts.from) {
      auto t = model::parse_time(*opts.from);
      if (!t) return fail("--from: " + t.error());
      start = *t;
    }
  } else if (source.empty()) {
    end = clock.now_ns();
    start = end - model::kNanosPerHour;
  } else {
    start = source.min_time();
    end = source.max_time() + 1;  // end is exclusive for log queries
  }

  if (opts.instant) {
    int64_t t = source.empty() ? clock.now_ns() : source.max_time();
    if (opts.now) {
      auto p = model::parse_time(*opts.now);
      if (!p) return fail("--now: " + p.error());
      t = *p;
    } else if (explicit_range) {
      t = end;
    }
    params.start = params.end = t;
  } else {
    if (end < start) return fail("the end of the range is before its start");
    params.start = start;
    params.end = end;
    if (opts.step) {
      auto s = parse_step(*opts.step);
      if (!s) return fail(s.error());
      params.step = *s;
    } else {
      params.step = default_step(start, end);
    }
    if (opts.interval) {
      auto i = model::parse_duration(*opts.interval);
      if (!i) return fail("--interval: " + i.error());
      params.interval = *i;
    }
  }

  // Raw and jsonl print each entry on its own: stream them instead of holding the result (the
  // default form aligns labels across the whole result, so it needs all of it).
  const OutputMode mode = opts.output.mode;
  if (expr->is_log_query() && (mode == OutputMode::Raw || mode == OutputMode::Jsonl)) {
    // jsonl prints structured metadata apart from the labels: ask the engine for the categories
    // (raw prints lines only, and keeps the uncategorized fast path).
    params.categorize_labels = mode == OutputMode::Jsonl;
    std::string line;
    auto st = logql::stream_log_entries(*expr, params, source, [&](const model::LabelSet& labels,
                                                                  const model::Entry& entry) {
      if (mode == OutputMode::Jsonl) {
        line = format_jsonl_entry(labels, entry, opts.output);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), out);
      } else {
        std::fwrite(entry.line.data(), 1, entry.line.size(), out);
        std::fputc('\n', out);
      }
    });
    if (!st.ok()) return fail(st.error());
    return 0;
  }
  auto result = logql::evaluate(*expr, params, source);
  if (!result) return fail(result.error());
  print_result(*result, params.direction, opts.output, out, err);
  return 0;
}

}  // namespace logcli
