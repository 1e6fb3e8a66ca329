#include "logql/eval/range_aggregation.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>

#include "logql/eval/range_functions.h"
#include "logql/log/pipeline.h"

namespace logql {
namespace {

constexpr std::string_view kErrorLabel = "__error__";
constexpr std::string_view kPreserveErrorLabel = "__error_preserve__";

model::LabelSet apply_grouping(const model::LabelSet& labels, const std::optional<ast::Grouping>& grouping) {
  if (!grouping) return labels;
  std::vector<model::Label> out;
  for (const auto& l : labels) {
    bool listed = std::find(grouping->labels.begin(), grouping->labels.end(), l.name) != grouping->labels.end();
    if (listed != grouping->without) out.push_back(l);
  }
  return model::LabelSet::from_unsorted(std::move(out));
}

class RangeAggregationEvaluator : public StepEvaluator {
 public:
  RangeAggregationEvaluator(const ast::RangeAggregation& agg, const StepRange& range,
                            std::unique_ptr<EntryIterator> it, std::optional<log::SampleExtractor> extractor,
                            std::optional<ast::Grouping> grouping)
      : agg_(agg),
        grouping_(std::move(grouping)),
        it_(std::move(it)),
        extractor_(std::move(extractor)),
        range_ns_(agg.range.range_ns),
        offset_ns_(agg.range.offset_ns),
        times_(range),
        fast_path_(agg.range.selector.stages.empty() && !agg.range.unwrap),
        bytes_(agg.op == ast::RangeOp::BytesOverTime || agg.op == ast::RangeOp::BytesRate),
        cancel_(range.cancel),
        pipeline_options_(range.pipeline),
        on_new_series_(agg.op == ast::RangeOp::AbsentOverTime ? nullptr : range.on_new_series),
        running_(can_run(agg, range)) {
    if (agg.op == ast::RangeOp::AbsentOverTime) absent_labels_ = absent_labels(agg.range.selector.matchers);
  }

  bool next(int64_t& t, SampleVector& out) override {
    out.clear();
    if (!status_.ok()) return false;
    if (!times_.next(t)) return false;
    // The window (t - offset - range, t - offset], clamped to int64 near its ends.
    const int64_t window_end = clamp_ns(static_cast<__int128>(t) - offset_ns_);
    const int64_t window_start = clamp_ns(static_cast<__int128>(window_end) - range_ns_);  // exclusive
    for (size_t idx : live_) {
      auto& ser = series_[idx];
      ser.run_count = 0;  // running: every earlier sample lies before this window
      ser.run_sum = 0;
      auto& pts = ser.points;
      while (!pts.empty() && pts.front().t <= window_start) pts.pop_front();
    }
    if (!load(window_start, window_end)) return false;

    size_t kept = 0;
    bool any = false;
    for (size_t idx : live_) {
      auto& s = series_[idx];
      if (running_ ? s.run_count == 0 : s.points.empty()) {
        s.live = false;
        continue;
      }
      live_[kept++] = idx;
      if (s.has_error) {
        status_ = util::Error{pipeline_error_message(s.labels)};
        return false;
      }
      any = true;
      if (agg_.op != ast::RangeOp::AbsentOverTime) {
        out.push_back(Sample{s.labels, running_ ? running_value(s)
                                                : aggregate_window(agg_.op, s.points, range_ns_, agg_.param,
                                                                   agg_.range.unwrap.has_value())});
      }
    }
    live_.resize(kept);
    if (agg_.op == ast::RangeOp::AbsentOverTime && !any) out.push_back(Sample{absent_labels_, 1});
    return true;
  }

  util::Status status() const override { return status_; }

 private:
  struct Series {
    model::LabelSet labels;
    std::deque<WindowPoint> points;  // unless running_
    size_t run_count = 0;            // running_: samples in the window, and their sum in order
    double run_sum = 0;
    bool has_error = false;
    bool live = false;
    bool announced = false;  // told to on_new_series_
  };

  // Whether a count and a sum per series are all the windows need, without keeping samples:
  // for count/sum-like functions when no sample can fall in two windows (an instant query, or
  // a step at least the range). Keeping 600k samples of a big stdin input in deques cost more
  // than parsing them.
  static bool can_run(const ast::RangeAggregation& agg, const StepRange& range) {
    using ast::RangeOp;
    bool additive = agg.op == RangeOp::CountOverTime || agg.op == RangeOp::Rate || agg.op == RangeOp::BytesOverTime ||
                    agg.op == RangeOp::BytesRate || agg.op == RangeOp::SumOverTime;
    return additive && (range.start == range.end || range.step >= agg.range.range_ns);
  }

