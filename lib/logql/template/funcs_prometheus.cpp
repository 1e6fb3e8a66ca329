// Prometheus's template functions, as alerting and recording rules' labels and annotations use
// them (Prometheus 2.x template/template.go): humanize*, query and the sample helpers (first,
// label, value, strvalue, sortByLabel), links, regex helpers and host helpers.
//
// Query results are lists of maps {Labels: map[string]string, Value: float64}, the shape of
// Prometheus's queryResult, so `{{ with query "..." }}{{ . | first | value }}{{ end }}` works.
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "logql/template/functions.h"
#include "logql/template/go_format.h"
#include "logql/template/template.h"
#include "model/time.h"
#include "relabel/replacement_template.h"

namespace logql::tmpl {

namespace {

using Args = std::vector<Value>;
using R = util::Result<Value>;

// Go's fmt.Sprintf with one float argument.
std::string gof(const char* format, double v) {
  std::string out;
  go_sprintf(out, format, {Value::floating(v)});
  return out;
}

// Prometheus's convertToFloat: floats, integers and numeric strings.
util::Result<double> to_float(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kFloat: return v.as_float();
    case Value::Kind::kInt: return static_cast<double>(v.as_int());
    case Value::Kind::kString: {
      std::string s(v.as_string());
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) {
        return util::Error{"strconv.ParseFloat: parsing \"" + s + "\": invalid syntax"};
      }
      return d;
    }
    default: return util::Error{"can't convert " + v.type_name() + " to float"};
  }
}

