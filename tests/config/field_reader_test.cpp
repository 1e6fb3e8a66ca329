// The one strict configuration reader: unknown keys name their path, values are typed, nulls
// keep defaults, and weak typing reads booleans as Promtail's stage decoder does.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "config/field_reader.h"
#include "config/yaml_document.h"
#include "config/yaml_print.h"

namespace {

util::Status parse_item(const YAML::Node& node, const std::string& path, int64_t& out) {
  config::FieldReader r(node, path);
  r.read_int("n", out, 0, 10);
  return r.finish();
}

}  // namespace

TEST_CASE("field reader: unknown keys and bad values name the key path") {
  config::FieldReader r(YAML::Load("{port: 80, lables: x}"), "server");
  int64_t port = 0;
  r.read_int("port", port, 0, 65535);
  CHECK(port == 80);
  CHECK(r.finish().error() == "server: unknown field \"lables\"");

  config::FieldReader bad(YAML::Load("{wait: fast, port: 70000}"), "clients[0]");
  int64_t wait = 0, p = 0;
  bad.read_duration("wait", wait);
  bad.read_int("port", p, 0, 65535);
  CHECK(bad.finish().error().starts_with("clients[0].wait: "));  // the first problem only
}

TEST_CASE("field reader: null keeps the default; required fields; optional values") {
  config::FieldReader r(YAML::Load("{a: , b: '', c: 3}"), "x");
  std::string a = "default";
  r.read_string("a", a);
  CHECK(a == "default");
  std::string b;
  r.read_required_string("b", b);
  std::optional<int64_t> c, d;
  r.read_int("c", c, 0, 5);
  r.read_int("d", d, 0, 5);
  CHECK(c == 3);
  CHECK_FALSE(d);
  CHECK(r.finish().error() == "x: missing required field \"b\"");
}

TEST_CASE("field reader: booleans as YAML reads them, and weakly typed as Promtail's stages") {
  config::FieldReader strict(YAML::Load("{on: yes, one: '1'}"), "s");
  bool on = false, one = false;
  strict.read_bool("on", on);
  strict.read_bool("one", one);
  CHECK(on);
  CHECK(strict.finish().error() == "s.one: cannot parse \"1\" as a boolean");
  config::FieldReader weak(YAML::Load("{one: '1', f: F}"), "w");
  weak.set_weakly_typed(true);
  bool f = true;
  weak.read_bool("one", one);
  weak.read_bool("f", f);
  CHECK(weak.finish().ok());
  CHECK(one);
  CHECK_FALSE(f);
}

TEST_CASE("field reader: lists of mappings stop at the first bad item, named by index") {
  config::FieldReader r(YAML::Load("{items: [{n: 1}, {n: 2, m: 3}]}"), "");
  std::vector<int64_t> items;
  r.read_list("items", items, parse_item);
  CHECK(r.finish().error() == "items[1]: unknown field \"m\"");
  CHECK(items == std::vector<int64_t>{1});
  std::vector<std::string> one;
  config::FieldReader s(YAML::Load("{source: a}"), "drop");
  s.read_string_list("source", one, /*scalar_ok=*/true);
  CHECK(one == std::vector<std::string>{"a"});
}

TEST_CASE("documents: env expansion before parsing; YAML errors; print helpers") {
  auto doc = config::parse_document("a: ${X:-fallback}", {.expand_env = true, .env_lookup = [](const std::string&) {
                                                            return std::optional<std::string>();
                                                          }});
  REQUIRE(doc.ok());
  CHECK((*doc)["a"].as<std::string>() == "fallback");
  CHECK(config::parse_document("a: [").error().starts_with("invalid YAML: "));
  CHECK(config::read_config_file("/nonexistent/x.yaml").error().starts_with("reading config file: "));
  CHECK(config::print_duration(90'000'000'000) == "1m30s");
  CHECK(config::print_secret("") == "");
  CHECK(config::print_secret("pw") == "<secret>");
  YAML::Node n;
  n["labels"] = config::print_labels(model::LabelSet{{"a", "1"}});
  CHECK(config::emit_document(n) == "labels:\n  a: 1\n");
}

TEST_CASE("parse_document: a key repeated in one mapping is an error naming both lines, at any depth") {
  auto top = config::parse_document("server:\n  a: 1\nlimits:\n  b: 2\nserver:\n  c: 3\n");
  REQUIRE_FALSE(top.ok());
  CHECK(top.error() == "invalid YAML: line 5: mapping key \"server\" already defined at line 1");
  auto nested = config::parse_document("clients:\n  - url: a\n    tenant_id: x\n    url: b\n");
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.error() == "invalid YAML: line 4: mapping key \"url\" already defined at line 2");
  // The same key in sibling mappings is fine.
  CHECK(config::parse_document("a:\n  x: 1\nb:\n  x: 2\nc: [{x: 1}, {x: 2}]\n").ok());
}