  // aggregate_window's result for the running count and sum (the same arithmetic, in the same
  // order, so results are bit for bit the same).
  double running_value(const Series& s) const {
    const double secs = static_cast<double>(range_ns_) / 1e9;
    switch (agg_.op) {
      case ast::RangeOp::CountOverTime: return static_cast<double>(s.run_count);
      case ast::RangeOp::Rate:
        return (agg_.range.unwrap ? s.run_sum : static_cast<double>(s.run_count)) / secs;
      case ast::RangeOp::BytesRate: return s.run_sum / secs;
      default: return s.run_sum;  // bytes_over_time, sum_over_time
    }
  }

  // Reads samples up to `window_end` into the series; a sample past it stays pending.
  bool load(int64_t window_start, int64_t window_end) {
    while (true) {
      if (!pending_ && !fetch()) return status_.ok();
      if (pending_ts_ > window_end) return true;
      pending_ = false;
      if (pending_ts_ <= window_start) continue;
      Series& s = series_[pending_series_];
      if (running_) {
        ++s.run_count;
        s.run_sum += pending_value_;
      } else {
        s.points.push_back(WindowPoint{pending_ts_, pending_value_});
      }
      if (!s.live) {
        s.live = true;
        live_.push_back(pending_series_);
        if (!s.announced && on_new_series_) {
          // A series of the output from this step on: counted now, before the next is read.
          s.announced = true;
          if (auto st = on_new_series_(s.labels); !st.ok()) {
            status_ = st;
            return false;
          }
        }
      }
    }
  }

  // Pulls the next entry that yields a sample into the pending slot.
  bool fetch() {
    while (it_->next()) {
      const model::Entry& e = it_->entry();
      if (cancel_ && (cancel_->stopped() || check_interval_.due(e.line.size()))) {
        if (auto st = cancel_->check(); !st.ok()) {
          status_ = st;
          return false;
        }
      }
      const model::LabelSet& stream = it_->labels();
      if (fast_path_ && e.metadata.empty()) {
        // Consecutive entries often come from the same stream: skip the hash lookup then.
        if (&stream != last_stream_) {
          auto cached = by_key_.find(&stream);
          last_series_ = cached != by_key_.end() ? cached->second : intern(&stream, apply_grouping(stream, grouping_));
          last_stream_ = &stream;
        }
        pending_series_ = last_series_;
        pending_value_ = bytes_ ? static_cast<double>(e.line.size()) : 1.0;
      } else {
        if (!extractor_) {
          auto compiled = log::SampleExtractor::compile(agg_.range, agg_.op, grouping_, pipeline_options_);
          if (!compiled.ok()) {
            status_ = compiled.status_error();
            return false;
          }
          extractor_.emplace(std::move(compiled).value());
        }
        auto& sx = stream_extractors_[&stream];
        if (!sx) sx = extractor_->for_stream(stream);
        const log::ResultLabels* labels_out = nullptr;
        double value = 0;
        if (!sx->process(e.timestamp, e.line, e.metadata, value, labels_out)) continue;
        auto cached = by_key_.find(labels_out);
        pending_series_ = cached != by_key_.end() ? cached->second : intern(labels_out, labels_out->labels);
        pending_value_ = value;
      }
      pending_ts_ = e.timestamp;
      pending_ = true;
      return true;
    }
    if (!it_->status().ok()) status_ = it_->status();
    return false;
  }

  size_t intern(const void* key, model::LabelSet labels) {
    auto [pos, inserted] = by_labels_.try_emplace(std::move(labels), series_.size());
    if (inserted) {
      Series s;
      s.labels = pos->first;
      auto err = s.labels.get(kErrorLabel);
      s.has_error = err.has_value() && s.labels.get(kPreserveErrorLabel) != std::optional<std::string_view>("true");
      series_.push_back(std::move(s));
    }
    by_key_.emplace(key, pos->second);
    return pos->second;
  }

