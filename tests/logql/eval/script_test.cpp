// Runs every readable test script in tests/logql/testdata/*.test (in the spirit of Prometheus'
// promqltest). Format, one directive per line; `#` starts a comment line:
//
//   load {app="a", env="prod"}          stream labels; the indented lines below are its entries:
//     10s GET /index 200                <time> <line>   (time: a duration since the epoch, e.g. 0s, 1m30s)
//
//   eval logs <start> <end> [limit=N] [direction=forward|backward] [interval=D] <query>
//     {app="a"} 10s GET /index 200      expected entries, stream by stream, in result order
//   eval range <start> <end> <step> <query>
//     {app="a"} 0s:1 10s:2              expected series (sorted by labels) and their points
//   eval instant <time> <query>
//     {app="a"} 2                       expected vector, in result order
//     scalar 3                          or a scalar
//   eval_fail <same forms as eval>
//     <expected error message prefix>
//   require pipeline                    skip the rest of the file until logql::log pipelines exist
//
// An eval with no indented lines expects an empty result. Values: numbers, NaN, +Inf, -Inf.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "logql/eval/engine.h"
#include "logql/eval/memory_source.h"
#include "logql/log/pipeline.h"
#include "logql/parser.h"
#include "model/go_string.h"
#include "model/time.h"

