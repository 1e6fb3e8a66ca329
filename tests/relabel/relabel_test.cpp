// Relabeling semantics: cases in the style of Prometheus's relabel_test.go and the examples of
// Prometheus's <relabel_config> documentation; expected values worked out from those rules.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "relabel/relabel.h"
#include "relabel/relabel_yaml.h"

using model::LabelSet;

namespace {

std::vector<relabel::RelabelRule> rules(const char* yaml) {
  auto r = relabel::parse_relabel_rules(YAML::Load(yaml), "relabel_configs");
  REQUIRE_MESSAGE(r.ok(), r.error());
  return std::move(*r);
}

std::optional<LabelSet> run(const LabelSet& in, const char* yaml) {
  return relabel::relabel(in, rules(yaml));
}

const LabelSet kABC{{"a", "foo"}, {"b", "bar"}, {"c", "baz"}};

}  // namespace

TEST_CASE("replace expands ${1} into the target and defaults to regex (.*), replacement $1") {
  auto out = run(kABC, R"(- {source_labels: [a], regex: 'f(.*)', target_label: d,
                             replacement: "ch${1}-ch${1}"})");
  REQUIRE(out);
  CHECK(out->to_string() == R"({a="foo", b="bar", c="baz", d="choo-choo"})");

  // Defaults: copy a's value to d.
  out = run(kABC, "- {source_labels: [a], target_label: d}");
  REQUIRE(out);
  CHECK(out->get("d") == "foo");
}

TEST_CASE("replace joins several sources with the separator, missing labels as empty") {
  auto out = run(kABC, R"(- {source_labels: [a, b], regex: "f(.*);(.*)r", target_label: a,
                             replacement: "b${1}${2}m"})");
  REQUIRE(out);
  CHECK(out->get("a") == "boobam");

  out = run(kABC, R"(- {source_labels: [c, missing, a], separator: "|", target_label: joined})");
  REQUIRE(out);
  CHECK(out->get("joined") == "baz||foo");
}

TEST_CASE("replace with no match changes nothing; an empty result deletes the target") {
  auto out = run(kABC, R"(- {source_labels: [a], regex: "no-match", target_label: a,
                             replacement: x})");
  REQUIRE(out);
  CHECK(*out == kABC);

  out = run(kABC, R"(- {source_labels: [a], regex: 'f(.*)', target_label: b, replacement: ""})");
  REQUIRE(out);
  CHECK(out->to_string() == R"({a="foo", c="baz"})");

  // The default regex matches the empty joined value of a missing label: a constant is set.
  out = run(kABC, "- {source_labels: [missing], target_label: env, replacement: prod}");
  REQUIRE(out);
  CHECK(out->get("env") == "prod");
}

TEST_CASE("the regex is fully anchored") {
  // "oo" would match inside "foo" if unanchored.
  auto out = run(kABC, "- {source_labels: [a], regex: oo, target_label: d, replacement: hit}");
  REQUIRE(out);
  CHECK_FALSE(out->has("d"));
  // A top-level alternation stays inside the anchors: "^(?:x|foo)$".
  out = run(kABC, "- {source_labels: [a], regex: 'x|foo', target_label: d, replacement: hit}");
  REQUIRE(out);
  CHECK(out->get("d") == "hit");
}

TEST_CASE("Go regexp.Expand rules: $1x names group \"1x\", $$ is a dollar, named groups") {
  auto out = run(kABC, R"(- {source_labels: [a], regex: '(f)(.*)', target_label: d,
                             replacement: "$1x"})");
  REQUIRE(out);
  CHECK_FALSE(out->has("d"));  // "$1x" refers to a group named 1x: empty, so d is not set

  out = run(kABC, R"(- {source_labels: [a], regex: '(f)(.*)', target_label: d,
                        replacement: "${1}x-$$1-$2"})");
  REQUIRE(out);
  CHECK(out->get("d") == "fx-$1-oo");

  out = run(kABC, R"(- {source_labels: [a], regex: '(?P<first>f)(?P<rest>.*)',
                        target_label: d, replacement: "${rest}-$first-$9-$nope-$ -${x"})");
  REQUIRE(out);
  CHECK(out->get("d") == "oo-f---$ -${x");
}

TEST_CASE("replace with a templated target label") {
  LabelSet in{{"__meta_kv", "some-name-value"}};
  auto out = run(in, R"(- {source_labels: [__meta_kv], regex: 'some-([^-]+)-(.*)',
                           target_label: "${1}", replacement: "${2}"})");
  REQUIRE(out);
  CHECK(out->get("name") == "value");

  // A target that expands to an invalid name ("2name") is skipped.
  in = LabelSet{{"__meta_kv", "some-2name-value"}};
  out = run(in, R"(- {source_labels: [__meta_kv], regex: 'some-([^-]+)-(.*)',
                      target_label: "${1}", replacement: "${2}"})");
  REQUIRE(out);
  CHECK(*out == in);
}

