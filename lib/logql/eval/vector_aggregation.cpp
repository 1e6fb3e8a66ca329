#include "logql/eval/vector_aggregation.h"

#include "logql/eval/range_aggregation.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <unordered_map>

namespace logql {
namespace {

// Prometheus' heap order: NaN sorts below every number.
bool value_less(double a, double b) { return std::isnan(a) ? !std::isnan(b) : a < b; }

// The labels of the group a series falls in (`by` keeps the listed labels, `without` drops them
// and __name__).
class GroupKey {
 public:
  explicit GroupKey(const ast::VectorAggregation& agg) {
    if (agg.grouping) {
      without_ = agg.grouping->without;
      names_ = agg.grouping->labels;
      std::sort(names_.begin(), names_.end());
    }
  }
  model::LabelSet of(const model::LabelSet& labels) const {
    std::vector<model::Label> kept;
    for (const auto& l : labels) {
      bool listed = std::binary_search(names_.begin(), names_.end(), l.name);
      if (without_ ? (!listed && l.name != "__name__") : listed) kept.push_back(l);
    }
    return model::LabelSet::from_unsorted(std::move(kept));
  }

 private:
  bool without_ = false;
  std::vector<std::string> names_;
};

// The observer for the inner evaluator of an aggregation that outputs one series per group
// (not topk, bottomk or sort, which output inner series): each new group is a new output series.
SeriesObserver group_observer(const ast::VectorAggregation& agg, SeriesObserver outer) {
  auto seen = std::make_shared<std::set<model::LabelSet>>();
  return [key = GroupKey(agg), seen, outer = std::move(outer)](const model::LabelSet& labels) -> util::Status {
    auto [it, fresh] = seen->insert(key.of(labels));
    return fresh ? outer(*it) : util::Status{};
  };
}

class VectorAggregationEvaluator : public StepEvaluator {
 public:
  VectorAggregationEvaluator(const ast::VectorAggregation& agg, StepEvaluatorPtr inner)
      : agg_(agg), inner_(std::move(inner)), group_(agg) {}

