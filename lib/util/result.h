// Result<T>: a value or an error, for failures the caller is expected to handle (bad query,
// corrupt block, invalid label, a store that does not answer). Exceptions are kept for programmer
// errors.
//
// An error carries a message for people and a code for programs: the HTTP edge maps the code to a
// status once (http_status_of), the CLI mains to an exit code once (exit_code_of), and nobody
// compares message text to decide what happened.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace util {

enum class ErrorCode {
  kInvalidArgument,    // the caller's input is wrong (bad query, bad label, bad config value)
  kNotFound,           // what was asked for does not exist (an object, a file, a route)
  kTooLarge,           // the input is over a size limit (body, line, query, result)
  kUnsupportedFormat,  // the input is in a format or media type we do not read (Loki's 415)
  kUnprocessable,      // well-formed input with nothing usable in it (Loki's 422: a push without streams)
  kRateLimited,        // over a rate or count limit; retrying later may succeed
  kUnauthenticated,    // no or wrong credentials (a missing tenant ID is this too, as in Loki)
  kPermissionDenied,   // authenticated, but not allowed this tenant or action
  kCancelled,          // the caller gave up (client gone, shutdown)
  kDeadlineExceeded,   // a time limit passed (query_timeout, a request timeout)
  kCorruption,         // stored data fails its checks
  kUnavailable,        // a dependency does not answer now (object store, etcd, an ingester)
  kInternal,           // a bug or an unexpected failure
};

std::string_view error_code_name(ErrorCode code);
// The HTTP status Loki answers for each kind: 400, 404, 413, 415, 422, 429, 401, 403, 499, 504, 500,
// 503, 500.
int http_status_of(ErrorCode code);
// The process exit code the CLIs use (their man pages' EXIT STATUS): 2 for invalid arguments,
// as usage errors are, 1 for every other failure.
int exit_code_of(ErrorCode code);

struct Error {
  std::string message;
  ErrorCode code = ErrorCode::kInvalidArgument;  // the most common kind in lib/: input was wrong
};

inline Error invalid_argument(std::string m) { return {std::move(m), ErrorCode::kInvalidArgument}; }
inline Error not_found(std::string m) { return {std::move(m), ErrorCode::kNotFound}; }
inline Error too_large(std::string m) { return {std::move(m), ErrorCode::kTooLarge}; }
inline Error unsupported_format(std::string m) { return {std::move(m), ErrorCode::kUnsupportedFormat}; }
inline Error unprocessable(std::string m) { return {std::move(m), ErrorCode::kUnprocessable}; }
inline Error rate_limited(std::string m) { return {std::move(m), ErrorCode::kRateLimited}; }
inline Error unauthenticated(std::string m) { return {std::move(m), ErrorCode::kUnauthenticated}; }
inline Error permission_denied(std::string m) { return {std::move(m), ErrorCode::kPermissionDenied}; }
inline Error cancelled(std::string m) { return {std::move(m), ErrorCode::kCancelled}; }
inline Error deadline_exceeded(std::string m) { return {std::move(m), ErrorCode::kDeadlineExceeded}; }
inline Error corruption(std::string m) { return {std::move(m), ErrorCode::kCorruption}; }
inline Error unavailable(std::string m) { return {std::move(m), ErrorCode::kUnavailable}; }
inline Error internal(std::string m) { return {std::move(m), ErrorCode::kInternal}; }
// `e` with context in front of its message ("reading x: " + message), keeping its code.
inline Error prefixed(std::string_view prefix, const Error& e) {
  return {std::string(prefix) + e.message, e.code};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose, like std::expected
  Result(Error e) : v_(std::move(e)) {}      // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const std::string& error() const { return std::get<1>(v_).message; }
  ErrorCode code() const { return std::get<1>(v_).code; }
  // The error as a value, to pass up unchanged: `if (!r.ok()) return r.status_error();`
  const Error& status_error() const { return std::get<1>(v_); }

 private:
  void check() const {
    if (!ok()) throw std::logic_error("Result::value() on error: " + std::get<1>(v_).message);
  }
  std::variant<T, Error> v_;
};

// Result<void>: success or an error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : err_(std::move(e)), failed_(true) {}  // NOLINT
  static Status Ok() { return {}; }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return err_.message; }
  ErrorCode code() const { return err_.code; }
  const Error& status_error() const { return err_; }

 private:
  Error err_;
  bool failed_ = false;
};

}  // namespace util
