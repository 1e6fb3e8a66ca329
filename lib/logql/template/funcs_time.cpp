// Time functions: Loki's __line__/__timestamp__, sprig's date/toDate/now/unixEpoch, Loki's
// toDateInZone, unixEpochMillis/Nanos, unixToTime and duration/duration_seconds.
#include <string>

#include "logql/template/functions.h"
#include "logql/template/go_time.h"
#include "logql/template/template.h"
#include "model/time.h"
#include "util/clock.h"

namespace logql::tmpl {

namespace {

using Args = std::vector<Value>;
using R = util::Result<Value>;

R fn_line(Args&, const Context& ctx) { return Value::string_view(ctx.line()); }
R fn_timestamp(Args&, const Context& ctx) { return Value::time(GoTime::from_unix_nanos(ctx.timestamp_ns())); }

R fn_now(Args&, const Context&) { return Value::time(GoTime::from_unix_nanos(util::system_clock().now_ns())); }

// sprig's date: times as is, integers as Unix seconds, anything else means now; shown in the
// server's local zone.
R fn_date(Args& a, const Context& ctx) {
  const Value& d = a[1];
  GoTime t;
  if (d.kind() == Value::Kind::kTime) {
    t = d.as_time();
  } else if (d.kind() == Value::Kind::kInt && d.int_type() != Value::IntType::kUint8) {
    t = GoTime::from_unix_nanos(0);
    t.sec = d.as_int();
  } else {
    Args none;
    t = fn_now(none, ctx)->as_time();
  }
  return Value::string(format_go_time(go_time_in_zone(t, "Local"), a[0].as_string()));
}

GoTime parse_or_zero(std::string_view layout, std::string_view value, std::string_view zone) {
  auto r = parse_go_time(layout, value, zone);
  return r.ok() ? *r : GoTime::zero();
}

R fn_to_date(Args& a, const Context&) { return Value::time(parse_or_zero(a[0].as_string(), a[1].as_string(), "Local")); }

R fn_to_date_in_zone(Args& a, const Context&) {
  std::string_view zone = a[1].as_string();
  if (!go_zone_known(zone)) zone = "UTC";
  return Value::time(parse_or_zero(a[0].as_string(), a[2].as_string(), zone));
}

R fn_unix_epoch(Args& a, const Context&) { return Value::string(std::to_string(a[0].as_time().sec)); }

// Go's UnixMilli/UnixNano arithmetic wraps for times far from 1970 (e.g. the zero time).
int64_t wrap_mul_add(int64_t sec, int64_t mult, int64_t add) {
  return static_cast<int64_t>(static_cast<uint64_t>(sec) * static_cast<uint64_t>(mult) + static_cast<uint64_t>(add));
}
R fn_unix_epoch_millis(Args& a, const Context&) {
  const GoTime& t = a[0].as_time();
  return Value::string(std::to_string(wrap_mul_add(t.sec, 1000, t.nsec / 1000000)));
}
R fn_unix_epoch_nanos(Args& a, const Context&) {
  const GoTime& t = a[0].as_time();
  return Value::string(std::to_string(wrap_mul_add(t.sec, 1000000000, t.nsec)));
}

// Loki's unixToTime: the digit count picks the unit (days, s, ms, us, ns).
R fn_unix_to_time(Args& a, const Context&) {
  std::string_view s = a[0].as_string();
  int64_t v = 0;
  bool neg = !s.empty() && s[0] == '-';
  std::string_view digits = neg || (!s.empty() && s[0] == '+') ? s.substr(1) : s;
  bool ok = !digits.empty();
  for (char c : digits) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    if (v > (INT64_MAX - (c - '0')) / 10) {
      return util::Error{"unable to parse time '" + std::string(s) + "': strconv.ParseInt: parsing \"" +
                         std::string(s) + "\": value out of range"};
    }
    v = v * 10 + (c - '0');
  }
  if (!ok)
    return util::Error{"unable to parse time '" + std::string(s) + "': strconv.ParseInt: parsing \"" + std::string(s) +
                       "\": invalid syntax"};
  if (neg) v = -v;
  GoTime t;
  switch (s.size()) {
    case 5: t.sec = v * 86400; break;
    case 10: t.sec = v; break;
    case 13: t = GoTime::from_unix_nanos(v * 1000000); break;
    case 16: t = GoTime::from_unix_nanos(v * 1000); break;
    case 19: t = GoTime::from_unix_nanos(v); break;
    default: return util::Error{"unable to parse time '" + std::string(s) + "': %!w(<nil>)"};
  }
  return Value::time(t);
}

// time.ParseDuration's grammar (units ns us µs μs ms s m h only), then seconds as float64.
R fn_duration(Args& a, const Context&) {
  std::string_view s = a[0].as_string();
  std::string quoted = "\"" + std::string(s) + "\"";
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) rest.remove_prefix(1);
  if (rest == "0") return Value::floating(0);
  if (rest.empty()) return util::Error{"time: invalid duration " + quoted};
  while (!rest.empty()) {
    size_t i = 0;
    bool digits = false;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i, digits = true;
    if (i < rest.size() && rest[i] == '.') {
      ++i;
      while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i, digits = true;
    }
    if (!digits) return util::Error{"time: invalid duration " + quoted};
    size_t u = i;
    while (u < rest.size() && rest[u] != '.' && (rest[u] < '0' || rest[u] > '9')) ++u;
    std::string_view unit = rest.substr(i, u - i);
    if (unit.empty()) return util::Error{"time: missing unit in duration " + quoted};
    if (unit != "ns" && unit != "us" && unit != "\xC2\xB5s" && unit != "\xCE\xBCs" && unit != "ms" && unit != "s" &&
        unit != "m" && unit != "h")
      return util::Error{"time: unknown unit \"" + std::string(unit) + "\" in duration " + quoted};
    rest.remove_prefix(u);
  }
  auto ns = model::parse_duration(s);
  if (!ns.ok()) return util::Error{"time: invalid duration " + quoted};
  return Value::floating(static_cast<double>(*ns) / 1e9);
}

}  // namespace

void register_time_functions(FuncTable& t) {
  using P = Param;
  t["__line__"] = {{}, false, fn_line};
  t["__timestamp__"] = {{}, false, fn_timestamp};
  t["now"] = {{}, false, fn_now};
  t["date"] = {{P::kString, P::kAny}, false, fn_date};
  t["toDate"] = {{P::kString, P::kString}, false, fn_to_date};
  t["toDateInZone"] = {{P::kString, P::kString, P::kString}, false, fn_to_date_in_zone};
  t["unixEpoch"] = {{P::kTime}, false, fn_unix_epoch};
  t["unixEpochMillis"] = {{P::kTime}, false, fn_unix_epoch_millis};
  t["unixEpochNanos"] = {{P::kTime}, false, fn_unix_epoch_nanos};
  t["unixToTime"] = {{P::kString}, false, fn_unix_to_time};
  t["duration"] = {{P::kString}, false, fn_duration};
  t["duration_seconds"] = {{P::kString}, false, fn_duration};
}

}  // namespace logql::tmpl
