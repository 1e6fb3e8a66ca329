// HTTP request and response values as handlers see them: plain data, free of any socket or
// Boost type, so handlers are unit-testable without a server. No synchronization: a request
// and its response belong to the one thread running the handler.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http {

// Header fields in arrival order; names compare case-insensitively (RFC 9110).
class Headers {
 public:
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  std::string_view get_or(std::string_view name, std::string_view fallback) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every field called `name` with one.
  void set(std::string name, std::string value);
  void erase(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Decoded query or form parameters; a name may repeat (`match[]=a&match[]=b`).
using Params = std::multimap<std::string, std::string, std::less<>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/loki/api/v1/query?query=..."
  std::string path;    // percent-decoded path, without the query
  Params query;        // decoded query-string parameters
  Headers headers;
  std::string body;    // already gzip/deflate-decoded when Content-Encoding said so
  std::string remote_address;  // "ip:port" of the peer

  // The first value of a query parameter, or nullopt.
  std::optional<std::string_view> param(std::string_view name) const;
  std::vector<std::string_view> params(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response text(int status, std::string body);  // text/plain; charset=utf-8
  static Response json(int status, std::string body);  // application/json; charset=utf-8
  static Response empty(int status) { return Response{status, {}, {}}; }
};

// Standard reason phrase for a status code ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status);

}  // namespace http
