// URL pieces as servers decode them: percent-decoding, query strings, and
// application/x-www-form-urlencoded bodies (Loki accepts its query parameters in a POST body
// too, e.g. for /series). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"
#include "util/result.h"

namespace http {

// %XX escapes decoded; with `plus_is_space` a '+' becomes ' ' (query strings and forms, not
// paths). Malformed escapes ("%G1", a trailing "%") are errors, as in Go's url.QueryUnescape.
util::Result<std::string> percent_decode(std::string_view s, bool plus_is_space);

// "a=1&b=x%20y&a=2" -> {a:1, a:2, b:"x y"}. A name without '=' has an empty value; empty
// pieces ("a=1&&b=2") are skipped. Only '&' separates (Go 1.17+ no longer splits on ';').
util::Result<Params> parse_query(std::string_view query);

// Adds the parameters of a form-encoded POST body to `params` (query and body merged, as Go's
// Request.Form does), when the request's Content-Type is application/x-www-form-urlencoded.
util::Status merge_form_body(const Request& request, Params& params);

}  // namespace http
