#include <doctest/doctest.h>

#include "push/decode.h"
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
      {"{\"streams\":[{\"values\":[[\"1\",\"x\"]\xff]}]}", "malformed JSON push request: parse error"},
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
  auto d = decode_json(deep);
  REQUIRE_FALSE(d.ok());
  CHECK(d.error() == "malformed JSON push request: parse error: nested deeper than 1024 levels");
  std::string body = R"({"streams":[{"stream":{"a":"b"},"values":[["1","line one"],["2","line two",{"k":"v"}]]}]})";
  for (size_t n = 0; n < body.size(); ++n) {
    auto r = decode_json(std::string_view(body).substr(0, n));
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("push json: \\u escapes, surrogate pairs and what the old wording kept") {
  auto r = decode_json(R"({"streams":[{"stream":{"k":"\u0041\u00e9\u20ac"},
    "values":[["1","\ud83d\ude00 \uD83D\uDE00 \u0000 \/ \\ \b\f\r"]]}]})");
  REQUIRE(r.ok());
  CHECK(r->streams[0].labels.get("k") == "A\xc3\xa9\xe2\x82\xac");
  const char want[] = "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80 \0 / \\ \b\f\r";
  CHECK(r->streams[0].entries[0].line == std::string(want, sizeof want - 1));
  // Unpaired surrogates, bad escapes and raw control characters are parse errors wherever they
  // are, even in a skipped key. (Invalid UTF-8 is not: it reads as U+FFFD, see below.)
  const char* bad[] = {
      R"({"streams":[{"values":[["1","\ud83d"]]}]})",
      R"({"streams":[{"values":[["1","\ude00"]]}]})",
      R"({"streams":[{"values":[["1","\ud83d\u0041"]]}]})",
      R"({"streams":[{"values":[["1","\x41"]]}]})",
      R"({"streams":[{"values":[["1","\u12"]]}]})",
      "{\"streams\":[{\"values\":[[\"1\",\"a\tb\"]]}]}",
      R"({"skipped":[tru],"streams":[]})",
      R"({"skipped":[1,],"streams":[]})",
      R"({"skipped":01,"streams":[]})",
      R"({"skipped":1e400,"streams":[]})",
  };
  for (const char* body : bad) {
    std::string shown = body;
    CAPTURE(shown);
    auto b = decode_json(body);
    REQUIRE_FALSE(b.ok());
    CHECK(b.error().rfind("malformed JSON push request: parse error", 0) == 0);
  }
}

TEST_CASE("push json: every misplaced kind is named") {
  struct Case {
    const char* body;
    const char* error;  // after "malformed JSON push request: "
  };
  Case cases[] = {
      {R"("x")", "the body must be a JSON object, got a string"},
      {R"(null)", "the body must be a JSON object, got null"},
      {R"({"streams":true})", "\"streams\" must be an array, got a boolean"},
      {R"({"streams":[null]})", "each stream must be an object, got null"},
      {R"({"streams":[{"stream":[]}]})", "\"stream\" must be an object of labels, got an array"},
      {R"({"streams":[{"stream":{"a":{}}}]})", "unexpected an object"},
      {R"({"streams":[{"stream":{"a":null}}]})", "label and structured metadata values must be strings, got null for \"a\""},
      {R"({"streams":[{"values":{}}]})", "\"values\" must be an array, got an object"},
      {R"({"streams":[{"values":["1"]}]})", "each value must be an array, got a string"},
      {R"({"streams":[{"values":[[]]}]})", "each value must be an array of a timestamp, a line"},
      {R"({"streams":[{"values":[[["1"],"x"]]}]})", "unexpected an array"},
      {R"({"streams":[{"values":[["1",{}]]}]})", "unexpected an object"},
      {R"({"streams":[{"values":[["1",null]]}]})", "log lines must be strings, got null"},
      {R"({"streams":[{"values":[["1","x",null]]}]})", "structured metadata must be an object, got null"},
      {R"({"streams":[{"values":[["1","x",{"k":["v"]}]]}]})", "unexpected an array"},
      {R"({"streams":[{"values":[["1","x",{"k":1.5}]]}]})", "label and structured metadata values must be strings, got a number for \"k\""},
      {R"({"streams":[{"values":[["1","x",{},null]]}]})", "a value has more than 3 elements"},
      {R"({"streams":[{"values":[[""," "]]}]})", "invalid entry timestamp \"\": expected Unix epoch nanoseconds"},
      {R"({"streams":[{"values":[["+1","x"]]}]})", "invalid entry timestamp \"+1\""},
      // The first offending element in document order is the one reported.
      {R"({"streams":[{"values":[["1",2]]},{"stream":"a"}]})", "log lines must be strings, got a number"},
  };
  for (const auto& c : cases) {
    std::string shown = c.body;
    CAPTURE(shown);
    auto r = decode_json(c.body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().substr(0, 29 + std::string(c.error).size()) == std::string("malformed JSON push request: ") + c.error);
  }
}

