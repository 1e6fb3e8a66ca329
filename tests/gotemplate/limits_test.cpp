// Bounds on one template execution (ExecLimits): the output and every string value built on the
// way, the steps (actions and range iterations), and the query's cancellation. Go's
// text/template and sprig have no such bounds; each template here took seconds to minutes or
// gigabytes for one log line before.
#include <doctest/doctest.h>

#include "test_context.h"
#include "util/cancellation.h"
#include "util/clock.h"

using gotemplate::ExecLimits;
using gotemplate::Template;
using tmpl_test::TestContext;

namespace {

std::string run_with(std::string_view text, const ExecLimits& limits, std::string line = "x") {
  auto t = Template::parse(text);
  if (!t.ok()) return "ERR: " + t.error();
  TestContext ctx({{"a", "1"}}, std::move(line));
  auto r = t->execute(ctx, limits);
  if (!r.ok()) return "ERR: " + r.error();
  return *r;
}

bool fails_with(const std::string& out, std::string_view what) {
  return out.rfind("ERR: ", 0) == 0 && out.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("template limits: output and every built string stay under max_output_bytes") {
  ExecLimits l;
  l.max_output_bytes = 1000;
  CHECK(run_with("{{ repeat 1000 \"a\" }}", l).size() == 1000);
  CHECK(fails_with(run_with("{{ repeat 1001 \"a\" }}", l), "exceeds the template output limit of 1000 bytes"));
  // repeat refuses before it allocates: a billion copies is as quick as a thousand.
  CHECK(fails_with(run_with("{{ repeat 1000000000 __line__ }}", l), "Repeat output exceeds"));
  CHECK(fails_with(run_with("{{ indent 100000000 \"x\" }}", l), "exceeds"));
  CHECK(fails_with(run_with("{{ replace \"a\" (repeat 900 \"b\") (repeat 900 \"a\") }}", l), "result exceeds"));
  // Output built piece by piece is bounded too.
  CHECK(fails_with(run_with("{{ range 2000 }}x{{ end }}", l), "template output exceeds 1000 bytes"));
  CHECK(fails_with(run_with("{{ range 200 }}{{ __line__ }}{{ end }}", l, std::string(10, 'l')),
                   "template output exceeds 1000 bytes"));
  // A variable doubled in a loop would grow to 2^40 bytes.
  CHECK(fails_with(run_with("{{ $x := \"ab\" }}{{ range 40 }}{{ $x = printf \"%s%s\" $x $x }}{{ end }}{{ $x }}", l),
                   "result exceeds"));
  // Go's fmt refuses widths past a million as it does for literal ones.
  CHECK(run_with("{{ printf \"%*d\" 2000000 1 }}", ExecLimits{}) == "%!(BADWIDTH)1");
  CHECK(fails_with(run_with("{{ printf \"%*d\" 5000 1 }}", l), "result exceeds"));
}

TEST_CASE("template limits: steps bound range iterations and actions") {
  ExecLimits l;
  l.max_steps = 1000;
  CHECK(run_with("{{ range 100 }}{{ end }}ok", l) == "ok");
  CHECK(fails_with(run_with("{{ range 1000000000 }}{{ end }}", l), "template exceeded 1000 steps"));
  CHECK(fails_with(run_with("{{ range 100 }}{{ range 100 }}{{ end }}{{ end }}", l), "exceeded 1000 steps"));
  // The default is generous for real templates and stops the runaway ones.
  CHECK(run_with("{{ range $k, $v := . }}{{ $k }}={{ $v }} {{ end }}", ExecLimits{}) == "a=1 ");
  CHECK(fails_with(run_with("{{ range 1000000000 }}{{ end }}", ExecLimits{}), "exceeded 100000 steps"));
}

TEST_CASE("template limits: a query's deadline stops a template that loops") {
  util::FakeClock clock(0);
  util::Cancellation cancel(clock, 1000);
  ExecLimits l;
  l.max_steps = 1'000'000;
  l.cancel = &cancel;
  CHECK(run_with("{{ range 10000 }}{{ end }}ok", l) == "ok");
  clock.set(1000);
  CHECK(fails_with(run_with("{{ range 10000 }}{{ end }}ok", l), "context deadline exceeded"));
  // Once stopped, the next execution fails at its first step without reading the clock.
  CHECK(fails_with(run_with("{{ \"a\" }}", l), "context deadline exceeded"));
}
