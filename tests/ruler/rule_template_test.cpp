#include <doctest/doctest.h>

#include "ruler/rule_template.h"

namespace {

std::string expand(const std::string& text, double value, const model::LabelSet& labels,
                   const ruler::TemplateQuery& query = {}) {
  auto t = ruler::RuleTemplate::parse(text, "__alert_test");
  REQUIRE_MESSAGE(t.ok(), t.error());
  model::LabelSet ext{{"cluster", "eu1"}};
  ruler::TemplateData d;
  d.labels = &labels;
  d.value = value;
  d.external_labels = &ext;
  d.external_url = "http://logd.example:3100/prefix";
  d.query = query;
  return t->expand(d);
}

}  // namespace

TEST_CASE("ruler templates: $labels, $value, $externalLabels, $externalURL as Prometheus defines them") {
  model::LabelSet l{{"app", "api"}, {"instance", "host-1.example.com:9090"}};
  CHECK(expand("{{ $labels.app }} has {{ $value }} panics", 3, l) == "api has 3 panics");
  CHECK(expand("{{ .Labels.app }}/{{ .Value }}", 0.5, l) == "api/0.5");
  CHECK(expand("{{ $externalLabels.cluster }} {{ $externalURL }}", 1, l) == "eu1 http://logd.example:3100/prefix");
  CHECK(expand("{{ $labels.missing }}", 1, l) == "<no value>");
  CHECK(expand("no template", 1, l) == "no template");
  CHECK(expand("{{ printf \"%.2f\" $value }}", 2.0 / 3, l) == "0.67");
  CHECK(expand("{{ $labels.instance | stripPort }} {{ $labels.instance | stripDomain }}", 1, l) ==
        "host-1.example.com host-1:9090");
  CHECK(expand("{{ pathPrefix }} {{ \"up\" | graphLink }}", 1, l) == "/prefix /graph?g0.expr=up&g0.tab=0");
  CHECK(expand("{{ reReplaceAll \"-(\\\\d)\" \"_$1\" $labels.instance }}", 1, l) == "host_1.example.com:9090");
  CHECK(expand("{{ if match \"^h\" $labels.instance }}yes{{ end }}", 1, l) == "yes");
  CHECK(expand("{{ \"abc\" | toUpper }} {{ \"ABC\" | toLower }} {{ \"a b\" | title }}", 1, l) == "ABC abc A B");
}

TEST_CASE("ruler templates: humanize functions print as Prometheus does") {
  model::LabelSet l;
  CHECK(expand("{{ humanize 1234567 }}", 0, l) == "1.235M");
  CHECK(expand("{{ humanize 0.00123 }}", 0, l) == "1.23m");
  CHECK(expand("{{ humanize $value }}", 12, l) == "12");
  CHECK(expand("{{ humanize1024 1048576 }}", 0, l) == "1Mi");
  CHECK(expand("{{ humanizeDuration 3661 }}", 0, l) == "1h 1m 1s");
  CHECK(expand("{{ humanizeDuration 90061 }}", 0, l) == "1d 1h 1m 1s");
  CHECK(expand("{{ humanizeDuration 1.5 }}", 0, l) == "1.5s");
  CHECK(expand("{{ humanizeDuration 0.002 }}", 0, l) == "2ms");
  CHECK(expand("{{ humanizeDuration 0 }}", 0, l) == "0s");
  CHECK(expand("{{ humanizePercentage 0.1234 }}", 0, l) == "12.34%");
  CHECK(expand("{{ humanizeTimestamp 1435065584.128 }}", 0, l) == "2015-06-23 13:19:44.128 +0000 UTC");
  CHECK(expand("{{ \"1m30s\" | parseDuration }}", 0, l) == "90");
  CHECK(expand("{{ humanize \"x\" }}", 0, l).rfind("<error expanding template: ", 0) == 0);
}

TEST_CASE("ruler templates: query, first, value, label, sortByLabel") {
  model::LabelSet l;
  ruler::TemplateQuery q = [](const std::string& query) -> util::Result<logql::QueryResult> {
    CHECK(query == "sum by (app) (rate({job=\"x\"}[1m]))");
    logql::QueryResult r;
    r.type = logql::ResultType::Vector;
    r.vector.push_back({model::LabelSet{{"app", "b"}}, {0, 2}});
    r.vector.push_back({model::LabelSet{{"app", "a"}}, {0, 1}});
    return r;
  };
  std::string text =
      "{{ with query \"sum by (app) (rate({job=\\\"x\\\"}[1m]))\" }}{{ . | first | value }}"
      "{{ range sortByLabel \"app\" . }} {{ label \"app\" . }}={{ .Value }}{{ end }}{{ end }}";
  CHECK(expand(text, 0, l, q) == "2 a=1 b=2");
  CHECK(expand("{{ query \"x\" }}", 0, l).find("<error expanding template: ") == 0);
}

TEST_CASE("ruler templates: parse errors are reported") {
  CHECK_FALSE(ruler::RuleTemplate::parse("{{ $labels.x ", "t").ok());
  CHECK_FALSE(ruler::RuleTemplate::parse("{{ nosuchfunc 1 }}", "t").ok());
}
