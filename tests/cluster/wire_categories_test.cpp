// The frontend <-> querier wire keeps Loki's label categories: a piece asks for them, and each
// entry's structured metadata and parsed labels come back with it.
#include <doctest/doctest.h>

#include "cluster/wire.h"

TEST_CASE("wire: a query piece carries categorize_labels; entries carry metadata and parsed labels") {
  cluster::WorkItem item;
  item.id = 3;
  item.is_query = true;
  item.query.query = R"({app="web"} | logfmt)";
  item.query.params.start = 1;
  item.query.params.end = 10;
  item.query.params.categorize_labels = true;
  cluster::WorkItem http_item;
  http_item.id = 4;
  http_item.http.path = "/loki/api/v1/query";
  http_item.http.headers.emplace_back("X-Loki-Response-Encoding-Flags", "categorize-labels");
  auto items = cluster::decode_work_items(cluster::encode_work_items({item, http_item}));
  REQUIRE(items.ok());
  REQUIRE(items->size() == 2);
  CHECK((*items)[0].query.params.categorize_labels);
  REQUIRE((*items)[1].http.headers.size() == 1);
  CHECK((*items)[1].http.headers[0].second == "categorize-labels");
  item.query.params.categorize_labels = false;
  items = cluster::decode_work_items(cluster::encode_work_items({item}));
  REQUIRE(items.ok());
  CHECK_FALSE((*items)[0].query.params.categorize_labels);

  cluster::WorkResult r;
  r.id = 3;
  r.is_query = true;
  r.query.result.type = logql::ResultType::Streams;
  model::Entry e{5, "level=info", model::LabelSet{{"trace_id", "t1"}}, model::LabelSet{{"level", "info"}}};
  r.query.result.streams.push_back({model::LabelSet{{"app", "web"}}, {e, model::Entry{6, "x", {}}}});
  auto poll = cluster::decode_worker_poll(cluster::encode_worker_poll({"w", {r}}));
  REQUIRE(poll.ok());
  REQUIRE(poll->results.size() == 1);
  const auto& got = poll->results[0].query.result.streams;
  REQUIRE(got.size() == 1);
  REQUIRE(got[0].entries.size() == 2);
  CHECK(got[0].entries[0] == e);
  CHECK(got[0].entries[1].parsed.empty());
}
