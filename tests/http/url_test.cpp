#include <doctest/doctest.h>

#include "http/body_decoder.h"
#include "http/url.h"

TEST_CASE("url: percent-decoding and query strings") {
  CHECK(*http::percent_decode("a%20b+c", true) == "a b c");
  CHECK(*http::percent_decode("a%20b+c", false) == "a b+c");
  CHECK(*http::percent_decode("%7Bapp%3D%22x%22%7D", true) == "{app=\"x\"}");
  CHECK(!http::percent_decode("%G1", true).ok());
  CHECK(!http::percent_decode("abc%", true).ok());
  CHECK(!http::percent_decode("abc%4", true).ok());

  auto q = http::parse_query("query=%7Bapp%3D%22x%22%7D&match[]=a&&match[]=b&flag&limit=10");
  REQUIRE(q.ok());
  CHECK(q->count("match[]") == 2);
  CHECK(q->find("query")->second == "{app=\"x\"}");
  CHECK(q->find("flag")->second.empty());
  CHECK(q->find("limit")->second == "10");
  CHECK(!http::parse_query("a=%zz").ok());
}

TEST_CASE("url: form bodies merge into the parameters") {
  http::Request req;
  req.headers.add("content-type", "application/x-www-form-urlencoded; charset=utf-8");
  req.body = "match%5B%5D=%7Ba%3D%22b%22%7D&start=1";
  http::Params params{{"end", "2"}};
  REQUIRE(http::merge_form_body(req, params).ok());
  CHECK(params.size() == 3);
  CHECK(params.find("match[]")->second == "{a=\"b\"}");
  req.headers.set("Content-Type", "application/json");
  http::Params untouched;
  REQUIRE(http::merge_form_body(req, untouched).ok());
  CHECK(untouched.empty());
}

TEST_CASE("headers are case-insensitive") {
  http::Headers h;
  h.add("X-Scope-OrgID", "t1");
  h.add("accept", "a");
  h.add("Accept", "b");
  CHECK(h.get("x-scope-orgid") == "t1");
  CHECK(h.get_all("ACCEPT").size() == 2);
  h.set("accept", "c");
  CHECK(h.get_all("Accept").size() == 1);
  CHECK(!h.get("missing").has_value());
}

TEST_CASE("body decoder: corrupt input and the decoded-size bound") {
  auto r = http::decode_content("gzip", "definitely not gzip", 1000);
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == util::ErrorCode::kInvalidArgument);
  CHECK(r.error().find("invalid gzip body") == 0);
  CHECK(http::decode_content("deflate", "", 1000).code() == util::ErrorCode::kInvalidArgument);
  CHECK(http::decode_content("gzip", "", 1000).code() == util::ErrorCode::kInvalidArgument);
  CHECK(http::is_decodable_encoding("GZIP"));
  CHECK(!http::is_decodable_encoding("br"));
}