R fn_humanize(Args& a, const Context&) {
  auto f = to_float(a[0]);
  if (!f.ok()) return f.status_error();
  double v = *f;
  if (std::isinf(v) || std::isnan(v)) return Value::string(gof("%.4g", v));
  std::string prefix;
  if (std::fabs(v) >= 1) {
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
      if (std::fabs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return Value::string(gof("%.4g", v) + prefix);
}

R fn_humanize1024(Args& a, const Context&) {
  auto f = to_float(a[0]);
  if (!f.ok()) return f.status_error();
  double v = *f;
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return Value::string(gof("%.4g", v));
  std::string prefix;
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return Value::string(gof("%.4g", v) + prefix);
}

R fn_humanize_duration(Args& a, const Context&) {
  auto f = to_float(a[0]);
  if (!f.ok()) return f.status_error();
  double v = *f;
  if (std::isnan(v) || std::isinf(v)) return Value::string(gof("%.4g", v));
  if (v == 0) return Value::string(gof("%.4g", v) + "s");
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    int64_t d = static_cast<int64_t>(v);
    int64_t seconds = d % 60, minutes = d / 60 % 60, hours = d / 3600 % 24, days = d / 86400;
    auto s = [](int64_t x) { return std::to_string(x); };
    if (days != 0) return Value::string(sign + s(days) + "d " + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s");
    if (hours != 0) return Value::string(sign + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s");
    if (minutes != 0) return Value::string(sign + s(minutes) + "m " + s(seconds) + "s");
    return Value::string(sign + gof("%.4g", v) + "s");
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Value::string(gof("%.4g", v) + prefix + "s");
}

R fn_humanize_percentage(Args& a, const Context&) {
  auto f = to_float(a[0]);
  if (!f.ok()) return f.status_error();
  return Value::string(gof("%.4g", *f * 100) + "%");
}

// Seconds since the epoch as Go's time.Time in UTC, at millisecond precision (Prometheus's
// model.Time).
util::Result<GoTime> float_to_time(double v) {
  if (std::isnan(v) || std::isinf(v)) return util::Error{"value is NaN or Inf"};
  double ns = v * 1e9;
  if (ns > 9.2e18 || ns < -9.2e18) return util::Error{"value is out of range"};
  int64_t ms = static_cast<int64_t>(ns) / 1'000'000;
  return GoTime::from_unix_nanos(ms * 1'000'000);
}

R fn_humanize_timestamp(Args& a, const Context&) {
  auto f = to_float(a[0]);
  if (!f.ok()) return f.status_error();
  auto t = float_to_time(*f);
  if (!t.ok()) {
    if (std::isnan(*f) || std::isinf(*f)) return Value::string(gof("%.4g", *f));
    return t.status_error();
  }
  return Value::string(go_time_string(*t));
}

R fn_to_time(Args& a, const Context&) {
  auto f = to_float(a[0]);
  if (!f.ok()) return f.status_error();
  auto t = float_to_time(*f);
  if (!t.ok()) return t.status_error();
  return Value::time(*t);
}

R fn_query(Args& a, const Context& ctx) { return ctx.query(a[0].as_string()); }

R fn_first(Args& a, const Context&) {
  if (a[0].kind() != Value::Kind::kList) return util::Error{"first() called on " + a[0].type_name()};
  if (a[0].as_list().empty()) return util::Error{"first() called on vector with no elements"};
  return a[0].as_list().front();
}

const Value* sample_field(const Value& sample, std::string_view field) {
  if (sample.kind() != Value::Kind::kMap) return nullptr;
  auto it = sample.as_map().find(field);
  return it == sample.as_map().end() ? nullptr : &it->second;
}

std::string sample_label(const Value& sample, std::string_view name) {
  const Value* labels = sample_field(sample, "Labels");
  if (!labels || labels->kind() != Value::Kind::kMap) return "";
  auto it = labels->as_map().find(name);
  return it == labels->as_map().end() ? "" : std::string(it->second.as_string());
}

R fn_label(Args& a, const Context&) { return Value::string(sample_label(a[1], a[0].as_string())); }
R fn_strvalue(Args& a, const Context&) { return Value::string(sample_label(a[0], "__value__")); }

R fn_value(Args& a, const Context&) {
  const Value* v = sample_field(a[0], "Value");
  if (!v) return util::Error{"value() called on " + a[0].type_name()};
  return *v;
}

R fn_sort_by_label(Args& a, const Context&) {
  if (a[1].kind() != Value::Kind::kList) return util::Error{"sortByLabel() called on " + a[1].type_name()};
  ValueList items = a[1].as_list();
  std::string name(a[0].as_string());
  std::stable_sort(items.begin(), items.end(),
                   [&](const Value& x, const Value& y) { return sample_label(x, name) < sample_label(y, name); });
  return Value::list(std::move(items));
}

R fn_args(Args& a, const Context&) {
  ValueMap m;
  for (size_t i = 0; i < a.size(); ++i) m["arg" + std::to_string(i)] = a[i];
  return Value::map(std::move(m));
}

R fn_re_replace_all(Args& a, const Context&) {
  RE2 re(std::string(a[0].as_string()), RE2::Quiet);
  if (!re.ok()) return util::Error{"error parsing regexp: " + re.error()};
  auto tmpl = relabel::ReplacementTemplate::compile(a[1].as_string(), re);
  std::string_view text = a[2].as_string();
  int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  std::string out;
  size_t pos = 0;
  while (pos <= text.size() &&
         re.Match(text, pos, text.size(), RE2::UNANCHORED, groups.data(), ngroups)) {
    size_t start = static_cast<size_t>(groups[0].data() - text.data());
    size_t end = start + groups[0].size();
    out.append(text.substr(pos, start - pos));
    tmpl.expand_to(out, groups.data(), ngroups);
    if (end == start) {  // an empty match: copy one byte and move on, as Go does
      if (start < text.size()) out += text[start];
      pos = start + 1;
    } else {
      pos = end;
    }
  }
  if (pos < text.size()) out.append(text.substr(pos));
  return Value::string(std::move(out));
}

R fn_match(Args& a, const Context&) {
  RE2 re(std::string(a[0].as_string()), RE2::Quiet);
  if (!re.ok()) return util::Error{"error parsing regexp: " + re.error()};
  return Value::boolean(RE2::PartialMatch(a[1].as_string(), re));
}

R fn_safe_html(Args& a, const Context&) { return Value::string(std::string(a[0].as_string())); }

R fn_graph_link(Args& a, const Context&) {
  return Value::string("/graph?g0.expr=" + url_query_escape(a[0].as_string()) + "&g0.tab=0");
}
R fn_table_link(Args& a, const Context&) {
  return Value::string("/graph?g0.expr=" + url_query_escape(a[0].as_string()) + "&g0.tab=1");
}

std::string external_url(const Context& ctx) {
  Value dot = ctx.dot();
  const Value* u = sample_field(dot, "ExternalURL");
  return u ? std::string(u->as_string()) : "";
}

R fn_external_url(Args&, const Context& ctx) { return Value::string(external_url(ctx)); }

R fn_path_prefix(Args&, const Context& ctx) {
  std::string u = external_url(ctx);
  size_t scheme = u.find("://");
  size_t path = u.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return Value::string("");
  size_t q = u.find_first_of("?#", path);
  return Value::string(u.substr(path, q == std::string::npos ? std::string::npos : q - path));
}

R fn_parse_duration(Args& a, const Context&) {
  auto d = model::parse_duration(a[0].as_string());
  if (!d.ok()) return util::Error{d.error()};
  return Value::floating(static_cast<double>(*d) / 1e9);
}

// Go's net.SplitHostPort, reduced to what stripPort/stripDomain need.
bool split_host_port(std::string_view hp, std::string& host, std::string& port) {
  if (!hp.empty() && hp[0] == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos || close + 1 >= hp.size() || hp[close + 1] != ':') return false;
    host = std::string(hp.substr(1, close - 1));
    port = std::string(hp.substr(close + 2));
    return true;
  }
  size_t colon = hp.rfind(':');
  if (colon == std::string_view::npos || hp.find(':') != colon) return false;
  host = std::string(hp.substr(0, colon));
  port = std::string(hp.substr(colon + 1));
  return true;
}

bool looks_like_ip(const std::string& host) {
  if (host.find(':') != std::string::npos) return true;  // IPv6
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

R fn_strip_port(Args& a, const Context&) {
  std::string host, port;
  if (!split_host_port(a[0].as_string(), host, port)) return Value::string(std::string(a[0].as_string()));
  return Value::string(host);
}

R fn_strip_domain(Args& a, const Context&) {
  std::string hp(a[0].as_string()), host, port;
  if (!split_host_port(hp, host, port)) host = hp;
  if (looks_like_ip(host)) return Value::string(hp);
  host = host.substr(0, host.find('.'));
  if (!port.empty()) return Value::string(host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port);
  return Value::string(host);
}

}  // namespace

void register_prometheus_functions(FuncTable& t) {
  using P = Param;
  t["query"] = {{P::kString}, false, fn_query};
  t["first"] = {{P::kRaw}, false, fn_first};
  t["label"] = {{P::kString, P::kRaw}, false, fn_label};
  t["value"] = {{P::kRaw}, false, fn_value};
  t["strvalue"] = {{P::kRaw}, false, fn_strvalue};
  t["sortByLabel"] = {{P::kString, P::kRaw}, false, fn_sort_by_label};
  t["args"] = {{P::kAny}, true, fn_args};
  t["reReplaceAll"] = {{P::kString, P::kString, P::kString}, false, fn_re_replace_all};
  t["match"] = {{P::kString, P::kString}, false, fn_match};
  t["safeHtml"] = {{P::kString}, false, fn_safe_html};
  t["graphLink"] = {{P::kString}, false, fn_graph_link};
  t["tableLink"] = {{P::kString}, false, fn_table_link};
  t["externalURL"] = {{}, false, fn_external_url};
  t["pathPrefix"] = {{}, false, fn_path_prefix};
  t["parseDuration"] = {{P::kString}, false, fn_parse_duration};
  t["stripPort"] = {{P::kString}, false, fn_strip_port};
  t["stripDomain"] = {{P::kString}, false, fn_strip_domain};
  t["humanize"] = {{P::kAny}, false, fn_humanize};
  t["humanize1024"] = {{P::kAny}, false, fn_humanize1024};
  t["humanizeDuration"] = {{P::kAny}, false, fn_humanize_duration};
  t["humanizePercentage"] = {{P::kAny}, false, fn_humanize_percentage};
  t["humanizeTimestamp"] = {{P::kAny}, false, fn_humanize_timestamp};
  t["toTime"] = {{P::kAny}, false, fn_to_time};
  // Go's strings functions under Prometheus's names: the same implementations as Loki's.
  FuncTable loki;
  register_string_functions(loki);
  t["title"] = loki.at("title");
  t["toUpper"] = loki.at("ToUpper");
  t["toLower"] = loki.at("ToLower");
}

}  // namespace logql::tmpl
