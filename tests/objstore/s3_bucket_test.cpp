// S3Bucket's operations against a scripted server: ranges (and s3rver's range bugs), listing
// pages, batch deletes.
#include <doctest/doctest.h>

#include "objstore/s3_bucket.h"
#include "objstore/s3_xml.h"
#include "s3_test_servers.h"

using namespace objstore_test;
using util::ErrorCode;

namespace {

std::unique_ptr<objstore::S3Bucket> make_bucket(objstore::S3Config c, util::Clock& clock) {
  auto b = objstore::S3Bucket::create(std::move(c), clock);
  REQUIRE_MESSAGE(b.ok(), b.error());
  return std::move(*b);
}

http::Response partial(const std::string& body, const std::string& content_range) {
  http::Response r = http::Response::text(206, body);
  r.headers.set("Content-Range", content_range);
  return r;
}

}  // namespace

TEST_CASE("s3 bucket: ranges are asked as bytes=a-b, never bytes=0-0, and the answer is checked") {
  ScriptedS3 server;
  util::FakeClock clock;
  auto bucket = make_bucket(server.config(), clock);

  server.script({answer_with(partial("01", "bytes 0-1/20"))});
  CHECK(bucket->get_range("k", 0, 1).value() == "0");
  CHECK(server.requests().back().headers.get_or("Range", "") == "bytes=0-1");

  server.script({answer_with(partial("567", "bytes 5-7/20"))});
  CHECK(bucket->get_range("k", 5, 3).value() == "567");
  CHECK(server.requests().back().headers.get_or("Range", "") == "bytes=5-7");

  // Past the end: what there is.
  server.script({answer_with(partial("hij", "bytes 17-19/20"))});
  CHECK(bucket->get_range("k", 17, 10).value() == "hij");

  // A server that ignored the range sent the whole object: cut here.
  server.script({answer_with(http::Response::text(200, "0123456789"))});
  CHECK(bucket->get_range("k", 2, 3).value() == "234");

  // An answer for other bytes than asked, or fewer bytes than it says: kCorruption.
  server.script({answer_with(partial("0123", "bytes 0-3/20"))});
  auto wrong = bucket->get_range("k", 4, 4);
  CHECK(wrong.code() == ErrorCode::kCorruption);
  CHECK(wrong.error().find("does not match the range") != std::string::npos);
  server.script({answer_with(partial("45", "bytes 4-7/20"))});
  CHECK(bucket->get_range("k", 4, 4).code() == ErrorCode::kCorruption);
  server.script({answer_with(partial("4567", "nonsense"))});
  CHECK(bucket->get_range("k", 4, 4).code() == ErrorCode::kCorruption);

  // s3rver's answer to any range of an empty object: 206 "bytes 0-0/0" announcing a byte it
  // never sends. Empty, not truncated, and not retried.
  RawServer quirk({RawServer::reply("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-0/0\r\nContent-Length: "
                                    "1\r\nConnection: close\r\n\r\n")});
  auto quirk_config = server.config();
  quirk_config.endpoint = "http://127.0.0.1:" + std::to_string(quirk.port());
  auto quirky = make_bucket(quirk_config, clock);
  auto empty = quirky->get_range("empty", 0, 5);
  REQUIRE_MESSAGE(empty.ok(), empty.error());
  CHECK(empty->empty());
  CHECK(quirk.connections() == 1);

  // 416 at or past the end: the object's size decides between "" and kInvalidArgument.
  http::Response head = http::Response::text(200, "");
  head.headers.set("Last-Modified", "Mon, 12 Oct 2009 17:50:30 GMT");
  server.script({answer_with(s3_error(416, "InvalidRange")), answer_with(head)});
  CHECK(bucket->get_range("empty", 0, 5).value().empty());
  CHECK(server.requests().back().method == "HEAD");
  server.script({answer_with(s3_error(416, "InvalidRange")), answer_with(head)});
  CHECK(bucket->get_range("empty", 1, 5).code() == ErrorCode::kInvalidArgument);
  CHECK(bucket->metrics().retries == 0);
}

