// The stages that drop entries: drop (conditions ANDed), limit (token-bucket rate limiting,
// optionally per label value) and sampling. Every drop is counted in the registry's
// logentry_dropped_lines_total{reason}.
#include <algorithm>
#include <random>
#include <unordered_map>

#include <re2/re2.h>

#include "model/time.h"
#include "stages/builtin.h"
#include "util/token_bucket.h"

namespace stages {

namespace {

class DropStage final : public Stage {
 public:
  struct Config {
    std::vector<std::string> sources;
    std::string separator = ";";
    std::optional<std::string> value;
    std::unique_ptr<RE2> expression;
    std::optional<int64_t> older_than_ns;
    std::optional<uint64_t> longer_than;
    std::string reason = "drop_stage";
  };
  DropStage(Config cfg, std::shared_ptr<MetricRegistry> registry, util::Clock& clock)
      : cfg_(std::move(cfg)), registry_(std::move(registry)), clock_(clock) {}
  std::string_view name() const override { return "drop"; }

  bool process(Entry& e) override {
    if (!should_drop(e)) return true;
    registry_->count_drop(cfg_.reason);
    return false;
  }

 private:
  // Every configured condition must hold; the cheap ones are checked first.
  bool should_drop(const Entry& e) {
    if (cfg_.longer_than && e.line.size() <= *cfg_.longer_than) return false;
    if (cfg_.older_than_ns && e.timestamp >= clock_.now_ns() - *cfg_.older_than_ns) return false;
    if (!cfg_.sources.empty()) {
      joined_.clear();
      for (size_t i = 0; i < cfg_.sources.size(); ++i) {
        const json* v = e.extracted.find(cfg_.sources[i]);
        if (!v) return false;
        if (i > 0) joined_ += cfg_.separator;
        if (!append_value_string(joined_, *v)) return false;
      }
      if (cfg_.value && *cfg_.value != joined_) return false;
      if (cfg_.expression && !RE2::PartialMatch(joined_, *cfg_.expression)) return false;
    } else if (cfg_.expression && !RE2::PartialMatch(e.line, *cfg_.expression)) {
      return false;
    }
    return true;
  }

  Config cfg_;
  std::shared_ptr<MetricRegistry> registry_;
  util::Clock& clock_;
  std::string joined_;
};

using util::TokenBucket;

class LimitStage final : public Stage {
 public:
  struct Config {
    double rate = 0;
    int64_t burst = 0;
    bool drop = false;
    std::optional<std::string> by_label_name;
    size_t max_distinct_labels = 10000;
  };
  LimitStage(Config cfg, std::shared_ptr<MetricRegistry> registry, util::Clock& clock)
      : cfg_(std::move(cfg)),
        registry_(std::move(registry)),
        clock_(clock),
        bucket_(cfg_.rate, static_cast<double>(cfg_.burst), clock_.now_ns()) {
    if (cfg_.by_label_name) {
      by_label_ = registry_
                      ->family("logentry_dropped_lines_by_label_total",
                               "A count of all log lines dropped as a result of a pipeline stage", MetricType::kCounter)
                      .value();
    }
  }
  std::string_view name() const override { return "limit"; }

  bool process(Entry& e) override {
    int64_t now = clock_.now_ns();
    if (cfg_.by_label_name) {
      auto v = e.labels.get(*cfg_.by_label_name);
      if (!v) return true;  // entries without the label are not limited
      auto it = per_value_.find(std::string(*v));
      if (it == per_value_.end()) {
        // Promtail keeps a bounded generational map; starting over bounds memory the same way.
        if (per_value_.size() >= cfg_.max_distinct_labels) per_value_.clear();
        it = per_value_.emplace(std::string(*v), TokenBucket(cfg_.rate, static_cast<double>(cfg_.burst), now)).first;
      }
      if (it->second.allow(now)) return true;
      registry_->count_drop("ratelimit_drop_stage");
      by_label_->add(model::LabelSet{{"label_name", *cfg_.by_label_name}, {"label_value", std::string(*v)}}, 1);
      return false;
    }
    if (cfg_.drop) {
      if (bucket_.allow(now)) return true;
      registry_->count_drop("ratelimit_drop_stage");
      return false;
    }
    // Without drop, back-pressure: wait for a token (this blocks the pipeline's thread, which is
    // what stops the reader, as in Promtail).
    while (!bucket_.allow(now)) {
      clock_.sleep_for(std::max<int64_t>(bucket_.wait_ns(now), 1000), {});
      now = clock_.now_ns();
    }
    return true;
  }

