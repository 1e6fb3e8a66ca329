#include <doctest/doctest.h>

#include "client/batch.h"
#include "otlp/logs_request.h"
#include "push/protobuf_decoder.h"

using model::LabelSet;

namespace {

model::Entry entry(int64_t ts, std::string line, LabelSet metadata = {}) {
  return model::Entry{ts, std::move(line), std::move(metadata)};
}

}  // namespace

TEST_CASE("client batch: entry size counts the line and structured metadata, as Loki's EntryTotalSize") {
  CHECK(client::entry_size(entry(1, "hello")) == 5);
  CHECK(client::entry_size(entry(1, "hello", LabelSet{{"trace_id", "abc"}})) == 5 + 8 + 3);
}

TEST_CASE("client batch: external labels merge under the entry's labels and __tenant_id__ is removed") {
  client::StreamLabeler labeler(LabelSet{{"cluster", "eu"}, {"job", "external"}});
  LabelSet labels{{"job", "varlogs"}, {"__tenant_id__", "t1"}, {"filename", "/var/log/a.log"}};
  LabelSet want{{"cluster", "eu"}, {"filename", "/var/log/a.log"}, {"job", "varlogs"}};
  CHECK(labeler.apply(labels) == want);
  // The cached path gives the same answer for the same input.
  CHECK(labeler.apply(LabelSet{{"job", "varlogs"}, {"__tenant_id__", "t1"}, {"filename", "/var/log/a.log"}}) == want);
  CHECK(labeler.apply(LabelSet{{"app", "x"}}) == LabelSet{{"app", "x"}, {"cluster", "eu"}, {"job", "external"}});

  client::StreamLabeler none(LabelSet{});
  LabelSet plain{{"a", "1"}};
  CHECK(&none.apply(plain) == &plain);  // nothing to change: no copy
  CHECK(none.apply(LabelSet{{"a", "1"}, {"__tenant_id__", "t"}}) == LabelSet{{"a", "1"}});
}

TEST_CASE("client batch: entries group into streams by labels and encode to Loki's protobuf") {
  client::Batch batch(0, 0);
  CHECK(batch.empty());
  CHECK(batch.add(LabelSet{{"app", "a"}}, entry(1, "one"), {7, 10}));
  CHECK(batch.add(LabelSet{{"app", "b"}}, entry(2, "two", LabelSet{{"k", "v"}}), {8, 20}));
  CHECK(batch.add(LabelSet{{"app", "a"}}, entry(3, "three"), {7, 30}));
  CHECK(batch.add(LabelSet{{"app", "a"}}, entry(4, "four"), {0, 0}));  // no source: no position
  CHECK(batch.entries() == 4);
  CHECK(batch.bytes() == 3 + 3 + 2 + 5 + 4);
  CHECK(batch.bytes_after(entry(5, "12345")) == batch.bytes() + 5);
  REQUIRE(batch.positions().size() == 3);
  CHECK(batch.positions()[2] == client::SourcePosition{7, 30});

  auto decoded = push::decode_protobuf_snappy(batch.encode());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->streams.size() == 2);
  CHECK(decoded->streams[0].labels == LabelSet{{"app", "a"}});
  REQUIRE(decoded->streams[0].entries.size() == 3);
  CHECK(decoded->streams[0].entries[0] == entry(1, "one"));
  CHECK(decoded->streams[0].entries[1] == entry(3, "three"));
  CHECK(decoded->streams[0].entries[2] == entry(4, "four"));
  CHECK(decoded->streams[1].entries[0] == entry(2, "two", LabelSet{{"k", "v"}}));

  // reset() keeps nothing of what was added; streams are numbered afresh.
  batch.reset(5);
  CHECK(batch.empty());
  CHECK(batch.bytes() == 0);
  CHECK(batch.created_ns() == 5);
  CHECK(batch.positions().empty());
  CHECK(batch.add(LabelSet{{"app", "b"}}, entry(6, "six"), {8, 40}));
  CHECK(batch.add(LabelSet{{"app", "c"}}, entry(7, "seven"), {9, 10}));
  CHECK(batch.add(LabelSet{{"app", "b"}}, entry(8, "eight"), {8, 50}));
  decoded = push::decode_protobuf_snappy(batch.encode());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->streams.size() == 2);
  CHECK(decoded->streams[0].labels == LabelSet{{"app", "b"}});
  REQUIRE(decoded->streams[0].entries.size() == 2);
  CHECK(decoded->streams[0].entries[0] == entry(6, "six"));
  CHECK(decoded->streams[0].entries[1] == entry(8, "eight"));
  CHECK(decoded->streams[1].labels == LabelSet{{"app", "c"}});
  REQUIRE(decoded->streams[1].entries.size() == 1);
  CHECK(decoded->streams[1].entries[0] == entry(7, "seven"));
}

TEST_CASE("client batch: with format otlp the same batch encodes to an OTLP logs request") {
  client::Batch batch(0, 0, client::PushFormat::kOtlp);
  REQUIRE(batch.add(LabelSet{{"service_name", "a"}}, entry(1, "one"), {7, 10}));
  REQUIRE(batch.add(LabelSet{{"service_name", "a"}}, entry(2, "two", LabelSet{{"k", "v"}}), {7, 20}));
  auto decoded = otlp::parse_logs_request(otlp::Encoding::kProtobuf, batch.encode(), {}, 0);
  REQUIRE_MESSAGE(decoded.ok(), decoded.error());
  REQUIRE(decoded->streams.size() == 1);
  CHECK(decoded->streams[0].labels == LabelSet{{"service_name", "a"}});
  REQUIRE(decoded->streams[0].entries.size() == 2);
  CHECK(decoded->streams[0].entries[1] == entry(2, "two", LabelSet{{"k", "v"}}));
  CHECK_FALSE(push::decode_protobuf_snappy(batch.encode()).ok());  // not Loki's body
}

TEST_CASE("client batch: max_streams refuses a new stream but not entries of existing ones") {
  client::Batch batch(0, 1);
  CHECK(batch.add(LabelSet{{"app", "a"}}, entry(1, "x"), {}));
  model::Entry e = entry(2, "y");
  CHECK_FALSE(batch.add(LabelSet{{"app", "b"}}, std::move(e), {}));
  CHECK(e.line == "y");  // untouched on refusal
  CHECK(batch.add(LabelSet{{"app", "a"}}, entry(3, "z"), {}));
  CHECK(batch.entries() == 2);
}
