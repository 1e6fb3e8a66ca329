#include <doctest/doctest.h>

#include "objstore/s3_xml.h"

using util::ErrorCode;

TEST_CASE("s3 xml: ListBucketResult with contents, common prefixes and a continuation token") {
  // The shape of AWS's ListObjectsV2 answer (namespace, ETag quoting, StorageClass and all).
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>t/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys><Delimiter>/</Delimiter>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>t/a &amp; b</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>t/caf&#233;</Key><LastModified>2024-01-02T03:04:05Z</LastModified><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>t/chunks/</Prefix></CommonPrefixes>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";
  auto page = objstore::parse_list_objects_v2(xml);
  REQUIRE_MESSAGE(page.ok(), page.error());
  REQUIRE(page->objects.size() == 2);
  CHECK(page->objects[0].key == "t/a & b");
  CHECK(page->objects[0].size == 434234);
  CHECK(page->objects[0].last_modified_ns == 1'255'369'830'000'000'000);
  CHECK(page->objects[1].key == "t/caf\xc3\xa9");
  CHECK(page->objects[1].size == 0);
  CHECK(page->objects[1].last_modified_ns == 1'704'164'645'000'000'000);
  CHECK(page->common_prefixes == std::vector<std::string>{"t/chunks/"});
  CHECK(page->truncated);
  CHECK(page->next_continuation_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");

  auto last = objstore::parse_list_objects_v2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  REQUIRE(last.ok());
  CHECK(last->objects.empty());
  CHECK_FALSE(last->truncated);
}

TEST_CASE("s3 xml: malformed or unexpected documents are kCorruption, not guesses") {
  for (const char* bad : {"", "<ListBucketResult>", "<ListBucketResult><Contents><Key>a</Key></ListBucketResult>",
                          "<Error><Code>NoSuchKey</Code></Error>",  // the wrong document
                          "<ListBucketResult><Contents><Key>a</Key><Size>12x</Size></Contents></ListBucketResult>",
                          "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
                          "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
                          "<ListBucketResult><Contents><Key>a</Key><Size>1</Size><LastModified>yesterday</LastModified>"
                          "</Contents></ListBucketResult>",
                          "not xml at all"}) {
    CAPTURE(bad);
    auto page = objstore::parse_list_objects_v2(bad);
    REQUIRE_FALSE(page.ok());
    CHECK(page.code() == ErrorCode::kCorruption);
  }
  CHECK(objstore::parse_error("<html><body>502 Bad Gateway</body></html>").code() == ErrorCode::kCorruption);
  CHECK(objstore::parse_error("<Error><Message>no code</Message></Error>").code() == ErrorCode::kCorruption);
  CHECK(objstore::parse_delete_result("<DeleteResult><Deleted>").code() == ErrorCode::kCorruption);
}

TEST_CASE("s3 xml: Error answers") {
  auto e = objstore::parse_error(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message>
<Resource>/mybucket/myfoto.jpg</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>)");
  REQUIRE(e.ok());
  CHECK(e->code == "NoSuchKey");
  CHECK(e->message == "The resource you requested does not exist");
  CHECK(e->resource == "/mybucket/myfoto.jpg");
  CHECK(e->request_id == "4442587FB7D0A2F9");
  auto redirect = objstore::parse_error(
      "<Error><Code>PermanentRedirect</Code><Message>m</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint></Error>");
  REQUIRE(redirect.ok());
  CHECK(redirect->endpoint == "b.s3.eu-west-1.amazonaws.com");
}

TEST_CASE("s3 xml: DeleteObjects request and result") {
  std::string body = objstore::build_delete_request({"a&b", "<c>", "caf\xc3\xa9 d"}, true);
  CHECK(body.find("<Quiet>true</Quiet>") != std::string::npos);
  CHECK(body.find("<Object><Key>a&amp;b</Key></Object>") != std::string::npos);
  CHECK(body.find("<Key>&lt;c&gt;</Key>") != std::string::npos);
  CHECK(body.find("<Key>caf\xc3\xa9 d</Key>") != std::string::npos);
  CHECK(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  CHECK(objstore::build_delete_request({"k"}, false).find("Quiet") == std::string::npos);

  auto r = objstore::parse_delete_result(R"(<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted><Key>sample1.txt</Key></Deleted>
  <Error><Key>sample2.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
</DeleteResult>)");
  REQUIRE(r.ok());
  CHECK(r->deleted == std::vector<std::string>{"sample1.txt"});
  REQUIRE(r->errors.size() == 1);
  CHECK(r->errors[0].key == "sample2.txt");
  CHECK(r->errors[0].code == "AccessDenied");
  CHECK(r->errors[0].message == "Access Denied");
}

TEST_CASE("s3 xml: times") {
  CHECK(objstore::parse_iso8601_time("2009-10-12T17:50:30.000Z").value() == 1'255'369'830'000'000'000);
  CHECK(objstore::parse_iso8601_time("2009-10-12T17:50:30.5Z").value() == 1'255'369'830'500'000'000);
  CHECK(objstore::parse_iso8601_time("2009-10-12T17:50:30Z").value() == 1'255'369'830'000'000'000);
  CHECK_FALSE(objstore::parse_iso8601_time("2009-10-12T17:50:30+02:00").ok());
  CHECK_FALSE(objstore::parse_iso8601_time("2009-10-12").ok());
  CHECK(objstore::parse_http_date("Mon, 12 Oct 2009 17:50:30 GMT").value() == 1'255'369'830'000'000'000);
  CHECK_FALSE(objstore::parse_http_date("12 Oct 2009").ok());
}
