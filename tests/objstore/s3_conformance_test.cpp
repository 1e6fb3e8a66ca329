// The bucket conformance suite against a real S3-compatible endpoint, when the environment names
// one (tests/e2e/objstore_s3_test.sh does, with s3rver, directly and through the SigV4-checking
// sink and the fault proxy):
//   LOGKIT_TEST_S3_ENDPOINT   http://127.0.0.1:PORT (required to run)
//   LOGKIT_TEST_S3_BUCKET     an existing bucket (required)
//   LOGKIT_TEST_S3_ACCESS_KEY_ID, LOGKIT_TEST_S3_SECRET_ACCESS_KEY, LOGKIT_TEST_S3_REGION (us-east-1),
//   LOGKIT_TEST_S3_CA_FILE    a CA to verify an https endpoint with
//   LOGKIT_TEST_S3_QUIRKS     "s3rver": tolerate s3rver's known deviations (see Quirks)
// Every check runs under a fresh prefix of its own and removes what it wrote afterwards.
#include <doctest/doctest.h>

#include <random>

#include "bucket_conformance.h"
#include "objstore/prefixed_bucket.h"
#include "objstore/s3_bucket.h"

using namespace objstore_test;

namespace {

std::string env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

bool s3_configured() { return !env("LOGKIT_TEST_S3_ENDPOINT").empty() && !env("LOGKIT_TEST_S3_BUCKET").empty(); }

objstore::S3Config test_config() {
  objstore::S3Config c;
  c.endpoint = env("LOGKIT_TEST_S3_ENDPOINT");
  c.bucket = env("LOGKIT_TEST_S3_BUCKET");
  c.region = env("LOGKIT_TEST_S3_REGION", "us-east-1");
  c.access_key_id = env("LOGKIT_TEST_S3_ACCESS_KEY_ID");
  c.secret_access_key = env("LOGKIT_TEST_S3_SECRET_ACCESS_KEY");
  c.tls.ca_file = env("LOGKIT_TEST_S3_CA_FILE");
  c.list_page_size = 3;     // pagination on every listing of more than three entries
  c.delete_batch_size = 7;  // and several DeleteObjects requests per batch
  c.retry = {4, 50, 500};
  c.request_timeout_ms = 30'000;
  return c;
}

std::string unique_prefix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "conformance-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000) + "-" +
         std::to_string(counter++);
}

}  // namespace

TEST_CASE("bucket conformance: s3" * doctest::skip(!s3_configured())) {
  auto shared = objstore::S3Bucket::create(test_config());
  REQUIRE_MESSAGE(shared.ok(), shared.error());
  auto check = (*shared)->check();
  REQUIRE_MESSAGE(check.ok(), check.error());

  Quirks quirks;
  if (env("LOGKIT_TEST_S3_QUIRKS") == "s3rver") quirks = {true, true, true};
  std::vector<std::string> prefixes;
  run_conformance([&]() -> std::unique_ptr<Bucket> {
    auto inner = objstore::S3Bucket::create(test_config());
    REQUIRE(inner.ok());
    prefixes.push_back(unique_prefix());
    auto prefixed = objstore::PrefixedBucket::create(std::move(*inner), prefixes.back());
    REQUIRE(prefixed.ok());
    return std::move(*prefixed);
  }, quirks);
  for (const auto& p : prefixes) {
    std::vector<std::string> keys;
    REQUIRE((*shared)->list({p + "/", "", ""}, [&](const objstore::ListEntry& e) {
                       keys.push_back(e.key);
                       return true;
                     }).ok());
    CHECK((*shared)->remove_batch(keys).ok());
  }
}
