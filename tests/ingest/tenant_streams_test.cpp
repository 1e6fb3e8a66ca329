#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ingest/tenant_streams.h"
#include "model/labels.h"

namespace {

model::LabelSet labels_of(const std::string& app) {
  return model::LabelSet::from_unsorted({{"job", "bench"}, {"app", app}});
}

std::vector<std::pair<std::string, std::string>> job_bench() { return {{"job", "bench"}}; }

size_t selected(const ingest::TenantStreams& t) {
  return t.select(job_bench(), [](const ingest::MemStream&) { return true; }).size();
}

}  // namespace

TEST_CASE("tenant streams: remove_empty drops every empty stream, whole or one by one") {
  ingest::TenantStreams t;
  std::vector<std::shared_ptr<ingest::MemStream>> all;
  for (int i = 0; i < 50; ++i) all.push_back(*t.get_or_create(labels_of("a" + std::to_string(i)), 0));
  REQUIRE(t.size() == 50);

  SUBCASE("all of them: the maps are cleared, and new streams index as before") {
    CHECK(t.remove_empty(all) == 50);
    CHECK(t.size() == 0);
    CHECK(t.find(labels_of("a7")) == nullptr);
    CHECK(selected(t) == 0);
    auto again = t.get_or_create(labels_of("a7"), 0);
    REQUIRE(again.ok());
    CHECK(*again != all[7]);  // a new stream, not the removed one
    CHECK(t.find(labels_of("a7")) == *again);
    CHECK(selected(t) == 1);
    // Streams removed already are not counted again, so a new stream is not swept away with them.
    CHECK(t.remove_empty(all) == 0);
    CHECK(t.find(labels_of("a7")) == *again);
    CHECK(t.size() == 1);
  }

  SUBCASE("some of them: only those leave the index") {
    std::vector<std::shared_ptr<ingest::MemStream>> half(all.begin(), all.begin() + 20);
    CHECK(t.remove_empty(half) == 20);
    CHECK(t.size() == 30);
    CHECK(t.find(labels_of("a3")) == nullptr);
    CHECK(t.find(labels_of("a33")) == all[33]);
    CHECK(selected(t) == 30);
    CHECK(t.remove_empty(all) == 30);
    CHECK(t.size() == 0);
    CHECK(selected(t) == 0);
  }
}
