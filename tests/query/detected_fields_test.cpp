#include <doctest/doctest.h>

#include "query/detected_fields.h"
#include "query/detected_labels.h"

namespace {

using query::FieldType;

std::string summarize(const query::DetectedField& f) {
  std::string parsers;
  for (const auto& p : f.parsers) parsers += (parsers.empty() ? "" : ",") + p;
  return f.label + ":" + std::string(query::field_type_name(f.type)) + ":" + std::to_string(f.cardinality) + ":" +
         (parsers.empty() ? "-" : parsers);
}

std::vector<std::string> summarize(const std::vector<query::DetectedField>& fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(summarize(f));
  return out;
}

model::Entry entry(std::string line, model::LabelSet metadata = {}) {
  return model::Entry{1, std::move(line), std::move(metadata)};
}

}  // namespace

TEST_CASE("detected fields: type inference follows Loki's order of Go parsers") {
  CHECK(query::detect_field_type("42") == FieldType::kInt);
  CHECK(query::detect_field_type("-7") == FieldType::kInt);
  CHECK(query::detect_field_type("+7") == FieldType::kInt);
  CHECK(query::detect_field_type("0") == FieldType::kInt);  // before ParseBool's "0"
  CHECK(query::detect_field_type("99999999999999999999") == FieldType::kFloat);  // past int64
  CHECK(query::detect_field_type("1.5") == FieldType::kFloat);
  CHECK(query::detect_field_type("1e3") == FieldType::kFloat);
  CHECK(query::detect_field_type("NaN") == FieldType::kFloat);
  CHECK(query::detect_field_type("true") == FieldType::kBoolean);
  CHECK(query::detect_field_type("F") == FieldType::kBoolean);
  CHECK(query::detect_field_type("250ms") == FieldType::kDuration);
  CHECK(query::detect_field_type("1h30m") == FieldType::kDuration);
  CHECK(query::detect_field_type("-1.5s") == FieldType::kDuration);
  CHECK(query::detect_field_type("10MB") == FieldType::kBytes);
  CHECK(query::detect_field_type("1.5 GiB") == FieldType::kBytes);
  CHECK(query::detect_field_type("512kb") == FieldType::kBytes);
  CHECK(query::detect_field_type("5 weeks") == FieldType::kString);
  CHECK(query::detect_field_type(" 10MB") == FieldType::kString);  // humanize reads from the first char
  CHECK(query::detect_field_type("") == FieldType::kString);
  CHECK(query::detect_field_type("GET") == FieldType::kString);
  CHECK(query::detect_field_type("m") == FieldType::kString);
}

TEST_CASE("detected fields: mixed values get the common type") {
  CHECK(query::merge_field_types(FieldType::kInt, FieldType::kInt) == FieldType::kInt);
  CHECK(query::merge_field_types(FieldType::kInt, FieldType::kFloat) == FieldType::kFloat);
  CHECK(query::merge_field_types(FieldType::kFloat, FieldType::kInt) == FieldType::kFloat);
  CHECK(query::merge_field_types(FieldType::kInt, FieldType::kBoolean) == FieldType::kString);
  CHECK(query::merge_field_types(FieldType::kDuration, FieldType::kString) == FieldType::kString);
}

TEST_CASE("detected fields: logfmt and json lines, structured metadata, cardinality, parsers") {
  query::FieldDetector d(100);
  model::LabelSet stream{{"app", "api"}, {"level", "info"}};
  d.add(stream, entry("level=error status=500 took=250ms size=10MB msg=\"boom\""));
  d.add(stream, entry("level=info status=200 took=1.5s size=2kB msg=ok", {{"trace_id", "abc"}}));
  d.add(stream, entry(R"({"status": 404, "user": {"id": 7}, "ratio": 0.5, "ok": true})", {{"trace_id", "def"}}));
  d.add(stream, entry("plain text without pairs"));
  CHECK(summarize(d.fields()) == std::vector<std::string>{
                                     "level_extracted:string:2:logfmt",  // `level` is a stream label
                                     "msg:string:2:logfmt",
                                     "ok:boolean:1:json",
                                     "ratio:float:1:json",
                                     "size:bytes:2:logfmt",
                                     "status:int:3:logfmt,json",
                                     "took:duration:2:logfmt",
                                     "trace_id:string:2:-",
                                     "user_id:int:1:json",
                                 });
  CHECK(d.values("status", 10) == std::vector<std::string>{"200", "404", "500"});
  CHECK(d.values("status", 2) == std::vector<std::string>{"200", "404"});
  CHECK(d.values("missing", 10).empty());
}

TEST_CASE("detected fields: the field limit keeps the first fields found") {
  query::FieldDetector d(2);
  d.add(model::LabelSet{{"app", "x"}}, entry("a=1 b=2 c=3"));
  d.add(model::LabelSet{{"app", "x"}}, entry("c=4 a=5"));
  auto fields = d.fields();
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].label == "a");
  CHECK(fields[0].cardinality == 2);
  CHECK(fields[1].label == "b");
}

TEST_CASE("detected fields: cardinality is exact up to its bound") {
  query::FieldDetector d(10);
  model::LabelSet stream{{"app", "x"}};
  for (size_t i = 0; i < query::FieldDetector::kMaxDistinctValues + 5; ++i) d.add(stream, entry("id=" + std::to_string(i)));
  d.add(stream, entry("id=0"));
  CHECK(d.fields()[0].cardinality == query::FieldDetector::kMaxDistinctValues);
}

TEST_CASE("detected labels: cardinality per label, ID-only labels left out but Loki's static ones") {
  std::vector<model::LabelSet> series = {
      {{"app", "api"}, {"pod", "1"}, {"req", "7"}, {"uid", "123e4567-e89b-12d3-a456-426614174000"}},
      {{"app", "web"}, {"pod", "2"}, {"req", "8"}, {"uid", "x"}},
      {{"app", "api"}, {"pod", "3"}, {"req", "9.5"}},
  };
  std::vector<std::string> got;
  for (const auto& l : query::detect_labels(series)) got.push_back(l.label + "=" + std::to_string(l.cardinality));
  // req holds numbers only; pod too, but pod is one of Loki's static labels; uid has a non-ID.
  CHECK(got == std::vector<std::string>{"app=2", "pod=3", "uid=2"});
  CHECK(query::is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  CHECK(query::is_uuid("{123e4567-e89b-12d3-a456-426614174000}"));
  CHECK(query::is_uuid("urn:uuid:123e4567-e89b-12d3-a456-426614174000"));
  CHECK(query::is_uuid("123e4567e89b12d3a456426614174000"));
  CHECK_FALSE(query::is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  CHECK_FALSE(query::is_uuid("123e4567+e89b-12d3-a456-426614174000"));
}