  bool next(int64_t& t, SampleVector& out) override {
    out.clear();
    if (!inner_->next(t, in_)) return false;
    using ast::VectorOp;
    const VectorOp op = agg_.op;
    // approx_topk is topk over Loki's count-min sketch; one process needs no sketch, so its
    // estimate here is the exact value.
    const bool selects = op == VectorOp::Topk || op == VectorOp::Bottomk || op == VectorOp::ApproxTopk;
    const bool sorts = op == VectorOp::Sort || op == VectorOp::SortDesc;
    if (selects && agg_.param.value_or(0) < 1) return true;
    const size_t k = selects ? static_cast<size_t>(*agg_.param) : 0;

    groups_.clear();
    std::unordered_map<uint64_t, std::vector<size_t>> index;  // grouping fingerprint -> groups
    for (auto& s : in_) {
      model::LabelSet key = group_labels(s.labels);
      auto& candidates = index[key.fingerprint()];
      Group* g = nullptr;
      for (size_t gi : candidates)
        if (groups_[gi].labels == key) g = &groups_[gi];
      if (!g) {
        candidates.push_back(groups_.size());
        groups_.push_back(Group{std::move(key), s.v, s.v, 1, {}});
        g = &groups_.back();
        if (op == VectorOp::Stddev || op == VectorOp::Stdvar) g->value = 0;
        if (selects || sorts) g->members.push_back(&s);
        continue;
      }
      switch (op) {
        case VectorOp::Sum: g->value += s.v; break;
        case VectorOp::Avg:
          g->count++;
          g->mean += (s.v - g->mean) / static_cast<double>(g->count);
          break;
        case VectorOp::Max:
          if (g->value < s.v || std::isnan(g->value)) g->value = s.v;
          break;
        case VectorOp::Min:
          if (g->value > s.v || std::isnan(g->value)) g->value = s.v;
          break;
        case VectorOp::Count: g->count++; break;
        case VectorOp::Stddev:
        case VectorOp::Stdvar: {
          g->count++;
          double delta = s.v - g->mean;
          g->mean += delta / static_cast<double>(g->count);
          g->value += delta * (s.v - g->mean);
          break;
        }
        case VectorOp::Topk:
        case VectorOp::ApproxTopk:
        case VectorOp::Bottomk:
        case VectorOp::Sort:
        case VectorOp::SortDesc: g->members.push_back(&s); break;
      }
    }

    for (auto& g : groups_) {
      switch (op) {
        case VectorOp::Avg: g.value = g.mean; break;
        case VectorOp::Count: g.value = static_cast<double>(g.count); break;
        case VectorOp::Stddev: g.value = std::sqrt(g.value / static_cast<double>(g.count)); break;
        case VectorOp::Stdvar: g.value = g.value / static_cast<double>(g.count); break;
        case VectorOp::Topk:
        case VectorOp::ApproxTopk:
        case VectorOp::SortDesc:
        case VectorOp::Bottomk:
        case VectorOp::Sort: {
          const bool desc = op == VectorOp::Topk || op == VectorOp::ApproxTopk || op == VectorOp::SortDesc;
          // Ties are broken by labels so results do not depend on input order.
          std::stable_sort(g.members.begin(), g.members.end(), [desc](const Sample* a, const Sample* b) {
            if (value_less(a->v, b->v) || value_less(b->v, a->v)) return desc ? value_less(b->v, a->v) : value_less(a->v, b->v);
            return a->labels < b->labels;
          });
          if (selects && g.members.size() > k) {
            // topk keeps the k largest; NaN counts as smallest (it is replaced first), and
            // bottomk keeps the k smallest with NaN as the largest.
            if (op == VectorOp::Bottomk) {
              std::stable_partition(g.members.begin(), g.members.end(), [](const Sample* s) { return !std::isnan(s->v); });
            }
            g.members.resize(k);
          }
          for (const Sample* s : g.members) out.push_back(Sample{s->labels, s->v});
          continue;
        }
        default: break;
      }
      if (!selects && !sorts) out.push_back(Sample{std::move(g.labels), g.value});
    }
    return true;
  }

  util::Status status() const override { return inner_->status(); }

 private:
  struct Group {
    model::LabelSet labels;
    double value = 0;
    double mean = 0;
    int64_t count = 1;
    std::vector<const Sample*> members;  // topk/bottomk/sort
  };

  model::LabelSet group_labels(const model::LabelSet& labels) const { return group_.of(labels); }

  const ast::VectorAggregation& agg_;
  StepEvaluatorPtr inner_;
  GroupKey group_;
  SampleVector in_;
  std::vector<Group> groups_;
};

}  // namespace

util::Result<StepEvaluatorPtr> new_vector_aggregation_evaluator(const ast::VectorAggregation& agg,
                                                                const StepRange& range, LogSource& source) {
  if (!agg.inner) return util::Error{"vector aggregation without an argument"};
  util::Result<StepEvaluatorPtr> inner = util::Error{""};
  const auto* ra = std::get_if<ast::RangeAggregation>(&agg.inner->node);
  if (auto pushed = ra ? grouping_pushdown(agg, *ra) : std::nullopt) {
    // The range aggregation groups as this sum does: its series are this one's.
    inner = new_range_aggregation_evaluator(*ra, range, source, pushed);
  } else {
    using ast::VectorOp;
    const bool per_group = agg.op != VectorOp::Topk && agg.op != VectorOp::Bottomk && agg.op != VectorOp::ApproxTopk &&
                           agg.op != VectorOp::Sort && agg.op != VectorOp::SortDesc;
    StepRange inner_range = range;
    inner_range.on_new_series = per_group && range.on_new_series ? group_observer(agg, range.on_new_series) : nullptr;
    inner = new_step_evaluator(*agg.inner, inner_range, source);
  }
  if (!inner.ok()) return inner.status_error();
  return StepEvaluatorPtr(std::make_unique<VectorAggregationEvaluator>(agg, std::move(inner).value()));
}

}  // namespace logql