TEST_CASE("keep and drop") {
  CHECK_FALSE(run(kABC, "- {source_labels: [a], regex: '.*o.*', action: drop}"));
  CHECK(run(kABC, "- {source_labels: [a], regex: 'f.*', action: keep}"));
  CHECK_FALSE(run(kABC, "- {source_labels: [a], regex: 'no-match', action: keep}"));
  CHECK(run(kABC, "- {source_labels: [a], regex: 'no-match', action: drop}") == kABC);
  // A missing label is the empty string: kept by an empty regex.
  CHECK(run(kABC, "- {source_labels: [missing], regex: '', action: Keep}"));
  // Dropping stops the list: later rules are not applied.
  CHECK_FALSE(run(kABC, R"(
- {source_labels: [b], regex: bar, action: drop}
- {source_labels: [a], target_label: never})"));
}

TEST_CASE("keepequal and dropequal compare the joined sources with the target's value") {
  // Prometheus docs example: keep targets whose port label equals __meta_port.
  LabelSet same{{"__meta_port", "9100"}, {"port", "9100"}};
  LabelSet diff{{"__meta_port", "9100"}, {"port", "80"}};
  const char* keep = "- {source_labels: [__meta_port], target_label: port, action: keepequal}";
  const char* drop = "- {source_labels: [__meta_port], target_label: port, action: dropequal}";
  CHECK(run(same, keep) == same);
  CHECK_FALSE(run(diff, keep));
  CHECK_FALSE(run(same, drop));
  CHECK(run(diff, drop) == diff);
}

TEST_CASE("hashmod uses the last 8 bytes of MD5, big-endian, as Prometheus does") {
  auto out = run(kABC, "- {source_labels: [c], modulus: 1000, target_label: d, action: hashmod}");
  REQUIRE(out);
  CHECK(out->get("d") == "976");  // Prometheus relabel_test.go's value for "baz"
  out = run(kABC, "- {source_labels: [a], modulus: 1000, target_label: d, action: hashmod}");
  REQUIRE(out);
  CHECK(out->get("d") == "696");
  out = run(LabelSet{{"a", "a"}, {"b", "b"}},
            "- {source_labels: [a, b], modulus: 7, target_label: shard, action: hashmod}");
  REQUIRE(out);
  CHECK(out->get("shard") == "2");  // md5("a;b")
}

TEST_CASE("labelmap copies matching names, keeping the originals") {
  LabelSet in{{"__meta_kubernetes_pod_label_app", "web"},
              {"__meta_kubernetes_pod_label_tier", "front"},
              {"job", "k8s"}};
  auto out = run(in, R"(- {regex: '__meta_kubernetes_pod_label_(.+)', action: labelmap})");
  REQUIRE(out);
  CHECK(out->get("app") == "web");
  CHECK(out->get("tier") == "front");
  CHECK(out->get("__meta_kubernetes_pod_label_app") == "web");
  CHECK(out->size() == 5);

  // Names produced by the rule are not mapped again (the rule sees the labels as before it).
  out = run(kABC, R"(- {regex: '(b.*)', replacement: "${1}_x", action: labelmap})");
  REQUIRE(out);
  CHECK(out->to_string() == R"({a="foo", b="bar", b_x="bar", c="baz"})");
}

TEST_CASE("labeldrop and labelkeep match names against the anchored regex") {
  auto out = run(kABC, "- {regex: '(b.*)', action: labeldrop}");
  REQUIRE(out);
  CHECK(out->to_string() == R"({a="foo", c="baz"})");
  out = run(kABC, "- {regex: '(b.*)', action: labelkeep}");
  REQUIRE(out);
  CHECK(out->to_string() == R"({b="bar"})");
  out = run(kABC, "- {regex: 'a|c', action: labelkeep}");
  REQUIRE(out);
  CHECK(out->to_string() == R"({a="foo", c="baz"})");
}

TEST_CASE("lowercase and uppercase map Unicode like Go's strings.ToLower/ToUpper") {
  LabelSet in{{"foo", "bAr123Foo"}, {"u", "ÉCOLE ΣΑΣ"}};
  auto out = run(in, R"(
- {source_labels: [foo], target_label: foo_uppercase, action: uppercase}
- {source_labels: [foo], target_label: foo_lowercase, action: lowercase}
- {source_labels: [u], target_label: u_lower, action: lowercase}
- {source_labels: [missing], target_label: foo, action: lowercase})");
  REQUIRE(out);
  CHECK(out->get("foo_uppercase") == "BAR123FOO");
  CHECK(out->get("foo_lowercase") == "bar123foo");
  CHECK(out->get("u_lower") == "école σασ");
  CHECK_FALSE(out->has("foo"));  // an empty result deletes the target
}

TEST_CASE("rules apply in order and see earlier results") {
  auto out = run(LabelSet{{"__path__", "/var/log/nginx/access.log"}}, R"(
- source_labels: [__path__]
  regex: "/var/log/([^/]+)/.*"
  target_label: app
- source_labels: [app]
  regex: nginx
  target_label: team
  replacement: web)");
  REQUIRE(out);
  CHECK(out->get("app") == "nginx");
  CHECK(out->get("team") == "web");
}

TEST_CASE("drop_reserved_labels removes __-prefixed names only") {
  LabelSet ls{{"__path__", "/x"}, {"__meta_x", "1"}, {"_single", "s"}, {"job", "varlogs"}};
  relabel::drop_reserved_labels(ls);
  CHECK(ls.to_string() == R"({_single="s", job="varlogs"})");
  LabelSet none{{"a", "b"}};
  relabel::drop_reserved_labels(none);
  CHECK(none.to_string() == R"({a="b"})");
}

TEST_CASE("a rule can be applied concurrently-safe copies and reused") {
  auto r = rules("- {source_labels: [a], regex: 'f(.*)', target_label: d}");
  for (int i = 0; i < 3; ++i) {
    LabelSet ls = kABC;
    REQUIRE(relabel::apply_rules(r, ls));
    CHECK(ls.get("d") == "oo");
  }
}
