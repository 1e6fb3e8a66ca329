#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pattern/line_tokenizer.h"

namespace {

using pattern::LineFormat;
using pattern::LineTokenizer;
using pattern::Tokens;

std::vector<std::string> tokens_of(LineTokenizer& t, std::string_view line) {
  Tokens out;
  REQUIRE(t.tokenize(line, out));
  return {out.tokens.begin(), out.tokens.end()};
}

// Tokenizes and joins back without any `<_>`: the line itself (the tokenizer loses nothing).
std::string round_trip(LineTokenizer& t, std::string_view line) {
  Tokens out;
  REQUIRE(t.tokenize(line, out));
  return t.join({out.tokens.begin(), out.tokens.end()}, out.spaces_after);
}

}  // namespace

TEST_CASE("pattern format detection follows Loki's guess from the first line") {
  CHECK(pattern::detect_format(R"({"msg":"hello"})") == LineFormat::kJson);
  CHECK(pattern::detect_format("level=info msg=started component=api") == LineFormat::kLogfmt);
  CHECK(pattern::detect_format("GET /index.html 200 12ms from 10.0.0.1 user agent curl") == LineFormat::kPlain);
  CHECK(pattern::detect_format(R"(level=info msg="two words" n=1)") == LineFormat::kLogfmt);
  CHECK(pattern::detect_format("level=info and then some words") == LineFormat::kPlain);
  CHECK(pattern::detect_format("") == LineFormat::kPlain);
}

TEST_CASE("plain tokenizer splits at spaces, = and punctuation, keeping _ - . : / inside tokens") {
  LineTokenizer t(LineFormat::kPlain, 3000);
  CHECK(tokens_of(t, "GET /api/v1/push 200 (12.5ms) user=bob_smith") ==
        std::vector<std::string>{"GET", "/api/v1/push", "200", "(", "12.5ms", ")", "user", "=", "bob_smith"});
  CHECK(round_trip(t, "GET /api/v1/push 200 (12.5ms) user=bob_smith") == "GET /api/v1/push 200 (12.5ms) user=bob_smith");
  // Go's IsPunct excludes symbols: `$+<>|` stay inside tokens.
  CHECK(tokens_of(t, "a+b $5 x|y") == std::vector<std::string>{"a+b", "$5", "x|y"});
  // A non-ASCII punctuation character is one whole token.
  CHECK(tokens_of(t, "done\xE2\x80\xA6 ok") == std::vector<std::string>{"done", "\xE2\x80\xA6", "ok"});
}

TEST_CASE("plain tokenizer refuses lines past the length limit and caps the token count") {
  LineTokenizer t(LineFormat::kPlain, 10);
  Tokens out;
  CHECK_FALSE(t.tokenize("this line is longer than ten", out));
  LineTokenizer wide(LineFormat::kPlain, 3000);
  std::string line;
  for (int i = 0; i < 200; ++i) line += "w ";
  REQUIRE(wide.tokenize(line, out));
  CHECK(out.tokens.size() == 128);  // 127 tokens, then the rest of the line as one
}

TEST_CASE("logfmt tokenizer pairs keys with values and hides time and trace fields") {
  LineTokenizer t(LineFormat::kLogfmt, 3000);
  CHECK(tokens_of(t, R"(ts=2024-01-01T00:00:00Z level=info msg="took 5ms" traceID=abc)") ==
        std::vector<std::string>{"ts", "<_>", "level", "info", "msg", "took 5ms", "traceID", "<_>"});
  std::vector<std::string> cluster = {"ts", "<_>", "level", "info", "msg", "took 5ms", "dur", "<_>"};
  CHECK(t.join(cluster, {}) == R"(ts=<_> level=info msg="took 5ms" dur=<_>)");
  Tokens out;
  CHECK_FALSE(t.tokenize(R"(level=info msg="unterminated)", out));
}

TEST_CASE("JSON tokenizer reads the message field and wraps the pattern in placeholders") {
  LineTokenizer t(LineFormat::kJson, 3000);
  CHECK(tokens_of(t, R"({"level":"info","msg":"user 42 logged in","other":1})") ==
        std::vector<std::string>{"user", "42", "logged", "in"});
  // `log` is preferred over `msg` wherever it stands.
  CHECK(tokens_of(t, R"({"msg":"second","log":"first one"})") == std::vector<std::string>{"first", "one"});
  CHECK(round_trip(t, R"({"msg":"user 42 logged in"})") == "<_>user 42 logged in<_>");
  Tokens out;
  CHECK_FALSE(t.tokenize(R"({"level":"info","count":3})", out));  // no message field
  CHECK_FALSE(t.tokenize(R"({"msg": 5})", out));                   // not a string
}

TEST_CASE("runs of placeholders collapse to one") {
  CHECK(pattern::collapse_placeholders("a <_><_><_> b<_><_>") == "a <_> b<_>");
  CHECK(pattern::collapse_placeholders("<_> <_>") == "<_> <_>");
}