  const ast::RangeAggregation& agg_;
  const std::optional<ast::Grouping> grouping_;  // the aggregation's own, or one pushed down
  std::unique_ptr<EntryIterator> it_;
  std::optional<log::SampleExtractor> extractor_;
  std::unordered_map<const model::LabelSet*, std::unique_ptr<log::StreamSampleExtractor>> stream_extractors_;
  const int64_t range_ns_, offset_ns_;
  StepTimes times_;
  const bool fast_path_, bytes_;
  const util::Cancellation* cancel_;
  const log::PipelineOptions pipeline_options_;
  const SeriesObserver on_new_series_;
  util::CheckInterval check_interval_;
  const bool running_;
  model::LabelSet absent_labels_;

  std::vector<Series> series_;
  std::vector<size_t> live_;  // series with points in the current window, in first-seen order
  std::map<model::LabelSet, size_t> by_labels_;
  std::unordered_map<const void*, size_t> by_key_;  // stream labels or ResultLabels address -> series

  const model::LabelSet* last_stream_ = nullptr;
  size_t last_series_ = 0;
  bool pending_ = false;
  int64_t pending_ts_ = 0;
  double pending_value_ = 0;
  size_t pending_series_ = 0;
  util::Status status_;
};

}  // namespace

model::LabelSet absent_labels(const std::vector<ast::Matcher>& matchers) {
  model::LabelSet out;
  std::vector<std::string> drop;
  for (const auto& m : matchers) {
    if (m.op == ast::MatchOp::Eq && !out.has(m.name)) {
      out.set(m.name, m.value);
    } else {
      drop.push_back(m.name);
    }
  }
  for (const auto& name : drop) out.erase(name);
  return out;
}

std::string pipeline_error_message(const model::LabelSet& labels) {
  std::string type(labels.get(kErrorLabel).value_or(""));
  return "pipeline error: '" + type + "' for series: '" + labels.to_string() +
         "'.\nUse a label filter to intercept this error.\n(e.g `| __error__!=\"" + type +
         "\"`).\nTo skip all potential errors you can match empty errors.\n(e.g `| __error__=\"\"`)\n"
         "The label filter can also be specified after unwrap. (e.g `| unwrap latency | __error__=\"\"` )\n";
}

std::optional<ast::Grouping> grouping_pushdown(const ast::VectorAggregation& outer, const ast::RangeAggregation& inner) {
  if (outer.op != ast::VectorOp::Sum || inner.grouping) return std::nullopt;
  switch (inner.op) {
    case ast::RangeOp::BytesOverTime:
    case ast::RangeOp::BytesRate:
    case ast::RangeOp::SumOverTime:
    case ast::RangeOp::Rate:
    case ast::RangeOp::CountOverTime:
      // `sum(...)` without a clause groups everything into one series, like `sum by ()`.
      return outer.grouping.value_or(ast::Grouping{});
    default:
      return std::nullopt;
  }
}

util::Result<StepEvaluatorPtr> new_range_aggregation_evaluator(const ast::RangeAggregation& agg,
                                                               const StepRange& range, LogSource& source,
                                                               const std::optional<ast::Grouping>& grouping_override) {
  std::optional<ast::Grouping> grouping;
  if (grouping_override) {
    grouping = ast::Grouping{grouping_override->without, grouping_override->labels};
  } else if (agg.grouping) {
    grouping = ast::Grouping{agg.grouping->without, agg.grouping->labels};
  }
  // Compile the extractor up front when the query needs it, so bad pipelines fail before reading.
  std::optional<log::SampleExtractor> extractor;
  if (!agg.range.selector.stages.empty() || agg.range.unwrap) {
    auto compiled = log::SampleExtractor::compile(agg.range, agg.op, grouping, range.pipeline);
    if (!compiled.ok()) return compiled.status_error();
    extractor.emplace(std::move(compiled).value());
  }
  SelectParams sp;
  sp.matchers = agg.range.selector.matchers;
  sp.start = clamp_ns(static_cast<__int128>(range.start) - agg.range.range_ns - agg.range.offset_ns);
  // One extra nanosecond: windows are right-closed, the source's end is exclusive.
  sp.end = clamp_ns(static_cast<__int128>(range.end) - agg.range.offset_ns + 1);
  sp.direction = Direction::Forward;
  sp.stages = &agg.range.selector.stages;
  sp.cancel = range.cancel;
  auto it = source.select(sp);
  if (!it.ok()) return it.status_error();
  return StepEvaluatorPtr(
      std::make_unique<RangeAggregationEvaluator>(agg, range, std::move(it).value(), std::move(extractor),
                                                  std::move(grouping)));
}

}  // namespace logql
