// The SigV4 signer against AWS's published vectors (testdata/sigv4_vectors.txt names where each
// comes from), and the pieces the S3 client builds its requests from.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "objstore/sigv4.h"

namespace {

struct Vector {
  std::map<std::string, std::string> fields;  // method, path, body, signature, ...
  objstore::NameValues query;
  objstore::NameValues headers;
  std::string get(const std::string& k) const {
    auto it = fields.find(k);
    return it == fields.end() ? "" : it->second;
  }
};

std::vector<Vector> load_vectors() {
  auto path = std::filesystem::path(__FILE__).parent_path() / "testdata" / "sigv4_vectors.txt";
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), path.string());
  std::map<std::string, std::string> defaults;
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find(' ');
    std::string key = line.substr(0, space);
    std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (key == "case") {
      out.push_back(Vector{defaults, {}, {}});
      out.back().fields["name"] = value;
    } else if (out.empty()) {
      defaults[key] = value;
    } else if (key == "query") {
      size_t eq = value.find('=');
      out.back().query.emplace_back(value.substr(0, eq), eq == std::string::npos ? "" : value.substr(eq + 1));
    } else if (key == "header") {
      size_t colon = value.find(':');
      out.back().headers.emplace_back(value.substr(0, colon), value.substr(colon + 1));
    } else {
      out.back().fields[key] = value;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("sigv4: AWS's published test vectors") {
  auto vectors = load_vectors();
  REQUIRE(vectors.size() >= 20);
  int s3_docs = 0;
  for (const auto& v : vectors) {
    CAPTURE(v.get("name"));
    objstore::SigningRequest request;
    request.method = v.get("method");
    request.canonical_uri = objstore::encode_key_path(v.get("path"));
    request.query = v.query;
    request.headers = v.headers;
    request.payload_hash = objstore::sha256_hex(v.get("body"));
    objstore::Credentials credentials{v.get("access_key"), v.get("secret"), v.get("token")};
    auto sig = objstore::sign_v4(request, credentials, v.get("region"), v.get("service"), v.get("date"));
    CHECK(sig.signed_headers == v.get("signed_headers"));
    CHECK(sig.signature == v.get("signature"));
    CHECK(sig.authorization == "AWS4-HMAC-SHA256 Credential=" + v.get("access_key") + "/" + v.get("date").substr(0, 8) +
                                   "/" + v.get("region") + "/" + v.get("service") + "/aws4_request, SignedHeaders=" +
                                   v.get("signed_headers") + ", Signature=" + v.get("signature"));
    if (!v.get("canonical_request_sha256").empty()) {
      CHECK(objstore::sha256_hex(sig.canonical_request) == v.get("canonical_request_sha256"));
      CHECK(sig.string_to_sign.ends_with("\n" + v.get("canonical_request_sha256")));
    }
    if (v.get("source") == "s3-docs") ++s3_docs;
  }
  CHECK(s3_docs == 4);
}

TEST_CASE("sigv4: the S3 GET-object example's canonical request, line by line") {
  objstore::SigningRequest r;
  r.method = "GET";
  r.canonical_uri = objstore::encode_key_path("/test.txt");
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Range", "bytes=0-9"},
               {"x-amz-content-sha256", objstore::sha256_hex("")},
               {"x-amz-date", "20130524T000000Z"}};
  r.payload_hash = objstore::sha256_hex("");
  auto sig = objstore::sign_v4(r, {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}, "us-east-1",
                               "s3", "20130524T000000Z");
  CHECK(sig.canonical_request ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sig.string_to_sign ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
}

TEST_CASE("sigv4: canonical query strings are sorted, encoded once, and say name= for empty values") {
  using objstore::canonical_query_string;
  CHECK(canonical_query_string({}) == "");
  CHECK(canonical_query_string({{"prefix", "x"}, {"list-type", "2"}}) == "list-type=2&prefix=x");
  CHECK(canonical_query_string({{"delete", ""}}) == "delete=");
  // Continuation tokens are base64: '+', '/' and '=' must be encoded, as must spaces (never '+').
  CHECK(canonical_query_string({{"continuation-token", "a+b/c=="}}) == "continuation-token=a%2Bb%2Fc%3D%3D");
  CHECK(canonical_query_string({{"prefix", "sp ace/caf\xc3\xa9:x"}}) == "prefix=sp%20ace%2Fcaf%C3%A9%3Ax");
  // Sorted by encoded name (uppercase before lowercase), then by value.
  CHECK(canonical_query_string({{"b", "2"}, {"B", "1"}, {"a", "z"}, {"a", "y"}}) == "B=1&a=y&a=z&b=2");
  CHECK(canonical_query_string({{"-._~", "-._~"}}) == "-._~=-._~");
}

TEST_CASE("sigv4: object paths keep '/' and encode everything but unreserved characters") {
  CHECK(objstore::encode_key_path("/bucket/fake/chunks/2024-01-01/x.chunk") == "/bucket/fake/chunks/2024-01-01/x.chunk");
  CHECK(objstore::encode_key_path("/b/sp ace:colon+plus=eq$") == "/b/sp%20ace%3Acolon%2Bplus%3Deq%24");
  CHECK(objstore::encode_key_path("/b/\xe1\x88\xb4") == "/b/%E1%88%B4");
  CHECK(objstore::encode_key_path("/b/100%") == "/b/100%25");
}

TEST_CASE("sigv4: dates, hashes and Content-MD5") {
  CHECK(objstore::amz_date_of(1'440'938'160'000'000'000) == "20150830T123600Z");
  CHECK(objstore::amz_date_of(1'369'353'600'999'999'999) == "20130524T000000Z");
  CHECK(objstore::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(objstore::sha256_hex("Welcome to Amazon S3.") == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  CHECK(objstore::content_md5("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
  CHECK(objstore::hmac_sha256("key", "The quick brown fox jumps over the lazy dog").size() == 32);
}

TEST_CASE("sigv4: a different secret, date, region or payload changes the signature") {
  objstore::SigningRequest r{"PUT", "/b/k", {}, {{"host", "h"}, {"x-amz-date", "20240101T000000Z"}}, objstore::sha256_hex("x")};
  objstore::Credentials c{"AK", "secret", ""};
  auto base = objstore::sign_v4(r, c, "us-east-1", "s3", "20240101T000000Z").signature;
  CHECK(objstore::sign_v4(r, {"AK", "secreT", ""}, "us-east-1", "s3", "20240101T000000Z").signature != base);
  CHECK(objstore::sign_v4(r, c, "eu-west-1", "s3", "20240101T000000Z").signature != base);
  CHECK(objstore::sign_v4(r, c, "us-east-1", "s3", "20240102T000000Z").signature != base);
  r.payload_hash = objstore::sha256_hex("y");
  CHECK(objstore::sign_v4(r, c, "us-east-1", "s3", "20240101T000000Z").signature != base);
}