TEST_CASE("s3 bucket: listing follows continuation tokens and merges common prefixes in key order") {
  ScriptedS3 server;
  util::FakeClock clock;
  auto config = server.config();
  config.list_page_size = 2;
  auto bucket = make_bucket(config, clock);
  server.script({
      answer_with(http::Response::text(200, R"(<ListBucketResult><IsTruncated>true</IsTruncated>
        <Contents><Key>a</Key><Size>1</Size><LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>
        <CommonPrefixes><Prefix>b/</Prefix></CommonPrefixes>
        <NextContinuationToken>tok+en/1==</NextContinuationToken></ListBucketResult>)")),
      answer_with(http::Response::text(200, R"(<ListBucketResult><IsTruncated>false</IsTruncated>
        <Contents><Key>c</Key><Size>3</Size></Contents><CommonPrefixes><Prefix>b/</Prefix></CommonPrefixes>
        <CommonPrefixes><Prefix>d/</Prefix></CommonPrefixes></ListBucketResult>)")),
  });
  std::vector<std::string> seen;
  REQUIRE(bucket->list({"", "/", ""}, [&](const objstore::ListEntry& e) {
                  seen.push_back(e.is_prefix ? e.key + "*" : e.key + ":" + std::to_string(e.size));
                  return true;
                }).ok());
  CHECK(seen == std::vector<std::string>{"a:1", "b/*", "c:3", "d/*"});
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].target == "/test-bucket?delimiter=%2F&list-type=2&max-keys=2");
  CHECK(reqs[1].target == "/test-bucket?continuation-token=tok%2Ben%2F1%3D%3D&delimiter=%2F&list-type=2&max-keys=2");

  // A callback that stops early ends the listing without another page.
  server.script({answer_with(http::Response::text(200, R"(<ListBucketResult><IsTruncated>true</IsTruncated>
        <Contents><Key>a</Key><Size>1</Size></Contents><Contents><Key>b</Key><Size>1</Size></Contents>
        <NextContinuationToken>t</NextContinuationToken></ListBucketResult>)"))});
  int calls = 0;
  REQUIRE(bucket->list({}, [&](const objstore::ListEntry&) { return ++calls < 1; }).ok());
  CHECK(calls == 1);
  CHECK(server.request_count() == 3);

  // A malformed page is an error, not an empty listing.
  server.script({answer_with(http::Response::text(200, "<ListBucketResult><Contents>"))});
  auto bad = bucket->list({}, [](const objstore::ListEntry&) { return true; });
  CHECK(bad.code() == ErrorCode::kCorruption);
}

TEST_CASE("s3 bucket: DeleteObjects in batches with Content-MD5, per-key errors reported") {
  ScriptedS3 server;
  util::FakeClock clock;
  auto config = server.config();
  config.delete_batch_size = 3;
  auto bucket = make_bucket(config, clock);
  server.fallback(answer_with(http::Response::text(200, "<DeleteResult></DeleteResult>")));
  server.script({answer_with(http::Response::text(200, "<DeleteResult></DeleteResult>")),
                 answer_with(http::Response::text(200, R"(<DeleteResult>
                   <Error><Key>k4</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
                   <Error><Key>k5</Key><Code>NoSuchKey</Code><Message>gone already</Message></Error></DeleteResult>)"))});
  auto result = bucket->remove_batch({"k1", "k2", "k3", "k4", "k5", "k6", "k7"});
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 3);  // 3 + 3 + 1
  for (const auto& r : reqs) {
    CHECK(r.method == "POST");
    CHECK(r.target == "/test-bucket?delete=");
    CHECK(r.headers.get_or("Content-MD5", "") == objstore::content_md5(r.body));
    CHECK(r.headers.get_or("Content-Type", "") == "application/xml");
  }
  CHECK(reqs[0].body == objstore::build_delete_request({"k1", "k2", "k3"}, true));
  CHECK(reqs[2].body == objstore::build_delete_request({"k7"}, true));
  REQUIRE(result.failed.size() == 1);
  CHECK(result.failed[0].key == "k4");
  CHECK(result.failed[0].error.code == ErrorCode::kPermissionDenied);
  CHECK(result.failed[0].error.message.find("AccessDenied") != std::string::npos);

  // A batch whose request fails reports each of its keys.
  server.script({answer_with(s3_error(403, "AccessDenied"))});
  auto denied = bucket->remove_batch({"x", "y"});
  REQUIRE(denied.failed.size() == 2);
  CHECK(denied.status().code() == ErrorCode::kPermissionDenied);
}

TEST_CASE("s3 bucket: head reads size and Last-Modified; remove of a missing key succeeds") {
  RawServer raw({RawServer::reply("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nLast-Modified: Mon, 12 Oct 2009 "
                                  "17:50:30 GMT\r\nConnection: close\r\n\r\n"),
                 RawServer::reply("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
                 RawServer::reply("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")});
  ScriptedS3 unused;
  auto config = unused.config();
  config.endpoint = "http://127.0.0.1:" + std::to_string(raw.port());
  util::FakeClock clock;
  auto bucket = make_bucket(config, clock);
  auto attributes = bucket->head("k");
  REQUIRE_MESSAGE(attributes.ok(), attributes.error());
  CHECK(attributes->size == 1234);
  CHECK(attributes->last_modified_ns == 1'255'369'830'000'000'000);
  CHECK(bucket->head("missing").code() == ErrorCode::kNotFound);
  CHECK(bucket->remove("missing").ok());
}

TEST_CASE("s3 bucket: removing from a missing bucket is not success") {
  ScriptedS3 server;
  util::FakeClock clock;
  auto bucket = make_bucket(server.config(), clock);
  server.script({answer_with(s3_error(404, "NoSuchKey")), answer_with(s3_error(404, "NoSuchBucket"))});
  CHECK(bucket->remove("gone").ok());
  auto s = bucket->remove("gone");
  CHECK(s.code() == ErrorCode::kNotFound);
  CHECK(s.error().find("NoSuchBucket") != std::string::npos);
}
