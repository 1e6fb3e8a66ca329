#include "http/url.h"
#include "util/strings.h"

#include <algorithm>

namespace http {
namespace {

}  // namespace

util::Result<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      int hi = i + 2 < s.size() ? util::hex_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? util::hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return util::Error{"invalid URL escape \"" + std::string(s.substr(i, std::min<size_t>(3, s.size() - i))) + "\""};
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

util::Result<Params> parse_query(std::string_view query) {
  Params params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    auto name = percent_decode(piece.substr(0, eq), true);
    if (!name) return name.status_error();
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = percent_decode(piece.substr(eq + 1), true);
      if (!v) return v.status_error();
      value = std::move(*v);
    }
    params.emplace(std::move(*name), std::move(value));
  }
  return params;
}

util::Status merge_form_body(const Request& request, Params& params) {
  std::string_view type = request.headers.get_or("Content-Type", "");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (!util::iequals(type, "application/x-www-form-urlencoded")) return {};
  auto form = parse_query(request.body);
  if (!form) return form.status_error();
  params.merge(*form);
  return {};
}

}  // namespace http