 private:
  Config cfg_;
  std::shared_ptr<MetricRegistry> registry_;
  util::Clock& clock_;
  TokenBucket bucket_;
  std::unordered_map<std::string, TokenBucket> per_value_;
  std::shared_ptr<MetricFamily> by_label_;
};

class SamplingStage final : public Stage {
 public:
  SamplingStage(double rate, std::string reason, std::shared_ptr<MetricRegistry> registry)
      : rate_(rate), reason_(std::move(reason)), registry_(std::move(registry)), rng_(std::random_device{}()) {}
  std::string_view name() const override { return "sampling"; }
  bool process(Entry&) override {
    if (rate_ >= 1 || dist_(rng_) < rate_) return true;
    registry_->count_drop(reason_);
    return false;
  }

 private:
  double rate_;
  std::string reason_;
  std::shared_ptr<MetricRegistry> registry_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
};

}  // namespace

StageResult compile_drop(const DropSpec& spec, const std::string& where, const CompileContext& ctx) {
  DropStage::Config c;
  if (!spec.source && !spec.expression && !spec.older_than_ns && !spec.longer_than) {
    return stage_error(where, "at least one of \"source\", \"expression\", \"older_than\" or \"longer_than\" is required");
  }
  if (spec.value && spec.expression) return stage_error(where, "\"value\" and \"expression\" cannot both be set");
  if (spec.value && !spec.source) return stage_error(where, "\"value\" needs \"source\"");
  c.value = spec.value;
  if (spec.source) c.sources = *spec.source;
  if (spec.separator) c.separator = *spec.separator;
  if (spec.expression) {
    auto re = compile_re2(where, *spec.expression);
    if (!re.ok()) return re.status_error();
    c.expression = std::move(*re);
  }
  c.older_than_ns = spec.older_than_ns;
  c.longer_than = spec.longer_than;
  if (spec.drop_counter_reason && !spec.drop_counter_reason->empty()) c.reason = *spec.drop_counter_reason;
  return std::unique_ptr<Stage>(std::make_unique<DropStage>(std::move(c), ctx.registry, *ctx.clock));
}

StageResult compile_limit(const LimitSpec& spec, const std::string& where, const CompileContext& ctx) {
  LimitStage::Config c;
  c.rate = spec.rate;
  c.burst = spec.burst;
  c.drop = spec.drop;
  c.by_label_name = spec.by_label_name;
  if (c.rate <= 0 || c.burst <= 0) return stage_error(where, "\"rate\" and \"burst\" must be greater than 0");
  if (c.by_label_name && c.by_label_name->empty()) c.by_label_name.reset();
  if (c.by_label_name && !c.drop) return stage_error(where, "when rate limiting by label, \"drop\" must be true");
  // Promtail raises smaller values to 10000, its minimal reasonable size.
  if (spec.max_distinct_labels) {
    c.max_distinct_labels = static_cast<size_t>(std::max<int64_t>(*spec.max_distinct_labels, 10000));
  }
  return std::unique_ptr<Stage>(std::make_unique<LimitStage>(std::move(c), ctx.registry, *ctx.clock));
}

StageResult compile_sampling(const SamplingSpec& spec, const std::string& where, const CompileContext& ctx) {
  const double rate = spec.rate.value_or(0);
  if (rate < 0 || rate > 1) return stage_error(where, "\"rate\" must be between 0 and 1");
  std::string reason = spec.drop_counter_reason && !spec.drop_counter_reason->empty() ? *spec.drop_counter_reason
                                                                                       : "sampling_stage";
  return std::unique_ptr<Stage>(std::make_unique<SamplingStage>(rate, std::move(reason), ctx.registry));
}

}  // namespace stages
