#include "query/executor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "logql/parser.h"
#include "model/time.h"
#include "query/result_merge.h"

namespace query {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Shared by the iterators of one query: counters and the deadline.
struct QueryContext {
  std::atomic<uint64_t> lines{0};
  std::atomic<uint64_t> bytes{0};
  SteadyClock::time_point deadline = SteadyClock::time_point::max();
  std::atomic<bool> timed_out{false};
};

constexpr const char* kDeadlineExceeded = "context deadline exceeded";

// Counts entries and ends iteration with an error once the deadline has passed. The clock is
// read every 1024 entries, which keeps its cost off the per-entry path.
class GuardedIterator : public logql::EntryIterator {
 public:
  GuardedIterator(std::unique_ptr<logql::EntryIterator> inner, QueryContext& ctx) : inner_(std::move(inner)), ctx_(ctx) {}
  ~GuardedIterator() override { flush(); }
  bool next() override {
    if ((++n_ & 1023) == 0) {
      flush();
      if (SteadyClock::now() > ctx_.deadline) {
        ctx_.timed_out = true;
        status_ = util::deadline_exceeded(kDeadlineExceeded);
        return false;
      }
    }
    if (!inner_->next()) {
      status_ = inner_->status();
      return false;
    }
    ++lines_;
    bytes_ += inner_->entry().line.size();
    return true;
  }
  const model::LabelSet& labels() const override { return inner_->labels(); }
  const model::Entry& entry() const override { return inner_->entry(); }
  util::Status status() const override { return status_; }

 private:
  void flush() {
    ctx_.lines += lines_;
    ctx_.bytes += bytes_;
    lines_ = bytes_ = 0;
  }
  std::unique_ptr<logql::EntryIterator> inner_;
  QueryContext& ctx_;
  uint64_t n_ = 0, lines_ = 0, bytes_ = 0;
  util::Status status_;
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
  const int64_t steps = params.step > 0 ? (params.end - params.start) / params.step + 1 : 1;
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
    p.start = params.start + static_cast<int64_t>(i) * per * params.step;
    p.end = std::min(params.end, p.start + (per - 1) * params.step);
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
                const Limits& limits) {
  Outcome out;
  const auto started = SteadyClock::now();
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
  if (limits.max_query_length > 0 && params.end - params.start > limits.max_query_length) {
    out.status = util::invalid_argument("the query time range exceeds the limit (query length: " +
                                        model::format_duration_go(params.end - params.start) +
                                        ", limit: " + model::format_duration_go(limits.max_query_length) + ")");
    return out;
  }
  QueryContext ctx;
  if (limits.query_timeout > 0) ctx.deadline = started + std::chrono::nanoseconds(limits.query_timeout);
  auto result = evaluate_split(*expr, params, sources, ctx, limits.max_concurrent, out.stats.splits);
  out.stats.lines_processed = ctx.lines;
  out.stats.bytes_processed = ctx.bytes;
  out.stats.exec_seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  if (ctx.timed_out) {
    out.status = util::deadline_exceeded(kDeadlineExceeded);
    return out;
  }
  if (!result.ok()) {
    // Evaluation errors are the query's fault (Loki answers them 400), except storage failures,
    // which reach us as iterator errors with their own code (kCorruption, kInternal: 500).
    out.status = result.status_error();
    return out;
  }
  out.result = std::move(*result);
  size_t series = out.result.type == logql::ResultType::Matrix   ? out.result.matrix.size()
                  : out.result.type == logql::ResultType::Vector ? out.result.vector.size()
                                                                 : 0;
  if (limits.max_query_series != 0 && series > limits.max_query_series) {
    out.status = util::invalid_argument(
        "maximum number of series (" + std::to_string(limits.max_query_series) +
        ") reached for a single query; consider reducing query cardinality by adding more specific stream "
        "selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()");
    out.result = {};
    return out;
  }
  for (const auto& s : out.result.streams) out.stats.entries_returned += s.entries.size();
  return out;
}

}  // namespace query
