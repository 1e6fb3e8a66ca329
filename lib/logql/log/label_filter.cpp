#include "logql/log/label_filter.h"

#include "logql/log/go_strconv.h"
#include "model/time.h"

namespace logql::log {

util::Result<LabelMatcher> LabelMatcher::compile(const ast::Matcher& m) {
  LabelMatcher out;
  out.name_ = m.name;
  out.value_ = m.value;
  out.op_ = m.op;
  if (m.op == ast::MatchOp::Re || m.op == ast::MatchOp::Nre) {
    RE2::Options opts;
    opts.set_log_errors(false);
    // Prometheus anchors matchers and lets `.` match newlines.
    out.re_ = std::make_shared<RE2>("^(?s:" + m.value + ")$", opts);
    if (!out.re_->ok()) return util::Error{"error parsing regexp: " + out.re_->error()};
  }
  return out;
}

bool LabelMatcher::matches(std::string_view v) const {
  switch (op_) {
    case ast::MatchOp::Eq:
      return v == value_;
    case ast::MatchOp::Neq:
      return v != value_;
    case ast::MatchOp::Re:
      return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
    case ast::MatchOp::Nre:
      return !RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
  }
  return false;
}

namespace {

template <class T>
bool compare(ast::CmpOp op, T a, T b) {
  switch (op) {
    case ast::CmpOp::Eq: return a == b;
    case ast::CmpOp::Neq: return a != b;
    case ast::CmpOp::Gt: return a > b;
    case ast::CmpOp::Gte: return a >= b;
    case ast::CmpOp::Lt: return a < b;
    case ast::CmpOp::Lte: return a <= b;
  }
  return false;
}

class StringFilter final : public LabelFilterNode {
 public:
  explicit StringFilter(LabelMatcher m) : m_(std::move(m)) {}
  bool process(LabelsBuilder& lbs) const override {
    return m_.matches(lbs.get_with_errors(m_.name()).value_or(std::string_view()));
  }

 private:
  LabelMatcher m_;
};

// Numeric, duration and bytes filters share the error and missing-label rules.
template <class T, class Parse>
class ConvertingFilter final : public LabelFilterNode {
 public:
  ConvertingFilter(std::string name, ast::CmpOp op, T value, Parse parse)
      : name_(std::move(name)), op_(op), value_(value), parse_(parse) {}
  bool process(LabelsBuilder& lbs) const override {
    if (lbs.has_error()) return true;
    auto v = lbs.get(name_);
    if (!v) return false;
    auto parsed = parse_(*v);
    if (!parsed.ok()) {
      lbs.set_error(kErrLabelFilter);
      lbs.set_error_details(parsed.error());
      return true;
    }
    return compare<T>(op_, static_cast<T>(*parsed), value_);
  }

 private:
  std::string name_;
  ast::CmpOp op_;
  T value_;
  Parse parse_;
};

template <class T, class Parse>
std::unique_ptr<LabelFilterNode> converting(std::string name, ast::CmpOp op, T value, Parse parse) {
  return std::make_unique<ConvertingFilter<T, Parse>>(std::move(name), op, value, parse);
}

class IpFilter final : public LabelFilterNode {
 public:
  IpFilter(std::string name, bool negate, IpMatcher m) : name_(std::move(name)), negate_(negate), m_(std::move(m)) {}
  bool process(LabelsBuilder& lbs) const override {
    if (lbs.has_error()) return true;
    auto v = lbs.get(name_);
    if (!v) return false;
    return m_.matches_value(*v) != negate_;
  }

 private:
  std::string name_;
  bool negate_;
  IpMatcher m_;
};

class BinaryFilter final : public LabelFilterNode {
 public:
  BinaryFilter(bool is_and, std::unique_ptr<LabelFilterNode> l, std::unique_ptr<LabelFilterNode> r)
      : and_(is_and), l_(std::move(l)), r_(std::move(r)) {}
  bool process(LabelsBuilder& lbs) const override {
    bool left = l_->process(lbs);
    if (and_ ? !left : left) return left;
    return r_->process(lbs);
  }

 private:
  bool and_;
  std::unique_ptr<LabelFilterNode> l_, r_;
};

}  // namespace

util::Result<std::unique_ptr<LabelFilterNode>> compile_label_filter(const ast::LabelFilter& f) {
  using Ptr = std::unique_ptr<LabelFilterNode>;
  if (const auto* s = std::get_if<ast::StringLabelFilter>(&f.node)) {
    auto m = LabelMatcher::compile(s->matcher);
    if (!m.ok()) return m.status_error();
    return Ptr(std::make_unique<StringFilter>(std::move(*m)));
  }
  if (const auto* n = std::get_if<ast::NumericLabelFilter>(&f.node))
    return converting<double>(n->name, n->op, n->value, [](std::string_view v) { return go_parse_float(v); });
  if (const auto* d = std::get_if<ast::DurationLabelFilter>(&f.node))
    return converting<int64_t>(d->name, d->op, d->value_ns, [](std::string_view v) { return go_parse_duration(v); });
  if (const auto* b = std::get_if<ast::BytesLabelFilter>(&f.node))
    return converting<uint64_t>(b->name, b->op, b->value, [](std::string_view v) { return model::parse_bytes(v); });
  if (const auto* ip = std::get_if<ast::IpLabelFilter>(&f.node)) {
    if (ip->op != ast::CmpOp::Eq && ip->op != ast::CmpOp::Neq) return util::Error{"ip: invalid operation"};
    auto m = IpMatcher::compile(ip->pattern);
    if (!m.ok()) return m.status_error();
    return Ptr(std::make_unique<IpFilter>(ip->name, ip->op == ast::CmpOp::Neq, std::move(*m)));
  }
  const auto& bin = std::get<ast::BinaryLabelFilter>(f.node);
  if (!bin.lhs || !bin.rhs) return util::Error{"invalid label filter"};
  auto l = compile_label_filter(*bin.lhs);
  if (!l.ok()) return l;
  auto r = compile_label_filter(*bin.rhs);
  if (!r.ok()) return r;
  return Ptr(std::make_unique<BinaryFilter>(bin.is_and, std::move(*l), std::move(*r)));
}

}  // namespace logql::log