namespace {

using namespace logql;

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

// Splits off the first whitespace-separated token.
std::string take_token(std::string& rest) {
  rest = trim(rest);
  size_t sp = rest.find_first_of(" \t");
  std::string tok = rest.substr(0, sp);
  rest = sp == std::string::npos ? std::string() : rest.substr(sp + 1);
  return tok;
}

// Splits off a leading `{...}` label set (quoted values may contain braces).
std::string take_labels(std::string& rest) {
  rest = trim(rest);
  if (rest.empty() || rest[0] != '{') return {};
  size_t i = 1;
  while (i < rest.size() && rest[i] != '}') {
    if (rest[i] == '"' || rest[i] == '`') {
      size_t n = model::go_string_literal_length(std::string_view(rest).substr(i));
      i += n ? n : 1;
    } else {
      ++i;
    }
  }
  std::string out = rest.substr(0, i + 1);
  rest = i + 1 < rest.size() ? rest.substr(i + 1) : std::string();
  return out;
}

int64_t parse_ts(const std::string& s) {
  auto d = model::parse_duration(s);
  if (!d.ok()) throw std::runtime_error("bad time: " + s);
  return *d;
}

double parse_value(const std::string& s) {
  if (s == "NaN") return std::nan("");
  if (s == "+Inf" || s == "Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  size_t used = 0;
  double v = std::stod(s, &used);
  if (used != s.size()) throw std::runtime_error("bad value: " + s);
  return v;
}

bool same_value(double a, double e) {
  if (std::isnan(e)) return std::isnan(a);
  if (std::isinf(e)) return a == e;
  return std::fabs(a - e) <= 1e-9 * std::max(1.0, std::fabs(e));
}

std::string fmt(double v) {
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

model::LabelSet labels_of(const std::string& text) {
  auto ls = model::parse_label_set(text);
  if (!ls.ok()) throw std::runtime_error("bad labels " + text + ": " + ls.error());
  return *ls;
}

// Renders results and expectations in the same canonical text so a failure shows a readable diff.
std::string render(const QueryResult& r) {
  std::ostringstream o;
  switch (r.type) {
    case ResultType::Streams:
      for (const auto& s : r.streams)
        for (const auto& e : s.entries) o << s.labels.to_string() << " " << e.timestamp << " " << e.line << "\n";
      break;
    case ResultType::Matrix:
      for (const auto& s : r.matrix) {
        o << s.labels.to_string();
        for (const auto& p : s.points) o << " " << p.t << ":" << fmt(p.v);
        o << "\n";
      }
      break;
    case ResultType::Vector:
      for (const auto& s : r.vector) o << s.labels.to_string() << " " << fmt(s.point.v) << "\n";
      break;
    case ResultType::Scalar: o << "scalar " << fmt(r.scalar.v) << "\n"; break;
  }
  return o.str();
}

struct Eval {
  int line = 0;
  bool expect_fail = false;
  std::string kind, query;
  QueryParams params;
  std::vector<std::string> expected;
};

// Compares a result with the expected lines, value by value (numbers with a tolerance).
bool matches(const Eval& ev, const QueryResult& r) {
  std::vector<std::string> exp = ev.expected;
  if (ev.kind == "logs") {
    if (r.type != ResultType::Streams) return false;
    size_t i = 0;
    for (const auto& s : r.streams) {
      for (const auto& e : s.entries) {
        if (i >= exp.size()) return false;
        std::string rest = exp[i++];
        if (labels_of(take_labels(rest)) != s.labels) return false;
        if (parse_ts(take_token(rest)) != e.timestamp) return false;
        if (trim(rest) != e.line) return false;
      }
    }
    return i == exp.size();
  }
  if (!exp.empty() && exp[0].rfind("scalar ", 0) == 0) {
    return r.type == ResultType::Scalar && exp.size() == 1 && same_value(r.scalar.v, parse_value(trim(exp[0].substr(7))));
  }
  if (ev.kind == "range") {
    if (r.type != ResultType::Matrix || r.matrix.size() != exp.size()) return false;
    for (size_t i = 0; i < exp.size(); ++i) {
      std::string rest = exp[i];
      if (labels_of(take_labels(rest)) != r.matrix[i].labels) return false;
      size_t j = 0;
      for (std::string tok = take_token(rest); !tok.empty(); tok = take_token(rest), ++j) {
        size_t colon = tok.find(':');
        if (j >= r.matrix[i].points.size()) return false;
        if (parse_ts(tok.substr(0, colon)) != r.matrix[i].points[j].t) return false;
        if (!same_value(r.matrix[i].points[j].v, parse_value(tok.substr(colon + 1)))) return false;
      }
      if (j != r.matrix[i].points.size()) return false;
    }
    return true;
  }
  if (r.type != ResultType::Vector || r.vector.size() != exp.size()) return false;
  for (size_t i = 0; i < exp.size(); ++i) {
    std::string rest = exp[i];
    if (labels_of(take_labels(rest)) != r.vector[i].labels) return false;
    if (!same_value(r.vector[i].point.v, parse_value(trim(rest)))) return false;
  }
  return true;
}

Eval parse_eval(const std::string& directive, std::string rest, int line) {
  Eval ev;
  ev.line = line;
  ev.expect_fail = directive == "eval_fail";
  ev.kind = take_token(rest);
  QueryParams& p = ev.params;
  p.limit = 0;
  if (ev.kind == "instant") {
    p.start = p.end = parse_ts(take_token(rest));
    p.instant = true;
  } else if (ev.kind == "range" || ev.kind == "logs") {
    p.start = parse_ts(take_token(rest));
    p.end = parse_ts(take_token(rest));
    if (ev.kind == "range") p.step = parse_ts(take_token(rest));
    while (true) {
      std::string save = rest;
      std::string tok = take_token(rest);
      if (tok.rfind("limit=", 0) == 0) {
        p.limit = static_cast<uint32_t>(std::stoul(tok.substr(6)));
      } else if (tok.rfind("direction=", 0) == 0) {
        p.direction = tok.substr(10) == "forward" ? Direction::Forward : Direction::Backward;
      } else if (tok.rfind("interval=", 0) == 0) {
        p.interval = parse_ts(tok.substr(9));
      } else {
        rest = save;
        break;
      }
    }
  } else {
    throw std::runtime_error("unknown eval kind: " + ev.kind);
  }
  ev.query = trim(rest);
  return ev;
}

void run_eval(const std::string& file, MemorySource& src, const Eval& ev) {
  INFO(file << ":" << ev.line << ": " << ev.query);
  auto expr = parse(ev.query);
  util::Result<QueryResult> r = expr.ok() ? evaluate(*expr, ev.params, src) : util::Result<QueryResult>(expr.status_error());
  if (ev.expect_fail) {
    if (r.ok()) {
      FAIL_CHECK("expected an error, got:\n" << render(*r));
      return;
    }
    CHECK(ev.expected.size() == 1);
    if (ev.expected.size() != 1) return;
    CHECK_MESSAGE(r.error().rfind(ev.expected[0], 0) == 0, "error: " << r.error());
    return;
  }
  if (!r.ok()) {
    FAIL_CHECK("error: " << r.error());
    return;
  }
  std::string want;
  for (const auto& l : ev.expected) want += l + "\n";
  CHECK_MESSAGE(matches(ev, *r), "got:\n" << render(*r) << "want:\n" << want);
}

void run_script(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  MemorySource src;
  std::string line;
  int lineno = 0;
  model::LabelSet loading;
  Eval pending;
  bool has_pending = false;
  bool in_load = false;
  auto flush = [&] {
    if (has_pending) run_eval(path.filename().string(), src, pending);
    has_pending = false;
  };
  while (std::getline(in, line)) {
    ++lineno;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    bool indented = line[0] == ' ' || line[0] == '\t';
    if (indented) {
      if (has_pending) {
        pending.expected.push_back(t);
      } else if (in_load) {
        std::string rest = t;
        int64_t ts = parse_ts(take_token(rest));
        src.append(loading, model::Entry{ts, rest, {}});
      } else {
        FAIL(path.filename().string() << ":" << lineno << ": indented line outside load/eval");
      }
      continue;
    }
    flush();
    in_load = false;
    std::string rest = t;
    std::string directive = take_token(rest);
    if (directive == "require" && trim(rest) == "pipeline") {
      std::vector<ast::Stage> stages;
      stages.emplace_back(ast::LineFilter{ast::LineFilterOp::Contains, {"x"}, false});
      if (!log::Pipeline::compile(stages).ok()) {
        MESSAGE(path.filename().string() << ": skipped until log pipelines are available");
        return;
      }
    } else if (directive == "load") {
      loading = labels_of(trim(rest));
      in_load = true;
    } else if (directive == "eval" || directive == "eval_fail") {
      pending = parse_eval(directive, rest, lineno);
      has_pending = true;
    } else {
      FAIL(path.filename().string() << ":" << lineno << ": unknown directive " << directive);
    }
  }
  flush();
}

}  // namespace

TEST_CASE("LogQL test scripts") {
  auto dir = std::filesystem::path(__FILE__).parent_path().parent_path() / "testdata";
  REQUIRE(std::filesystem::is_directory(dir));
  if (!parse("{a=\"b\"}").ok()) {
    MESSAGE("logql::parse is not available yet: test scripts skipped");
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".test") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& f : files) {
    SUBCASE(f.filename().string().c_str()) { run_script(f); }
  }
}
