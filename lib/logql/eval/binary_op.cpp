#include "logql/eval/binary_op.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace logql {
namespace {

using ast::BinOp;

// The label set two samples must share to match: all labels, only the `on` labels, or all but
// the `ignoring` labels.
model::LabelSet matching_key(const model::LabelSet& labels, const std::optional<ast::VectorMatching>& m) {
  if (!m) return labels;
  std::vector<model::Label> kept;
  for (const auto& l : labels) {
    bool listed = std::find(m->labels.begin(), m->labels.end(), l.name) != m->labels.end();
    if (listed == m->on) kept.push_back(l);
  }
  return model::LabelSet::from_unsorted(std::move(kept));
}

// Labels of a vector-vector result: the "many" side's labels, reduced to the matching labels for
// one-to-one `on`, without the `ignoring` labels for one-to-one, plus group_x's include labels
// taken from the "one" side.
model::LabelSet result_labels(const model::LabelSet& many, const model::LabelSet& one,
                              const std::optional<ast::VectorMatching>& m) {
  model::LabelSet out = many;
  if (!m) return out;
  if (m->card == ast::Cardinality::OneToOne) {
    for (const auto& l : many) {
      bool listed = std::find(m->labels.begin(), m->labels.end(), l.name) != m->labels.end();
      if (listed != m->on) out.erase(l.name);
    }
  }
  for (const auto& name : m->include) {
    auto v = one.get(name);
    if (v && !v->empty()) {
      out.set(name, *v);
    } else {
      out.erase(name);
    }
  }
  return out;
}

struct KeyHash {
  size_t operator()(const model::LabelSet& l) const { return l.fingerprint(); }
};

class VectorBinaryEvaluator : public StepEvaluator {
 public:
  VectorBinaryEvaluator(const ast::BinaryExpr& expr, StepEvaluatorPtr lhs, StepEvaluatorPtr rhs)
      : expr_(expr), lhs_(std::move(lhs)), rhs_(std::move(rhs)) {}

  bool next(int64_t& t, SampleVector& out) override {
    out.clear();
    if (!status_.ok()) return false;
    int64_t tl = 0;
    if (!rhs_->next(t, r_) || !lhs_->next(tl, l_)) return false;
    switch (expr_.op) {
      case BinOp::And: set_and(out); break;
      case BinOp::Or: set_or(out); break;
      case BinOp::Unless: set_unless(out); break;
      default:
        if (auto st = arithmetic(out); !st.ok()) {
          status_ = st;
          out.clear();
          return false;
        }
    }
    return true;
  }

  util::Status status() const override {
    if (!status_.ok()) return status_;
    if (!lhs_->status().ok()) return lhs_->status();
    return rhs_->status();
  }

 private:
  std::vector<model::LabelSet> keys(const SampleVector& v) const {
    std::vector<model::LabelSet> k;
    k.reserve(v.size());
    for (const auto& s : v) k.push_back(matching_key(s.labels, expr_.matching));
    return k;
  }

  void set_and(SampleVector& out) {
    if (l_.empty() || r_.empty()) return;
    auto rk = keys(r_);
    std::unordered_set<model::LabelSet, KeyHash> right(rk.begin(), rk.end());
    for (auto& s : l_)
      if (right.count(matching_key(s.labels, expr_.matching))) out.push_back(std::move(s));
  }

  void set_or(SampleVector& out) {
    if (l_.empty()) {
      out = std::move(r_);
      return;
    }
    if (r_.empty()) {
      out = std::move(l_);
      return;
    }
    auto lk = keys(l_);
    std::unordered_set<model::LabelSet, KeyHash> left(lk.begin(), lk.end());
    for (auto& s : l_) out.push_back(std::move(s));
    for (auto& s : r_)
      if (!left.count(matching_key(s.labels, expr_.matching))) out.push_back(std::move(s));
  }

  void set_unless(SampleVector& out) {
    if (l_.empty() || r_.empty()) {
      out = std::move(l_);
      return;
    }
    auto rk = keys(r_);
    std::unordered_set<model::LabelSet, KeyHash> right(rk.begin(), rk.end());
    for (auto& s : l_)
      if (!right.count(matching_key(s.labels, expr_.matching))) out.push_back(std::move(s));
  }

  util::Status arithmetic(SampleVector& out) {
    const auto& m = expr_.matching;
    const ast::Cardinality card = m ? m->card : ast::Cardinality::OneToOne;
    const bool one_to_many = card == ast::Cardinality::OneToMany;
    // Work as if many-to-one: the "one" side is indexed, the "many" side is walked.
    SampleVector& many = one_to_many ? r_ : l_;
    SampleVector& one = one_to_many ? l_ : r_;
    std::unordered_map<model::LabelSet, const Sample*, KeyHash> one_index;
    for (const auto& s : one) {
      auto [it, inserted] = one_index.emplace(matching_key(s.labels, m), &s);
      if (!inserted) {
        return util::Error{std::string("found duplicate series on the ") + (one_to_many ? "left" : "right") +
                           " hand-side;many-to-many matching not allowed: matching labels must be unique on one side"};
      }
    }
    const bool filter = !expr_.return_bool;
    std::unordered_set<model::LabelSet, KeyHash> matched;                            // one-to-one
    std::unordered_map<model::LabelSet, std::unordered_set<model::LabelSet, KeyHash>, KeyHash> inserted;
    for (const auto& s : many) {
      model::LabelSet key = matching_key(s.labels, m);
      auto found = one_index.find(key);
      if (found == one_index.end()) continue;
      model::LabelSet labels = result_labels(s.labels, found->second->labels, m);
      if (card == ast::Cardinality::OneToOne) {
        if (!matched.insert(key).second) {
          return util::Error{"multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"};
        }
      } else if (!inserted[key].insert(labels).second) {
        return util::Error{"multiple matches for labels: grouping labels must ensure unique matches"};
      }
      const Sample* lhs = one_to_many ? found->second : &s;
      const Sample* rhs = one_to_many ? &s : found->second;
      auto v = apply_binary_op(expr_.op, lhs->v, rhs->v, filter);
      if (!v) continue;
      // A filtering comparison keeps the left-hand value, not the 0/1 outcome.
      double value = is_comparison(expr_.op) && filter ? lhs->v : *v;
      out.push_back(Sample{std::move(labels), value});
    }
    return {};
  }

