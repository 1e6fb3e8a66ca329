#include <doctest/doctest.h>

#include "push/decode.h"
#include "push/json_decoder.h"
#include "push/validate.h"

using model::kNanosPerDay;
using model::kNanosPerMinute;
using model::LabelSet;
using push::Limits;
using push::PushRequest;
using push::validate;

namespace {

constexpr int64_t kNow = 1700000000LL * 1000000000LL;  // 2023-11-14T22:13:20Z

PushRequest one_stream(LabelSet labels, std::vector<model::Entry> entries) {
  PushRequest r;
  r.streams.push_back({std::move(labels), std::move(entries)});
  return r;
}

}  // namespace

TEST_CASE("validate: a valid request is accepted whole") {
  auto req = one_stream({{"app", "x"}}, {{kNow, "a", {}}, {kNow, "b", {}}});
  auto rep = validate(req, Limits{}, kNow);
  CHECK(rep.all_accepted());
  CHECK(rep.status.ok());
  CHECK(rep.status.error().empty());
  CHECK(rep.accepted_entries == 2);
  CHECK(rep.accepted_bytes == 2);
  CHECK(req.streams[0].entries.size() == 2);
}

TEST_CASE("validate: too old and too new entries are dropped, the rest kept (Loki's messages)") {
  int64_t old_ts = kNow - 8 * kNanosPerDay;
  int64_t future = kNow + 11 * kNanosPerMinute;
  auto req = one_stream({{"app", "x"}}, {{old_ts, "old", {}}, {kNow, "ok", {}}, {future, "new", {}}});
  auto rep = validate(req, Limits{}, kNow);
  CHECK(rep.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(rep.status.error() ==
        "1 errors like: entry for stream '{app=\"x\"}' has timestamp too old: 2023-11-06T22:13:20Z, oldest "
        "acceptable timestamp is: 2023-11-07T22:13:20Z; 1 errors like: entry for stream '{app=\"x\"}' has "
        "timestamp too new: 2023-11-14T22:24:20Z");
  REQUIRE(req.streams.size() == 1);
  REQUIRE(req.streams[0].entries.size() == 1);
  CHECK(req.streams[0].entries[0].line == "ok");
  REQUIRE(rep.discarded.size() == 2);
  CHECK(rep.discarded[0].reason == "greater_than_max_sample_age");
  CHECK(rep.discarded[1].reason == "too_far_in_future");
  CHECK(rep.discarded[1].bytes == 3);

  Limits keep_old;
  keep_old.reject_old_samples = false;
  auto req2 = one_stream({{"app", "x"}}, {{old_ts, "old", {}}});
  CHECK(validate(req2, keep_old, kNow).all_accepted());
  // Exactly at the grace period boundary is still accepted.
  auto req3 = one_stream({{"app", "x"}}, {{kNow + 10 * kNanosPerMinute, "edge", {}}});
  CHECK(validate(req3, Limits{}, kNow).all_accepted());
}

TEST_CASE("validate: max line size rejects, or truncates when configured") {
  Limits limits;
  limits.max_line_size = 10;
  auto req = one_stream({{"app", "x"}}, {{kNow, std::string(11, 'a'), {}}, {kNow, std::string(10, 'b'), {}}});
  auto rep = validate(req, limits, kNow);
  CHECK(rep.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(rep.status.error() ==
        "Max entry size '10' bytes exceeded for stream '{app=\"x\"}' while adding an entry with length '11' bytes");
  CHECK(req.streams[0].entries.size() == 1);

  limits.max_line_size_truncate = true;
  limits.max_line_size_truncate_identifier = "...";
  auto req2 = one_stream({{"app", "x"}}, {{kNow, "0123456789ABC", {}}, {kNow, "short", {}}});
  auto rep2 = validate(req2, limits, kNow);
  CHECK(rep2.all_accepted());
  CHECK(req2.streams[0].entries[0].line == "0123456...");
  CHECK(rep2.truncated_lines == 1);
  CHECK(rep2.truncated_bytes == 6);
  // Truncation never splits a UTF-8 sequence.
  limits.max_line_size_truncate_identifier = "";
  limits.max_line_size = 4;
  auto req3 = one_stream({{"app", "x"}}, {{kNow, "ab\xe2\x98\x83", {}}});
  CHECK(validate(req3, limits, kNow).all_accepted());
  CHECK(req3.streams[0].entries[0].line == "ab");
}

TEST_CASE("validate: label limits drop the whole stream") {
  Limits limits;
  limits.max_label_names_per_series = 2;
  limits.max_label_name_length = 5;
  limits.max_label_value_length = 3;
  auto check = [&](LabelSet labels, const std::string& message, const std::string& reason) {
    PushRequest req = one_stream(labels, {{kNow, "x", {}}, {kNow, "y", {}}});
    req.streams.push_back({LabelSet{{"ok", "1"}}, {{kNow, "z", {}}}});
    auto rep = validate(req, limits, kNow);
    CHECK(rep.status.code() == util::ErrorCode::kInvalidArgument);
    CHECK(rep.status.error() == message);
    REQUIRE(rep.discarded.size() == 1);
    CHECK(rep.discarded[0].reason == reason);
    CHECK(rep.discarded[0].entries == 2);
    REQUIRE(req.streams.size() == 1);
    CHECK(req.streams[0].labels.to_string() == R"({ok="1"})");
  };
  check(LabelSet{{"a", "1"}, {"b", "2"}, {"c", "3"}},
        R"(entry for stream '{a="1", b="2", c="3"}' has 3 label names; limit 2)", "max_label_names_per_series");
  check(LabelSet{{"longname", "1"}}, R"(stream '{longname="1"}' has label name too long: 'longname')",
        "label_name_too_long");
  check(LabelSet{{"a", "long"}}, R"(stream '{a="long"}' has label value too long: 'long')", "label_value_too_long");
  check(LabelSet{}, "error at least one label pair is required per stream", "missing_labels");
  // service_name does not count towards the limit.
  auto req = one_stream({{"a", "1"}, {"b", "2"}, {"service_name", "s"}}, {{kNow, "x", {}}});
  limits.max_label_name_length = 20;
  CHECK(validate(req, limits, kNow).all_accepted());
}

TEST_CASE("validate: structured metadata limits") {
  Limits limits;
  limits.max_structured_metadata_size = 6;
  limits.max_structured_metadata_entries_count = 1;
  auto req = one_stream({{"app", "x"}}, {{kNow, "a", LabelSet{{"k", "v"}}},
                                         {kNow, "b", LabelSet{{"key", "value"}}},
                                         {kNow, "c", LabelSet{{"a", "1"}, {"b", "2"}}}});
  auto rep = validate(req, limits, kNow);
  CHECK(rep.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(rep.status.error().find("stream '{app=\"x\"}' has structured metadata too large: '8' bytes, limit: '6' bytes.") != std::string::npos);
  CHECK(rep.status.error().find("has too many structured metadata labels: '2', limit: '1'.") != std::string::npos);
  CHECK(req.streams[0].entries.size() == 1);
  limits.allow_structured_metadata = false;
  auto req2 = one_stream({{"app", "x"}}, {{kNow, "a", LabelSet{{"k", "v"}}}, {kNow, "b", {}}});
  auto rep2 = validate(req2, limits, kNow);
  CHECK(rep2.status.error().find("includes structured metadata, but this feature is disallowed") != std::string::npos);
  CHECK(req2.streams[0].entries.size() == 1);
}

TEST_CASE("validate: identical errors are grouped, invalid streams reported, empty requests 422") {
  Limits limits;
  limits.max_line_size = 1;
  auto req = one_stream({{"app", "x"}}, {{kNow, "aa", {}}, {kNow, "bb", {}}});
  auto rep = validate(req, limits, kNow);
  CHECK(rep.status.error() ==
        "2 errors like: Max entry size '1' bytes exceeded for stream '{app=\"x\"}' while adding an entry with "
        "length '2' bytes");
  CHECK(req.streams.empty());  // nothing left: the stream goes too
  CHECK(rep.accepted_entries == 0);

  auto decoded = push::decode_json(R"({"streams":[{"stream":{"a-b":"x"},"values":[["1","l"]]}]})");
  REQUIRE(decoded.ok());
  auto rep2 = validate(*decoded, Limits{}, kNow);
  CHECK(rep2.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(rep2.status.error().rfind("Error parsing labels '{a-b=\"x\"}'", 0) == 0);
  CHECK(rep2.discarded[0].reason == "invalid_labels");

  PushRequest empty;
  auto rep3 = validate(empty, Limits{}, kNow);
  CHECK(rep3.status.code() == util::ErrorCode::kUnprocessable);
  CHECK(rep3.status.error() == "error at least one valid stream is required for ingestion");
  auto only_empty_streams = push::decode_json(R"({"streams":[{"stream":{"a":"b"},"values":[]}]})");
  CHECK(validate(*only_empty_streams, Limits{}, kNow).status.ok());
}

TEST_CASE("body format and content encoding as Loki's push handler chooses them") {
  CHECK(*push::body_format("application/json") == push::BodyFormat::Json);
  CHECK(*push::body_format("Application/JSON; charset=utf-8") == push::BodyFormat::Json);
  CHECK(*push::body_format("application/x-protobuf") == push::BodyFormat::Protobuf);
  CHECK(*push::body_format("") == push::BodyFormat::Protobuf);
  CHECK(!push::body_format("text/plain").ok());
  CHECK(push::check_content_encoding("snappy").ok());
  CHECK(push::check_content_encoding("").ok());
  CHECK(push::check_content_encoding("br").error() == "Content-Encoding \"br\" not supported");
}

TEST_CASE("validate: an entry at int64's minimum is too old, dated as Go dates it") {
  auto req = one_stream({{"app", "x"}}, {{INT64_MIN, "a", {}}, {kNow, "b", {}}});
  auto rep = validate(req, Limits{}, kNow);
  CHECK(rep.status.code() == util::ErrorCode::kInvalidArgument);
  CHECK(rep.status.error().find("has timestamp too old: 1677-09-21T00:12:43Z") != std::string::npos);
}
