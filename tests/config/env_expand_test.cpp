// envsubst syntax as Promtail's -config.expand-env applies it.
#include <doctest/doctest.h>

#include "config/env_expand.h"

namespace {

std::optional<std::string> env(const std::string& name) {
  if (name == "HOST") return "web-1";
  if (name == "EMPTY") return "";
  return std::nullopt;
}

std::string expand(const std::string& text) {
  auto r = config::expand_env(text, env);
  REQUIRE_MESSAGE(r.ok(), r.error());
  return *r;
}

}  // namespace

TEST_CASE("expand_env: ${VAR}, $VAR, defaults, escapes") {
  CHECK(expand("host: ${HOST}") == "host: web-1");
  CHECK(expand("host: $HOST.local") == "host: web-1.local");
  CHECK(expand("a: ${UNSET}|") == "a: |");
  CHECK(expand("${UNSET:-fallback}") == "fallback");
  CHECK(expand("${EMPTY:-fallback}") == "fallback");   // ":-" also replaces empty
  CHECK(expand("${EMPTY-fallback}") == "");            // "-" only replaces unset
  CHECK(expand("${UNSET-fallback}") == "fallback");
  CHECK(expand("${HOST:-fallback}") == "web-1");
  CHECK(expand("${UNSET:-${HOST}}") == "web-1");       // nested default
  CHECK(expand("${UNSET:-http://x:3100/push}") == "http://x:3100/push");
  CHECK(expand("cost: $$5, regex: a$") == "cost: $5, regex: a$");
  CHECK(expand(R"(path: C:\\logs\/x \d)") == R"(path: C:\logs/x \d)");
}

TEST_CASE("expand_env: unsupported and malformed references are errors") {
  CHECK_FALSE(config::expand_env("${HOST", env).ok());
  CHECK_FALSE(config::expand_env("${UNSET:-abc", env).ok());
  auto r = config::expand_env("x: ${#HOST}", env);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "unsupported environment variable reference \"${#HOST}\" (supported: "
                     "${VAR}, ${VAR:-default}, ${VAR-default})");
  CHECK_FALSE(config::expand_env("${HOST/a/b}", env).ok());
}