  const ast::BinaryExpr& expr_;
  StepEvaluatorPtr lhs_, rhs_;
  SampleVector l_, r_;
  util::Status status_;
};

// A literal on one side: applied to every sample of the other side, which keeps its labels.
class LiteralBinaryEvaluator : public StepEvaluator {
 public:
  LiteralBinaryEvaluator(const ast::BinaryExpr& expr, double literal, bool literal_on_left, StepEvaluatorPtr inner)
      : expr_(expr), literal_(literal), literal_on_left_(literal_on_left), inner_(std::move(inner)) {}

  bool next(int64_t& t, SampleVector& out) override {
    out.clear();
    if (!inner_->next(t, in_)) return false;
    const bool filter = !expr_.return_bool;
    for (auto& s : in_) {
      double l = literal_on_left_ ? literal_ : s.v;
      double r = literal_on_left_ ? s.v : literal_;
      auto v = apply_binary_op(expr_.op, l, r, filter);
      if (!v) continue;
      // A filtering comparison keeps the vector's sample value.
      out.push_back(Sample{std::move(s.labels), is_comparison(expr_.op) && filter ? s.v : *v});
    }
    return true;
  }
  util::Status status() const override { return inner_->status(); }

 private:
  const ast::BinaryExpr& expr_;
  double literal_;
  bool literal_on_left_;
  StepEvaluatorPtr inner_;
  SampleVector in_;
};

}  // namespace

bool is_comparison(BinOp op) {
  return op == BinOp::Eq || op == BinOp::Neq || op == BinOp::Gt || op == BinOp::Gte || op == BinOp::Lt ||
         op == BinOp::Lte;
}

bool is_set_op(BinOp op) { return op == BinOp::And || op == BinOp::Or || op == BinOp::Unless; }

std::optional<double> apply_binary_op(BinOp op, double l, double r, bool filter) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto cmp = [filter](bool holds) -> std::optional<double> {
    if (holds) return 1.0;
    if (filter) return std::nullopt;
    return 0.0;
  };
  switch (op) {
    case BinOp::Add: return l + r;
    case BinOp::Sub: return l - r;
    case BinOp::Mul: return l * r;
    case BinOp::Div: return r == 0 ? nan : l / r;  // Loki guards division by zero with NaN
    case BinOp::Mod: return r == 0 ? nan : std::fmod(l, r);
    case BinOp::Pow: return std::pow(l, r);
    case BinOp::Eq: return cmp(l == r);
    case BinOp::Neq: return cmp(l != r);
    case BinOp::Gt: return cmp(l > r);
    case BinOp::Gte: return cmp(l >= r);
    case BinOp::Lt: return cmp(l < r);
    case BinOp::Lte: return cmp(l <= r);
    case BinOp::And:
    case BinOp::Or:
    case BinOp::Unless: break;
  }
  return std::nullopt;
}

util::Result<StepEvaluatorPtr> new_binary_evaluator(const ast::BinaryExpr& expr, const StepRange& range,
                                                    LogSource& source) {
  if (!expr.lhs || !expr.rhs) return util::Error{"binary operation without two operands"};
  auto lit_l = constant_value(*expr.lhs);
  auto lit_r = constant_value(*expr.rhs);
  if ((lit_l || lit_r) && is_set_op(expr.op)) {
    return util::Error{"unexpected literal for set operation: set operations are only allowed between vectors"};
  }
  if (lit_l || lit_r) {
    const ast::Expr& other = lit_l ? *expr.rhs : *expr.lhs;
    auto inner = new_step_evaluator(other, range, source);
    if (!inner.ok()) return inner.status_error();
    return StepEvaluatorPtr(std::make_unique<LiteralBinaryEvaluator>(expr, lit_l ? *lit_l : *lit_r, lit_l.has_value(),
                                                                     std::move(inner).value()));
  }
  auto lhs = new_step_evaluator(*expr.lhs, range, source);
  if (!lhs.ok()) return lhs.status_error();
  auto rhs = new_step_evaluator(*expr.rhs, range, source);
  if (!rhs.ok()) return rhs.status_error();
  return StepEvaluatorPtr(std::make_unique<VectorBinaryEvaluator>(expr, std::move(lhs).value(), std::move(rhs).value()));
}

}  // namespace logql
