#include <doctest/doctest.h>

#include "query/encoding_flags.h"
#include "query/label_categories.h"

TEST_CASE("encoding flags: categorize-labels among comma-separated flags") {
  CHECK(query::has_categorize_labels("categorize-labels"));
  CHECK(query::has_categorize_labels("other,categorize-labels"));
  CHECK(query::has_categorize_labels(" other , categorize-labels "));
  CHECK_FALSE(query::has_categorize_labels(""));
  CHECK_FALSE(query::has_categorize_labels("categorize"));
  CHECK_FALSE(query::has_categorize_labels("categorize-labels-v2,other"));
}

TEST_CASE("label categories: merged back into each entry's labels, regrouped and ordered as Loki's plain answer") {
  using model::LabelSet;
  std::vector<logql::Stream> cat;
  // Source stream {app="a"} with metadata on one entry; source stream {app="a", trace_id="t"}
  // without: both merge into one plain stream, entries in time order.
  cat.push_back({LabelSet{{"app", "a"}},
                 {{1, "one", LabelSet{{"trace_id", "t"}}}, {3, "three", {}, LabelSet{{"level", "info"}}}}});
  cat.push_back({LabelSet{{"app", "a"}, {"trace_id", "t"}}, {{2, "two", {}}}});
  auto plain = query::merge_label_categories(cat, logql::Direction::Forward);
  REQUIRE(plain.size() == 2);
  CHECK(plain[0].labels.to_string() == R"({app="a", level="info"})");
  CHECK(plain[1].labels.to_string() == R"({app="a", trace_id="t"})");
  REQUIRE(plain[1].entries.size() == 2);
  CHECK(plain[1].entries[0].line == "one");
  CHECK(plain[1].entries[0].metadata.to_string() == R"({trace_id="t"})");  // kept for jsonl
  CHECK(plain[1].entries[1].line == "two");
  auto back = query::merge_label_categories(cat, logql::Direction::Backward);
  CHECK(back[1].entries[0].line == "two");
}
