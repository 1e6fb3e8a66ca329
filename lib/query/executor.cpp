#include "query/executor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "golang/duration.h"
#include "logql/eval/step_evaluator.h"
#include "logql/parser.h"
#include "model/time.h"
#include "query/result_merge.h"

namespace query {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Shared by the iterators of one query: what they read, for the response's stats.
struct QueryContext {
  std::atomic<uint64_t> lines{0};
  std::atomic<uint64_t> bytes{0};
};

// Counts entries and their line bytes, flushed into the query's counters every 1024 entries.
// (Cancellation is the engine's and the sources' business: see logql::QueryParams::cancel.)
class GuardedIterator : public logql::EntryIterator {
 public:
  GuardedIterator(std::unique_ptr<logql::EntryIterator> inner, QueryContext& ctx) : inner_(std::move(inner)), ctx_(ctx) {}
  ~GuardedIterator() override { flush(); }
  bool next() override {
    if ((++n_ & 1023) == 0) flush();
    if (!inner_->next()) return false;
    ++lines_;
    bytes_ += inner_->entry().line.size();
    return true;
  }
  const model::LabelSet& labels() const override { return inner_->labels(); }
  const model::Entry& entry() const override { return inner_->entry(); }
  util::Status status() const override { return inner_->status(); }

 private:
  void flush() {
    ctx_.lines += lines_;
    ctx_.bytes += bytes_;
    lines_ = bytes_ = 0;
  }
  std::unique_ptr<logql::EntryIterator> inner_;
  QueryContext& ctx_;
  uint64_t n_ = 0, lines_ = 0, bytes_ = 0;
};

class GuardedSource : public logql::LogSource {
 public:
  GuardedSource(std::unique_ptr<logql::LogSource> inner, QueryContext& ctx) : inner_(std::move(inner)), ctx_(ctx) {}
  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    auto it = inner_->select(params);
    if (!it.ok()) return it.status_error();
    return std::unique_ptr<logql::EntryIterator>(std::make_unique<GuardedIterator>(std::move(*it), ctx_));
  }

 private:
  std::unique_ptr<logql::LogSource> inner_;
  QueryContext& ctx_;
};

// Splits are worth their thread only with enough steps each.
constexpr int64_t kMinStepsPerSplit = 64;

util::Result<logql::QueryResult> evaluate_split(const logql::ast::Expr& expr, const logql::QueryParams& params,
                                                const SourceFactory& sources, QueryContext& ctx, int workers,
                                                uint64_t& splits) {
  // 128 bits: a range may span all of int64 (the API bounds the points, not the times).
  const __int128 span = static_cast<__int128>(params.end) - params.start;
  const int64_t steps = params.step > 0 && span >= 0
                            ? static_cast<int64_t>(std::min<__int128>(span / params.step + 1, INT64_MAX))
                            : 1;
  int n = 1;
  if (!params.instant && !expr.is_log_query() && params.step > 0 && workers > 1) {
    n = static_cast<int>(std::min<int64_t>(workers, steps / kMinStepsPerSplit));
    if (n < 1) n = 1;
  }
  splits = static_cast<uint64_t>(n);
  if (n == 1) {
    auto src = sources();
    if (!src.ok()) return src.status_error();
    GuardedSource guarded(std::move(*src), ctx);
    return logql::evaluate(expr, params, guarded);
  }
  // Contiguous step ranges: split i evaluates steps [first_i, last_i].
  std::vector<util::Result<logql::QueryResult>> parts(n, util::Error{"not run"});
  std::vector<std::thread> threads;
  const int64_t per = (steps + n - 1) / n;
  for (int i = 0; i < n; ++i) {
    logql::QueryParams p = params;
    p.start = logql::clamp_ns(params.start + static_cast<__int128>(i) * per * params.step);
    p.end = logql::clamp_ns(std::min<__int128>(params.end, static_cast<__int128>(p.start) + (per - 1) * static_cast<__int128>(params.step)));
    threads.emplace_back([&, i, p] {
      auto src = sources();
      if (!src.ok()) {
        parts[i] = src.status_error();
        return;
      }
      GuardedSource guarded(std::move(*src), ctx);
      parts[i] = logql::evaluate(expr, p, guarded);
    });
  }
  for (auto& t : threads) t.join();
  for (auto& part : parts) {
    if (!part.ok()) return part.status_error();
  }
  std::vector<logql::QueryResult> results;
  results.reserve(parts.size());
  for (auto& part : parts) results.push_back(std::move(*part));
  return merge_matrix_pieces(std::move(results));
}

}  // namespace

Outcome execute(const std::string& query, const logql::QueryParams& params, const SourceFactory& sources,
                const Limits& limits, const util::Cancellation* cancel) {
  Outcome out;
  const auto started = SteadyClock::now();
  std::optional<util::Cancellation> own_cancel;
  if (!cancel) {
    const util::Clock& clock = util::system_clock();
    own_cancel.emplace(clock, limits.query_timeout > 0 ? clock.now_ns() + limits.query_timeout : 0);
    cancel = &*own_cancel;
  }
  auto expr = logql::parse(query);
  if (!expr.ok()) {
    out.status = expr.status_error();
    return out;
  }
  out.is_log_query = expr->is_log_query();
  if (out.is_log_query && limits.max_entries_limit_per_query != 0 && params.limit > limits.max_entries_limit_per_query) {
    out.status = util::invalid_argument("max entries limit per query exceeded, limit > max_entries_limit_per_query (" +
                std::to_string(params.limit) + " > " + std::to_string(limits.max_entries_limit_per_query) + ")");
    return out;
  }
  // Go's Time.Sub saturates at the largest Duration; so does the length here.
  const int64_t length = logql::clamp_ns(static_cast<__int128>(params.end) - params.start);
  if (limits.max_query_length > 0 && length > limits.max_query_length) {
    out.status = util::invalid_argument("the query time range exceeds the limit (query length: " +
                                        golang::format_duration(length) +
                                        ", limit: " + golang::format_duration(limits.max_query_length) + ")");
    return out;
  }
  QueryContext ctx;
  logql::QueryParams p = params;
  p.cancel = cancel;
  p.max_series = limits.max_query_series;
  p.max_result_bytes = limits.max_query_result_bytes;
  p.templates = limits.templates;
  auto result = evaluate_split(*expr, p, sources, ctx, limits.max_concurrent, out.stats.splits);
  out.stats.lines_processed = ctx.lines;
  out.stats.bytes_processed = ctx.bytes;
  out.stats.exec_seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  // A query its cancellation stopped fails with that, whatever an iterator made of the stop.
  util::Status stopped = cancel->status();
  if (!stopped.ok()) {
    out.status = stopped;
    return out;
  }
  if (!result.ok()) {
    // Evaluation errors are the query's fault (Loki answers them 400), except a result over its
    // byte limit (kTooLarge: 413), a stop (499/504) and storage failures, which reach us as
    // iterator errors with their own code (kCorruption, kInternal: 500).
    out.status = result.status_error();
    return out;
  }
  out.result = std::move(*result);
  size_t series = out.result.type == logql::ResultType::Matrix   ? out.result.matrix.size()
                  : out.result.type == logql::ResultType::Vector ? out.result.vector.size()
                                                                 : 0;
  // Each split kept under the limit; together they may not.
  if (limits.max_query_series != 0 && series > limits.max_query_series) {
    out.status = util::invalid_argument(logql::max_series_message(limits.max_query_series));
    out.result = {};
    return out;
  }
  for (const auto& s : out.result.streams) out.stats.entries_returned += s.entries.size();
  return out;
}

}  // namespace query
