#include "logd/request_params.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "logql/eval/step_evaluator.h"
#include "logql/parser.h"
#include "golang/quote.h"
#include "model/labels.h"
#include "model/time.h"

namespace logd {
namespace {

constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxPoints = 11000;  // Loki's maximum resolution per series

util::Result<int64_t> parse_time_param(const http::Params& p, const std::string& name, int64_t fallback) {
  std::string v = param(p, name);
  if (v.empty()) return fallback;
  auto t = model::parse_time(v);
  if (!t.ok()) return util::Error{"invalid " + name + ": cannot parse " + golang::quote(v) + " to a valid timestamp"};
  return *t;
}

// Loki parses `limit` as an int and converts it with uint32(): a value past 2^32 wraps, and is
// reported (max_entries_limit_per_query) and used as wrapped, as there.
util::Result<uint32_t> parse_limit(const http::Params& p) {
  std::string v = param(p, "limit");
  if (v.empty()) return static_cast<uint32_t>(kDefaultLimit);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) {
    return util::Error{"strconv.Atoi: parsing " + golang::quote(v) + ": invalid syntax"};
  }
  if (n <= 0) return util::Error{"limit must be a positive value"};
  return static_cast<uint32_t>(static_cast<uint64_t>(n));
}

util::Result<logql::Direction> parse_direction(const http::Params& p) {
  std::string v = param(p, "direction");
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v.empty() || v == "backward") return logql::Direction::Backward;
  if (v == "forward") return logql::Direction::Forward;
  return util::Error{"invalid direction " + golang::quote(param(p, "direction"))};
}

}  // namespace

std::optional<std::string> name_before_values(std::string_view path, std::string_view prefix) {
  constexpr std::string_view kSuffix = "/values";
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view rest = path.substr(prefix.size());
  if (rest.size() <= kSuffix.size() || rest.substr(rest.size() - kSuffix.size()) != kSuffix) return std::nullopt;
  return std::string(rest.substr(0, rest.size() - kSuffix.size()));
}

std::string param(const http::Params& p, const std::string& name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}

int64_t default_step(int64_t start, int64_t end) {
  double secs = std::floor(static_cast<double>(static_cast<__int128>(end) - start) / 1e9 / 250);
  return static_cast<int64_t>(std::max(secs, 1.0)) * model::kNanosPerSecond;
}

util::Result<int64_t> parse_step(const std::string& text) {
  char* end = nullptr;
  double secs = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(secs)) {
    double ns = secs * 1e9;
    if (std::fabs(ns) > 9.2e18) return util::Error{"cannot parse " + golang::quote(text) + " to a valid duration. It overflows int64"};
    return static_cast<int64_t>(std::llround(ns));
  }
  auto d = model::parse_duration(text);
  if (d.ok()) return *d;
  return util::Error{"cannot parse " + golang::quote(text) + " to a valid duration"};
}

util::Result<int64_t> parse_step_param(const http::Params& p, int64_t start, int64_t end) {
  int64_t step = default_step(start, end);
  if (std::string text = param(p, "step"); !text.empty()) {
    auto s = parse_step(text);
    if (!s.ok()) return util::prefixed("invalid step: ", s.status_error());
    step = *s;
  }
  if (step <= 0) {
    return util::Error{"zero or negative query resolution step widths are not accepted. Try a positive integer"};
  }
  if ((static_cast<__int128>(end) - start) / step > kMaxPoints) {
    return util::Error{"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"};
  }
  return step;
}

util::Result<TimeRange> parse_time_range(const http::Params& p, int64_t now, int64_t default_lookback) {
  TimeRange r;
  auto end = parse_time_param(p, "end", now);
  if (!end.ok()) return end.status_error();
  r.end = *end;
  int64_t lookback = default_lookback;
  if (std::string since = param(p, "since"); !since.empty()) {
    auto d = model::parse_duration(since);
    if (!d.ok()) return util::Error{"invalid since: cannot parse " + golang::quote(since) + " to a valid duration"};
    lookback = *d;
  }
  auto start = parse_time_param(p, "start", logql::clamp_ns(static_cast<__int128>(r.end) - lookback));
  if (!start.ok()) return start.status_error();
  r.start = *start;
  if (r.end < r.start) return util::Error{"end timestamp must not be before or equal to start time"};
  return r;
}

util::Result<RangeQueryParams> parse_range_query(const http::Params& p, int64_t now) {
  RangeQueryParams out;
  out.query = param(p, "query");
  auto range = parse_time_range(p, now, model::kNanosPerHour);
  if (!range.ok()) return range.status_error();
  out.params.start = range->start;
  out.params.end = range->end;
  auto limit = parse_limit(p);
  if (!limit.ok()) return limit.status_error();
  out.params.limit = *limit;
  out.limit_wrapped_to_zero = *limit == 0;
  auto dir = parse_direction(p);
  if (!dir.ok()) return dir.status_error();
  out.params.direction = *dir;
  auto step = parse_step_param(p, range->start, range->end);
  if (!step.ok()) return step.status_error();
  out.params.step = *step;
  if (std::string interval = param(p, "interval"); !interval.empty()) {
    auto i = parse_step(interval);
    if (!i.ok()) return util::prefixed("invalid interval: ", i.status_error());
    if (*i < 0) return util::Error{"interval must be >= 0"};
    out.params.interval = *i;
  }
  return out;
}

