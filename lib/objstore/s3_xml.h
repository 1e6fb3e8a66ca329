// S3's XML documents, read and written with pugixml: ListBucketResult (ListObjectsV2), Error,
// DeleteResult, and the Delete request body; plus the two date formats S3 answers with.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "objstore/bucket.h"
#include "util/result.h"

namespace objstore {

// One page of ListObjectsV2.
struct ListPage {
  std::vector<ListEntry> objects;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_continuation_token;
};
// kCorruption for XML that is malformed or not a ListBucketResult.
util::Result<ListPage> parse_list_objects_v2(std::string_view xml);

// An S3 error answer: <Error><Code/><Message/><RequestId/>...</Error>.
struct S3ErrorBody {
  std::string code;        // "NoSuchKey", "SlowDown", "SignatureDoesNotMatch", ...
  std::string message;
  std::string request_id;
  std::string resource;    // the bucket or key, when S3 says
  std::string endpoint;    // PermanentRedirect: where the bucket is
};
util::Result<S3ErrorBody> parse_error(std::string_view xml);

// DeleteObjects' answer: the keys deleted and the per-key errors.
struct DeleteResult {
  struct KeyError {
    std::string key;
    std::string code;
    std::string message;
  };
  std::vector<std::string> deleted;
  std::vector<KeyError> errors;
};
util::Result<DeleteResult> parse_delete_result(std::string_view xml);

// <Delete><Quiet>true</Quiet><Object><Key>..</Key></Object>...</Delete>; quiet answers list
// only the keys that failed.
std::string build_delete_request(const std::vector<std::string>& keys, bool quiet);

// "2009-10-12T17:50:30.000Z" (ISO 8601, as in ListBucketResult) to Unix nanoseconds.
util::Result<int64_t> parse_iso8601_time(std::string_view text);
// "Wed, 12 Oct 2009 17:50:00 GMT" (RFC 7231 IMF-fixdate, as in Last-Modified) to Unix nanoseconds.
util::Result<int64_t> parse_http_date(std::string_view text);

}  // namespace objstore
