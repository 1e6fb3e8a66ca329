#include "http/message.h"
#include "util/strings.h"

namespace http {

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : fields_)
    if (util::iequals(n, name)) return std::string_view(v);
  return std::nullopt;
}

std::string_view Headers::get_or(std::string_view name, std::string_view fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

std::vector<std::string_view> Headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : fields_)
    if (util::iequals(n, name)) out.emplace_back(v);
  return out;
}

void Headers::set(std::string name, std::string value) {
  erase(name);
  add(std::move(name), std::move(value));
}

void Headers::erase(std::string_view name) {
  std::erase_if(fields_, [&](const auto& f) { return util::iequals(f.first, name); });
}

std::optional<std::string_view> Request::param(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::vector<std::string_view> Request::params(std::string_view name) const {
  std::vector<std::string_view> out;
  auto [lo, hi] = query.equal_range(name);
  for (auto it = lo; it != hi; ++it) out.emplace_back(it->second);
  return out;
}

Response Response::text(int status, std::string body) {
  Response r{status, {}, std::move(body)};
  r.headers.set("Content-Type", "text/plain; charset=utf-8");
  return r;
}

Response Response::json(int status, std::string body) {
  Response r{status, {}, std::move(body)};
  r.headers.set("Content-Type", "application/json; charset=utf-8");
  return r;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace http