util::Result<RangeQueryParams> parse_instant_query(const http::Params& p, int64_t now) {
  RangeQueryParams out;
  out.query = param(p, "query");
  auto t = parse_time_param(p, "time", now);
  if (!t.ok()) return t.status_error();
  out.params.start = out.params.end = *t;
  out.params.instant = true;
  auto limit = parse_limit(p);
  if (!limit.ok()) return limit.status_error();
  out.params.limit = *limit;
  out.limit_wrapped_to_zero = *limit == 0;
  auto dir = parse_direction(p);
  if (!dir.ok()) return dir.status_error();
  out.params.direction = *dir;
  return out;
}

util::Result<std::vector<std::vector<logql::ast::Matcher>>> parse_match_params(const http::Params& p) {
  std::vector<std::vector<logql::ast::Matcher>> out;
  auto add = [&](const std::string& text) -> util::Status {
    auto m = logql::parse_matchers(text);
    if (!m.ok()) return m.status_error();
    out.push_back(std::move(*m));
    return {};
  };
  for (auto [it, end] = p.equal_range("match[]"); it != end; ++it) {
    if (auto st = add(it->second); !st.ok()) return st.status_error();
  }
  for (auto [it, end] = p.equal_range("match"); it != end; ++it) {
    if (auto st = add(it->second); !st.ok()) return st.status_error();
  }
  return out;
}

util::Result<query::VolumeRequest> parse_volume_request(const http::Params& p, int64_t now, bool range) {
  query::VolumeRequest r;
  std::string q = param(p, "query");
  if (q.empty()) return util::Error{"query parameter is required: a stream selector such as {job=\"varlogs\"}"};
  auto m = query::parse_volume_selector(q);
  if (!m.ok()) return m.status_error();
  r.matchers = std::move(*m);
  auto tr = parse_time_range(p, now, model::kNanosPerHour);
  if (!tr.ok()) return tr.status_error();
  r.start = tr->start;
  r.end = tr->end;
  if (std::string v = param(p, "limit"); !v.empty()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n <= 0) {
      return util::Error{"invalid limit " + golang::quote(v) + ": a positive integer is required"};
    }
    r.limit = static_cast<size_t>(n);
  }
  if (range) {
    auto step = parse_step_param(p, r.start, r.end);
    if (!step.ok()) return step.status_error();
    r.step = *step;
  }
  if (std::string targets = param(p, "targetLabels"); !targets.empty()) {
    size_t pos = 0;
    while (pos <= targets.size()) {
      size_t comma = targets.find(',', pos);
      if (comma == std::string::npos) comma = targets.size();
      std::string name = targets.substr(pos, comma - pos);
      while (!name.empty() && name.back() == ' ') name.pop_back();
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      if (!model::is_valid_label_name(name)) {
        return util::Error{"invalid targetLabels: " + golang::quote(name) + " is not a valid label name"};
      }
      r.target_labels.push_back(std::move(name));
      pos = comma + 1;
    }
  }
  std::string by = param(p, "aggregateBy");
  if (by.empty() || by == "series") {
    r.aggregate_by = query::VolumeAggregation::kSeries;
  } else if (by == "labels") {
    r.aggregate_by = query::VolumeAggregation::kLabels;
  } else {
    return util::Error{"invalid aggregateBy " + golang::quote(by) + ": it must be series or labels"};
  }
  return r;
}

util::Result<DetectedFieldsRequest> parse_detected_fields_request(const http::Params& p, int64_t now) {
  DetectedFieldsRequest r;
  r.query = param(p, "query");
  if (r.query.empty()) return util::Error{"query parameter is required: a log query such as {job=\"varlogs\"}"};
  auto expr = logql::parse(r.query);
  if (!expr.ok()) return expr.status_error();
  if (!expr->is_log_query()) {
    return util::Error{"detected fields need a log query (a stream selector with optional filters), not a metric query"};
  }
  auto tr = parse_time_range(p, now, model::kNanosPerHour);
  if (!tr.ok()) return tr.status_error();
  r.start = tr->start;
  r.end = tr->end;
  for (auto [name, field] : {std::pair{"line_limit", &r.line_limit}, std::pair{"limit", &r.limit}}) {
    std::string v = param(p, name);
    if (v.empty()) continue;
    uint32_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n == 0) {
      return util::Error{std::string("invalid ") + name + " " + golang::quote(v) + ": a positive integer is required"};
    }
    *field = n;
  }
  return r;
}

util::Result<PatternsRequest> parse_patterns_request(const http::Params& p, int64_t now) {
  PatternsRequest r;
  std::string q = param(p, "query");
  if (q.empty()) return util::Error{"query parameter is required: a stream selector such as {job=\"varlogs\"}"};
  auto m = logql::parse_matchers(q);
  if (!m.ok()) return util::prefixed("patterns need a stream selector: ", m.status_error());
  r.matchers = std::move(*m);
  auto tr = parse_time_range(p, now, model::kNanosPerHour);
  if (!tr.ok()) return tr.status_error();
  r.start = tr->start;
  r.end = tr->end;
  auto step = parse_step_param(p, r.start, r.end);
  if (!step.ok()) return step.status_error();
  r.step = *step;
  return r;
}

}  // namespace logd
