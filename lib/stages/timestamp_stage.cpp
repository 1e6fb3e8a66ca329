// timestamp: sets the entry's time from an extracted value, in one of Promtail's named formats
// (RFC3339, Unix, UnixMs, ... and Go's named layouts) or a Go reference layout, with
// fallback_formats, an IANA location for layouts without a zone, and action_on_failure: fudge
// (1ns after the stream's last good timestamp) or skip (keep the entry's time).
#include <charconv>
#include <unordered_map>

#include "logql/template/go_time.h"
#include "model/time.h"
#include "stages/builtin.h"

namespace stages {

namespace {

// The layouts Promtail accepts by name, parsed with time.Parse (UTC, the location ignored).
const char* named_layout(std::string_view name) {
  static const std::pair<const char*, const char*> kLayouts[] = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
  };
  for (const auto& [n, layout] : kLayouts) {
    if (name == n) return layout;
  }
  return nullptr;
}

bool parse_int(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// One format, resolved at compile time.
class TimeFormat {
 public:
  TimeFormat(std::string format, std::optional<std::string> location, util::Clock& clock)
      : format_(std::move(format)), location_(std::move(location)), clock_(clock) {
    if (format_ == "RFC3339" || format_ == "RFC3339Nano") {
      kind_ = Kind::kRfc3339;
    } else if (format_ == "Unix") {
      kind_ = Kind::kUnix;
    } else if (format_ == "UnixMs") {
      kind_ = Kind::kUnixScaled;
      scale_ = 1'000'000;
    } else if (format_ == "UnixUs") {
      kind_ = Kind::kUnixScaled;
      scale_ = 1'000;
    } else if (format_ == "UnixNs") {
      kind_ = Kind::kUnixScaled;
      scale_ = 1;
    } else if (const char* layout = named_layout(format_)) {
      kind_ = Kind::kNamedLayout;
      layout_ = layout;
    } else if (format_.find("06") == std::string::npos) {
      kind_ = Kind::kYearlessLayout;  // "2006" contains "06" too
      layout_ = format_;
    } else {
      kind_ = Kind::kLayout;
      layout_ = format_;
    }
  }

  std::optional<int64_t> parse(std::string_view s) const {
    switch (kind_) {
      case Kind::kRfc3339: {
        auto r = model::parse_rfc3339(s);
        return r.ok() ? std::optional<int64_t>(*r) : std::nullopt;
      }
      case Kind::kUnix: {
        size_t dot = s.find('.');
        int64_t sec = 0;
        if (dot == std::string_view::npos) {
          if (!parse_int(s, sec)) return std::nullopt;
          return sec * model::kNanosPerSecond;
        }
        std::string_view frac = s.substr(dot + 1);
        int64_t f = 0;
        if (!parse_int(s.substr(0, dot), sec) || !parse_int(frac, f) || frac.size() > 9) return std::nullopt;
        for (size_t i = frac.size(); i < 9; ++i) f *= 10;
        return sec * model::kNanosPerSecond + f;
      }
      case Kind::kUnixScaled: {
        int64_t v = 0;
        if (!parse_int(s, v)) return std::nullopt;
        return v * scale_;
      }
      case Kind::kNamedLayout: return go_parse(layout_, s, "UTC");
      case Kind::kLayout: return go_parse(layout_, s, location_.value_or("UTC"));
      case Kind::kYearlessLayout: return parse_without_year(s);
    }
    return std::nullopt;
  }

 private:
  enum class Kind { kRfc3339, kUnix, kUnixScaled, kNamedLayout, kLayout, kYearlessLayout };

  static std::optional<int64_t> go_parse(std::string_view layout, std::string_view s, std::string_view zone) {
    auto t = logql::tmpl::parse_go_time(layout, s, zone);
    if (!t.ok()) return std::nullopt;
    return t->sec * model::kNanosPerSecond + t->nsec;
  }

  // Syslog-style stamps carry no year: take the current one, except around New Year, where a
  // December stamp read in January belongs to last year and a January stamp read in December to
  // the next, as Promtail decides.
  std::optional<int64_t> parse_without_year(std::string_view s) const {
    auto now = logql::tmpl::GoTime::from_unix_nanos(clock_.now_ns());
    int64_t year = 0, now_month = 0;
    parse_int(logql::tmpl::format_go_time(now, "2006"), year);
    parse_int(logql::tmpl::format_go_time(now, "1"), now_month);
    std::string layout = layout_ + " 2006";
    std::string zone = location_.value_or("UTC");
    auto attempt = [&](int64_t y) {
      std::string value = std::string(s) + " " + std::to_string(y);
      return logql::tmpl::parse_go_time(layout, value, zone);
    };
    auto t = attempt(year);
    if (!t.ok()) return std::nullopt;
    int64_t month = 0;
    parse_int(logql::tmpl::format_go_time(*t, "1"), month);
    if (month == 12 && now_month == 1) t = attempt(year - 1);
    if (month == 1 && now_month == 12) t = attempt(year + 1);
    if (!t.ok()) return std::nullopt;
    return t->sec * model::kNanosPerSecond + t->nsec;
  }

  std::string format_;
  std::optional<std::string> location_;
  util::Clock& clock_;
  Kind kind_ = Kind::kLayout;
  std::string layout_;
  int64_t scale_ = 1;
};

class TimestampStage final : public Stage {
 public:
  TimestampStage(std::string source, std::vector<TimeFormat> formats, bool fudge)
      : source_(std::move(source)), formats_(std::move(formats)), fudge_(fudge) {}
  std::string_view name() const override { return "timestamp"; }

  bool process(Entry& e) override {
    std::optional<int64_t> ts;
    if (const json* v = e.extracted.find(source_)) {
      value_.clear();
      if (append_value_string(value_, *v)) {
        for (const auto& f : formats_) {
          if ((ts = f.parse(value_))) break;
        }
      }
    }
    if (ts) {
      e.timestamp = *ts;
      if (fudge_) remember(e.labels.fingerprint(), *ts);
    } else if (fudge_) {
      auto it = last_known_.find(e.labels.fingerprint());
      if (it != last_known_.end()) e.timestamp = ++it->second;
    }
    return true;
  }

 private:
  void remember(uint64_t stream, int64_t ts) {
    // Promtail keeps an LRU of 10000 streams; forgetting them all at once is simpler and only
    // costs a few unfudged timestamps after a huge number of streams.
    if (last_known_.size() >= 10000 && !last_known_.count(stream)) last_known_.clear();
    last_known_[stream] = ts;
  }

  std::string source_;
  std::vector<TimeFormat> formats_;  // format, then fallback_formats
  bool fudge_;
  std::string value_;
  std::unordered_map<uint64_t, int64_t> last_known_;
};

}  // namespace

StageResult compile_timestamp(const TimestampSpec& spec, const std::string& where, const CompileContext& ctx) {
  if (spec.location && !logql::tmpl::go_zone_known(*spec.location)) {
    return stage_error(where, "invalid location specified: unknown time zone " + *spec.location);
  }
  const std::string& action = spec.action_on_failure;
  if (action != "fudge" && action != "skip") {
    return stage_error(where, "invalid action on failure \"" + action + "\" (supported values are [skip fudge])");
  }
  std::vector<TimeFormat> formats;
  formats.emplace_back(spec.format, spec.location, *ctx.clock);
  for (const auto& f : spec.fallback_formats) formats.emplace_back(f, spec.location, *ctx.clock);
  return std::unique_ptr<Stage>(std::make_unique<TimestampStage>(spec.source, std::move(formats), action == "fudge"));
}

}  // namespace stages
