// luhn: redacts card numbers as Promtail's luhn stage does. Every maximal run of ASCII digits at
// least `min_length` long whose value fits a signed 64-bit integer (Promtail parses it with
// strconv.Atoi, so longer runs are kept) and passes the Luhn check is replaced by `replacement`.
// Separators are not skipped: "4111 1111 1111 1111" is four short runs and stays.
// With `source`, the redacted string value of that extracted key becomes the line (as Promtail
// does); a missing or non-string value leaves the entry alone.
#include "stages/builtin.h"

namespace stages {

namespace {

// The Luhn check of a run of ASCII digits: from the right, every second digit is doubled (its
// digits summed); the total must be a multiple of 10.
bool passes_luhn(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// Whether a run of ASCII digits is at most INT64_MAX, as strconv.Atoi requires on 64-bit Go.
bool fits_int64(std::string_view digits) {
  size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return true;
  std::string_view v = digits.substr(first);
  constexpr std::string_view kMax = "9223372036854775807";
  return v.size() < kMax.size() || (v.size() == kMax.size() && v <= kMax);
}

class LuhnStage final : public Stage {
 public:
  explicit LuhnStage(LuhnSpec spec) : spec_(std::move(spec)) {}
  std::string_view name() const override { return "luhn"; }
  bool process(Entry& e) override {
    std::string_view input = e.line;
    if (spec_.source) {
      const json* v = e.extracted.find(*spec_.source);
      if (!v || !v->is_string()) return true;
      input = v->get_ref<const std::string&>();
    }
    out_.clear();
    size_t i = 0;
    while (i < input.size()) {
      if (!is_digit(input[i])) {
        out_ += input[i++];
        continue;
      }
      size_t end = i;
      while (end < input.size() && is_digit(input[end])) ++end;
      std::string_view run = input.substr(i, end - i);
      if (static_cast<int64_t>(run.size()) >= spec_.min_length && fits_int64(run) && passes_luhn(run)) {
        out_ += spec_.replacement;
      } else {
        out_ += run;
      }
      i = end;
    }
    e.line.swap(out_);
    return true;
  }

 private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  LuhnSpec spec_;
  std::string out_;
};

}  // namespace

StageResult compile_luhn(const LuhnSpec& spec, const std::string&, const CompileContext&) {
  return std::unique_ptr<Stage>(std::make_unique<LuhnStage>(spec));
}

}  // namespace stages
