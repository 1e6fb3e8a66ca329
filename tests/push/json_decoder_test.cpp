#include <doctest/doctest.h>

#include "push/json_decoder.h"

using push::decode_json;

TEST_CASE("push json: streams, values and the 3-element structured metadata form") {
  auto r = decode_json(R"({"streams":[
    {"stream":{"job":"app","env":"prod"},
     "values":[["1700000000000000001","first"],
               ["1700000000000000002","second",{"trace_id":"abc","user":"u1"}],
               ["1700000000000000002","second"]]},
    {"stream":{"job":"db"},"values":[["5","x"]]}]})");
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 2);
  const auto& s = r->streams[0];
  CHECK(s.labels.to_string() == R"({env="prod", job="app"})");
  REQUIRE(s.entries.size() == 3);  // same timestamp twice: both kept
  CHECK(s.entries[0].timestamp == 1700000000000000001);
  CHECK(s.entries[0].line == "first");
  CHECK(s.entries[0].metadata.empty());
  CHECK(s.entries[1].metadata.to_string() == R"({trace_id="abc", user="u1"})");
  CHECK(s.entries[2].line == "second");
  CHECK(r->streams[1].entries[0].timestamp == 5);
  CHECK(r->invalid_streams.empty());
}

TEST_CASE("push json: unknown keys, null containers, escapes and unicode") {
  auto r = decode_json(R"({"extra":{"a":[1,{"b":[]}]},"streams":[
    {"ignored":[[["deep"]]],"stream":{"a":"\u00e9\n"},"values":[["1","tab\there \"q\" \u2603"]]},
    {"stream":null,"values":null}]})");
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 1);
  CHECK(r->streams[0].labels.get("a") == "\xc3\xa9\n");
  CHECK(r->streams[0].entries[0].line == "tab\there \"q\" \xe2\x98\x83");
  CHECK(r->empty_streams == 1);
  CHECK(decode_json(R"({"streams":null})").ok());
  CHECK(decode_json(R"({})")->streams.empty());
}

TEST_CASE("push json: invalid labels drop only their stream, with Loki's message") {
  auto r = decode_json(R"({"streams":[
    {"stream":{"bad-name":"x"},"values":[["1","abc"],["2","de"]]},
    {"stream":{"ok":"y"},"values":[["1","fine"]]}]})");
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 1);
  REQUIRE(r->invalid_streams.size() == 1);
  CHECK(r->invalid_streams[0].message ==
        R"(Error parsing labels '{bad-name="x"}' with error: invalid label name "bad-name")");
  CHECK(r->invalid_streams[0].entries == 2);
  CHECK(r->invalid_streams[0].bytes == 5);
}

TEST_CASE("push json: malformed bodies are clear errors") {
  struct Case {
    const char* body;
    const char* expect;
  };
  Case cases[] = {
      {"", "malformed JSON push request: parse error"},
      {"{\"streams\":[", "malformed JSON push request: parse error"},
      {"[]", "the body must be a JSON object"},
      {R"({"streams":{}})", "\"streams\" must be an array"},
      {R"({"streams":[1]})", "each stream must be an object"},
      {R"({"streams":[{"stream":"a"}]})", "\"stream\" must be an object of labels"},
      {R"({"streams":[{"stream":{"a":1}}]})", "values must be strings"},
      {R"({"streams":[{"values":[["1"]]}]})", "each value must be an array of a timestamp, a line"},
      {R"({"streams":[{"values":[[1,"x"]]}]})", "entry timestamps must be strings"},
      {R"({"streams":[{"values":[["12x","x"]]}]})", "invalid entry timestamp \"12x\""},
      {R"({"streams":[{"values":[["99999999999999999999","x"]]}]})", "invalid entry timestamp"},
      {R"({"streams":[{"values":[["1",2]]}]})", "log lines must be strings"},
      {R"({"streams":[{"values":[["1","x",{},4]]}]})", "more than 3 elements"},
      {R"({"streams":[{"values":[["1","x","m"]]}]})", "structured metadata must be an object"},
      {R"({"streams":[{"values":[["1","x",{"k":false}]]}]})", "values must be strings"},
      {"{\"streams\":[{\"values\":[[\"1\",\"\xff\"]]}]}", "malformed JSON push request: parse error"},
      {R"({"streams":[]} x)", "malformed JSON push request: parse error"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    auto r = decode_json(c.body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find(c.expect) != std::string::npos);
  }
}

TEST_CASE("push json: deep nesting and truncation never crash") {
  std::string deep = R"({"x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(decode_json(deep).ok());
  std::string body = R"({"streams":[{"stream":{"a":"b"},"values":[["1","line one"],["2","line two",{"k":"v"}]]}]})";
  for (size_t n = 0; n < body.size(); ++n) {
    auto r = decode_json(std::string_view(body).substr(0, n));
    CHECK_FALSE(r.ok());
  }
}