TEST_CASE("push json: repeated keys, negative timestamps, a byte order mark and big integers") {
  auto r = decode_json("\xEF\xBB\xBF" R"({"streams":[{"stream":{"a":"1"},"values":[["-5","x"]],"stream":{"b":"2"},
    "values":[["7","y",{"m":"1"}]],"big":[12345678901234567890123,-99999999999999999999,1.5e300]}],
    "streams":[{"stream":{"c":"3"},"values":[["8","z"]]}],"n":18446744073709551616})");
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 2);
  CHECK(r->streams[0].labels.to_string() == R"({a="1", b="2"})");
  REQUIRE(r->streams[0].entries.size() == 2);
  CHECK(r->streams[0].entries[0].timestamp == -5);
  CHECK(r->streams[0].entries[1].metadata.to_string() == R"({m="1"})");
  CHECK(r->streams[1].labels.to_string() == R"({c="3"})");
  // A big integer where a string belongs is still named a number; digits inside strings and
  // after an exponent are left alone.
  auto ts = decode_json(R"({"streams":[{"values":[[123456789012345678901234,"x"]]}]})");
  REQUIRE_FALSE(ts.ok());
  CHECK(ts.error().find("entry timestamps must be strings of Unix epoch nanoseconds, got a number") != std::string::npos);
  CHECK_FALSE(decode_json(R"({"x":[1e599999999999999999999],"streams":[]})").ok());
  CHECK_FALSE(decode_json(R"({"x":[123-45678901234567890123],"streams":[]})").ok());
  CHECK_FALSE(decode_json(R"({"x":[0012345678901234567890123],"streams":[]})").ok());
  CHECK(decode_json(R"({"x":"123-45678901234567890123","streams":[]})").ok());
}

TEST_CASE("push json: large bodies, reused across calls on one thread") {
  // 3 streams of 20,000 entries with lines of about 1 KiB: beyond the 16 MiB a thread's parser
  // keeps, so the next (small) body is parsed after its buffers were given back.
  std::string line(1000, 'x');
  line += R"(\"quoted\" \u00e9)";
  std::string body = R"({"streams":[)";
  for (int s = 0; s < 3; ++s) {
    body += std::string(s ? "," : "") + R"({"stream":{"s":")" + std::to_string(s) + R"("},"values":[)";
    for (int i = 0; i < 20000; ++i) body += std::string(i ? "," : "") + "[\"" + std::to_string(i) + "\",\"" + line + "\"]";
    body += "]}";
  }
  body += "]}";
  REQUIRE(body.size() > (16u << 20));
  for (int round = 0; round < 2; ++round) {
    auto r = decode_json(body);
    REQUIRE(r.ok());
    REQUIRE(r->streams.size() == 3);
    CHECK(r->streams[2].entries.size() == 20000);
    CHECK(r->streams[2].entries[19999].timestamp == 19999);
    CHECK(r->streams[1].entries[5].line == std::string(1000, 'x') + "\"quoted\" \xc3\xa9");
    auto small = decode_json(R"({"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]})");
    REQUIRE(small.ok());
    CHECK(small->streams[0].entries[0].line == "x");
  }
  // Nesting inside a skipped key, within the parser's depth, next to a big integer.
  std::string deep = R"({"x":)" + std::string(500, '[') + "12345678901234567890123" + std::string(500, ']') +
                     R"(,"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]})";
  auto d = decode_json(deep);
  REQUIRE(d.ok());
  CHECK(d->streams.size() == 1);
  CHECK_FALSE(decode_json(R"({"x":)" + std::string(500, '[') + std::string(499, ']') + "}").ok());
}

TEST_CASE("push json: bodies past the decoded-size bound are refused before parsing (413 in logd)") {
  std::string body = R"({"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]})";
  auto r = push::decode_body(push::BodyFormat::Json, body, push::DecodeOptions{16});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "request body too large: " + std::to_string(body.size()) + " bytes, limit: 16 bytes");
  CHECK(push::decode_body(push::BodyFormat::Json, body, push::DecodeOptions{body.size()}).ok());
}

TEST_CASE("push json: invalid UTF-8 in strings reads as U+FFFD per byte, as Go's decoder reads it") {
  // One bad line used to make simdjson refuse the whole push, valid streams included.
  std::string body = "{\"streams\":[{\"stream\":{\"app\":\"a\"},\"values\":[[\"1\",\"bad \xff\xfe end\"],[\"2\",\"good\"]]},"
                     "{\"stream\":{\"app\":\"b\"},\"values\":[[\"3\",\"fine\"]]}]}";
  auto r = decode_json(body);
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 2);
  CHECK(r->streams[0].entries[0].line == "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
  CHECK(r->streams[0].entries[1].line == "good");
  CHECK(r->streams[1].entries[0].line == "fine");
  std::string raw_label = "{\"streams\":[{\"stream\":{\"app\":\"b\xc3\"},\"values\":[[\"3\",\"fine\"]]}]}";
  auto l = decode_json(raw_label);
  REQUIRE(l.ok());
  CHECK(l->streams[0].labels.get("app").value_or("") == "b\xEF\xBF\xBD");
  // A truncated sequence at the very end of a string, and a valid multi-byte one beside it.
  auto t = decode_json("{\"streams\":[{\"stream\":{\"app\":\"a\"},\"values\":[[\"1\",\"\xc3\xa9\xe2\x82\"]]}]}");
  REQUIRE(t.ok());
  CHECK(t->streams[0].entries[0].line == "\xc3\xa9\xEF\xBF\xBD\xEF\xBF\xBD");
  // An encoded surrogate is not UTF-8 either: three replacement characters.
  auto s = decode_json("{\"skipped\":\"\xed\xa0\x80\",\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"x\"]]}]}");
  CHECK(s.ok());
}
