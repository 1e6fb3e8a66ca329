#include <doctest/doctest.h>

#include <map>

#include "model/labels.h"

#include "golang/quote.h"

using model::LabelSet;

TEST_CASE("label sets are sorted, unique, and print with Go escaping") {
  LabelSet ls{{"job", "varlogs"}, {"app", "x"}, {"job", "last"}};
  CHECK(ls.to_string() == R"({app="x", job="last"})");
  CHECK(LabelSet{}.to_string() == "{}");
  LabelSet esc{{"msg", "a\"b\\c\nd\x01"}};
  CHECK(esc.to_string() == R"({msg="a\"b\\c\nd\x01"})");
  CHECK(LabelSet{{"u", "héllo"}}.to_string() == "{u=\"héllo\"}");
  CHECK(LabelSet{{"bad", "\xff"}}.to_string() == R"({bad="\xff"})");
}

TEST_CASE("set, erase and get keep the order") {
  LabelSet ls{{"b", "2"}};
  ls.set("a", "1");
  ls.set("c", "3");
  ls.set("b", "two");
  CHECK(ls.to_string() == R"({a="1", b="two", c="3"})");
  ls.erase("b");
  CHECK(!ls.has("b"));
  CHECK(ls.get("c") == "3");
  ls.set("a", "");  // empty value removes, as in Prometheus
  CHECK(ls.to_string() == R"({c="3"})");
}

TEST_CASE("fingerprints are stable and distinguish pair boundaries") {
  LabelSet a{{"a", "bc"}}, b{{"ab", "c"}};
  CHECK(a.fingerprint() != b.fingerprint());
  CHECK(LabelSet{{"x", "1"}, {"y", "2"}}.fingerprint() == LabelSet{{"y", "2"}, {"x", "1"}}.fingerprint());
  // Pinned: the index persists fingerprints, so the function must never change.
  CHECK(LabelSet{{"app", "x"}}.fingerprint() == 4620149915288577449ull);
  CHECK(LabelSet{}.fingerprint() == 14691262982316575705ull);
  // Long values exercise the eight-byte loop; one changed byte changes the fingerprint.
  std::string long_value(100, 'v');
  uint64_t base = LabelSet{{"k", long_value}}.fingerprint();
  for (size_t i = 0; i < long_value.size(); i += 7) {
    std::string changed = long_value;
    changed[i] = 'w';
    CHECK(LabelSet{{"k", changed}}.fingerprint() != base);
  }
}

TEST_CASE("parse_label_set round-trips to_string") {
  auto r = model::parse_label_set(R"({job="a\"q", app = `raw\n`})");
  REQUIRE(r.ok());
  CHECK(r->get("app") == "raw\\n");
  CHECK(r->get("job") == "a\"q");
  auto again = model::parse_label_set(r->to_string());
  REQUIRE(again.ok());
  CHECK(*again == *r);
  CHECK(!model::parse_label_set("{a=b}").ok());
  CHECK(!model::parse_label_set("{1a=\"b\"}").ok());
  CHECK(!model::parse_label_set("{a=\"b\"").ok());
  CHECK(model::parse_label_set("{}")->empty());
}

TEST_CASE("Go string literals") {
  CHECK(*golang::unquote(R"("a\tb\u00e9\x41\101")") == "a\tb\xc3\xa9" "AA");
  CHECK(!golang::unquote(R"("\q")").ok());
  CHECK(!golang::unquote(R"("abc)").ok());
  CHECK(golang::string_literal_length(R"("a\"b" rest)") == 6);
  CHECK(golang::string_literal_length("`a\\`x") == 4);
  CHECK(golang::string_literal_length("\"open") == 0);
}

TEST_CASE("label name syntax") {
  CHECK(model::is_valid_label_name("__name__"));
  CHECK(model::is_valid_label_name("a1"));
  CHECK(!model::is_valid_label_name("1a"));
  CHECK(!model::is_valid_label_name("a-b"));
  CHECK(!model::is_valid_label_name(""));
}

TEST_CASE("compare_rendered orders label sets exactly as their to_string() forms") {
  // Cases where label-by-label order and string order differ: a name that extends another
  // ('=' sorts after digits), a value that extends another ('"' sorts after ' ' and '!'),
  // a set that extends another (',' sorts before '}'), and escaped values (slow path).
  std::vector<model::LabelSet> sets = {
      {},
      {{"a", "x"}},
      {{"a1", "x"}},
      {{"a", "x"}, {"b", "y"}},
      {{"a", "x "}},
      {{"a", "x!"}},
      {{"a", "xy"}},
      {{"a", "x\"q"}},
      {{"a", "x\\q"}},
      {{"a", "x\n"}},
      {{"a", "x\xc3\xa9"}},
      {{"A", "x"}},
      {{"_", "x"}},
      {{"a", "x"}, {"b", "y"}, {"c", "z"}},
      {{"a", "x"}, {"bb", "y"}},
      {{"a", "x"}, {"b_", "y"}},
  };
  // Plus pseudo-random sets over a small alphabet, so that long shared prefixes occur.
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245 + 12345, (seed >> 16) & 0x7fff; };
  const std::string alphabet = "ab1_ !\"~";
  for (int i = 0; i < 300; ++i) {
    std::map<std::string, std::string> ls;  // unique names
    int n = static_cast<int>(next() % 3);
    for (int j = 0; j < n; ++j) {
      std::string name(1, "abc"[next() % 3]);
      if (next() % 2) name += "1_z"[next() % 3];
      std::string value;
      for (int k = 0, len = 1 + static_cast<int>(next() % 3); k < len; ++k) value += alphabet[next() % alphabet.size()];
      ls[name] = value;
    }
    std::vector<model::Label> v;
    for (const auto& [name, value] : ls) v.push_back({name, value});
    sets.push_back(model::LabelSet::from_unsorted(v));
  }
  for (const auto& a : sets) {
    for (const auto& b : sets) {
      int want = a.to_string().compare(b.to_string());
      want = want < 0 ? -1 : want > 0;
      INFO(a.to_string(), " vs ", b.to_string());
      REQUIRE(model::compare_rendered(a, b) == want);
    }
  }
  CHECK(model::renders_plain(model::LabelSet{{"a", "plain text: 1-2_3"}}));
  CHECK_FALSE(model::renders_plain(model::LabelSet{{"a", "tab\there"}}));
  CHECK_FALSE(model::renders_plain(model::LabelSet{{"a", "q\"uote"}}));
}
