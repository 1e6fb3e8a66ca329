#include <doctest/doctest.h>

#include "util/result.h"

TEST_CASE("error codes map once to HTTP statuses and exit codes") {
  CHECK(util::http_status_of(util::ErrorCode::kInvalidArgument) == 400);
  CHECK(util::http_status_of(util::ErrorCode::kTooLarge) == 413);
  CHECK(util::http_status_of(util::ErrorCode::kRateLimited) == 429);
  CHECK(util::http_status_of(util::ErrorCode::kUnauthenticated) == 401);
  CHECK(util::http_status_of(util::ErrorCode::kUnavailable) == 503);
  CHECK(util::exit_code_of(util::ErrorCode::kInvalidArgument) == 2);
  CHECK(util::exit_code_of(util::ErrorCode::kCorruption) == 1);
  util::Status s = util::too_large("body too big");
  CHECK(s.code() == util::ErrorCode::kTooLarge);
  util::Result<int> r = util::Error{"plain"};
  CHECK(r.code() == util::ErrorCode::kInvalidArgument);
  util::Status passed_up = r.status_error();
  CHECK(passed_up.error() == "plain");
}

TEST_CASE("error codes: push answers (415, 422), and context keeps the code") {
  CHECK(util::http_status_of(util::ErrorCode::kUnsupportedFormat) == 415);
  CHECK(util::http_status_of(util::ErrorCode::kUnprocessable) == 422);
  CHECK(util::http_status_of(util::ErrorCode::kDeadlineExceeded) == 504);
  CHECK(util::http_status_of(util::ErrorCode::kCorruption) == 500);
  util::Error e = util::prefixed("reading x: ", util::corruption("bad block"));
  CHECK(e.message == "reading x: bad block");
  CHECK(e.code == util::ErrorCode::kCorruption);
  for (auto code : {util::ErrorCode::kUnsupportedFormat, util::ErrorCode::kUnprocessable}) {
    CHECK(util::error_code_name(code) != "internal");
  }
}
