#include "objstore/s3_config.h"

#include <arpa/inet.h>

#include <cstdlib>

#include "objstore/object_key.h"

namespace objstore {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// S3's bucket naming rules (general purpose buckets), which MinIO and Ceph follow too.
util::Status validate_bucket_name(const std::string& b) {
  auto bad = [&](const std::string& why) { return util::invalid_argument("s3 bucket name \"" + b + "\": " + why); };
  if (b.empty()) return util::invalid_argument("s3 bucket: not set");
  if (b.size() < 3 || b.size() > 63) return bad("must be 3 to 63 characters long");
  for (char c : b) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return bad("only lower-case letters, digits, '.' and '-' are allowed");
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(b.front()) || !alnum(b.back())) return bad("must start and end with a letter or digit");
  if (b.find("..") != std::string::npos) return bad("must not contain \"..\"");
  if (is_ip_literal(b)) return bad("must not look like an IP address");
  return {};
}

}  // namespace

std::string S3Endpoint::authority(std::string_view bucket_label) const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;  // IPv6 literal
  if (!bucket_label.empty()) h = std::string(bucket_label) + "." + h;
  bool default_port = port == 0 || (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  return default_port ? h : h + ":" + std::to_string(port);
}

util::Result<S3Endpoint> resolve_endpoint(const S3Config& config) {
  S3Endpoint e;
  std::string_view rest = config.endpoint;
  if (rest.empty()) {
    e.scheme = config.insecure ? "http" : "https";
    e.host = "s3." + (config.region.empty() ? std::string("us-east-1") : config.region) + ".amazonaws.com";
  } else {
    size_t sep = rest.find("://");
    if (sep != std::string_view::npos) {
      e.scheme = std::string(rest.substr(0, sep));
      if (e.scheme != "http" && e.scheme != "https") {
        return util::invalid_argument("s3 endpoint \"" + config.endpoint + "\": the scheme must be http or https");
      }
      rest.remove_prefix(sep + 3);
    } else {
      e.scheme = config.insecure ? "http" : "https";
    }
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos || rest.find('?') != std::string_view::npos) {
      return util::invalid_argument("s3 endpoint \"" + config.endpoint + "\": must be a host and port, without a path");
    }
    std::string_view port;
    if (rest.starts_with('[')) {  // [IPv6]:port
      size_t close = rest.find(']');
      if (close == std::string_view::npos) return util::invalid_argument("s3 endpoint \"" + config.endpoint + "\": unclosed '['");
      e.host = std::string(rest.substr(1, close - 1));
      rest.remove_prefix(close + 1);
      if (rest.starts_with(':')) port = rest.substr(1);
      else if (!rest.empty()) return util::invalid_argument("s3 endpoint \"" + config.endpoint + "\": junk after ']'");
    } else {
      size_t colon = rest.rfind(':');
      e.host = std::string(rest.substr(0, colon));
      if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    }
    if (e.host.empty()) return util::invalid_argument("s3 endpoint \"" + config.endpoint + "\": no host");
    if (!port.empty() || rest.ends_with(':')) {
      int p = 0;
      for (char c : port) {
        if (c < '0' || c > '9' || p > 65535) return util::invalid_argument("s3 endpoint \"" + config.endpoint + "\": bad port");
        p = p * 10 + (c - '0');
      }
      if (p < 1 || p > 65535) return util::invalid_argument("s3 endpoint \"" + config.endpoint + "\": bad port");
      e.port = p;
    }
  }
  e.path_style = config.force_path_style || is_ip_literal(e.host) || e.host == "localhost" ||
                 (e.scheme == "https" && config.bucket.find('.') != std::string::npos);
  return e;
}

util::Status validate(const S3Config& c) {
  if (auto s = validate_bucket_name(c.bucket); !s.ok()) return s;
  if (!c.prefix.empty()) {
    if (auto s = validate_key(c.prefix); !s.ok()) return util::invalid_argument("s3 prefix: " + s.error());
  }
  if (auto e = resolve_endpoint(c); !e.ok()) return e.status_error();
  if (c.region.empty()) return util::invalid_argument("s3 region: not set");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return util::invalid_argument(
        "s3 credentials for bucket \"" + c.bucket + "\": " +
        (c.access_key_id.empty() ? "no access key id" : "no secret access key") +
        " (set access_key_id and secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
  if (c.request_timeout_ms <= 0) return util::invalid_argument("s3 request timeout must be positive");
  if (c.connect_timeout_ms <= 0) return util::invalid_argument("s3 connect timeout must be positive");
  if (c.retry.max_attempts < 1) return util::invalid_argument("s3 retry max_attempts must be at least 1");
  if (c.retry.min_backoff_ms < 0 || c.retry.max_backoff_ms < c.retry.min_backoff_ms) {
    return util::invalid_argument("s3 retry backoff: need 0 <= min_backoff <= max_backoff");
  }
  if (c.list_page_size < 1 || c.list_page_size > 1000) return util::invalid_argument("s3 list page size must be 1..1000");
  if (c.delete_batch_size < 1 || c.delete_batch_size > 1000) {
    return util::invalid_argument("s3 delete batch size must be 1..1000");
  }
  if (c.max_parallel_uploads < 1 || c.max_parallel_uploads > 64) {
    return util::invalid_argument("s3 parallel uploads must be 1..64");
  }
  if (!c.tls.cert_file.empty() != !c.tls.key_file.empty()) {
    return util::invalid_argument("s3 TLS: a client certificate needs its key and a key its certificate");
  }
  return {};
}

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

void apply_environment(S3Config& c, const EnvLookup& env) {
  auto first = [&](std::initializer_list<const char*> names) -> std::string {
    for (const char* n : names) {
      if (auto v = env(n)) return *v;
    }
    return "";
  };
  if (c.access_key_id.empty() && c.secret_access_key.empty()) {
    c.access_key_id = first({"AWS_ACCESS_KEY_ID"});
    c.secret_access_key = first({"AWS_SECRET_ACCESS_KEY"});
    if (c.session_token.empty()) c.session_token = first({"AWS_SESSION_TOKEN"});
  }
  if (c.region.empty()) c.region = first({"AWS_REGION", "AWS_DEFAULT_REGION"});
  if (c.region.empty()) c.region = "us-east-1";
  if (c.endpoint.empty()) c.endpoint = first({"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
  if (c.tls.ca_file.empty() && c.tls.ca_pem.empty()) c.tls.ca_file = first({"AWS_CA_BUNDLE"});
}

util::Result<S3Config> parse_s3_url(std::string_view url) {
  if (!url.starts_with("s3://")) return util::invalid_argument("\"" + std::string(url) + "\" is not an s3://bucket/prefix URL");
  std::string_view rest = url.substr(5);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return util::invalid_argument("s3 URL \"" + std::string(url) +
                                  "\": no query or fragment is understood (endpoint, region and credentials come "
                                  "from the AWS_* environment)");
  }
  S3Config c;
  size_t slash = rest.find('/');
  c.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    c.prefix = std::string(prefix);
  }
  if (auto s = validate_bucket_name(c.bucket); !s.ok()) return s.status_error();
  if (!c.prefix.empty()) {
    if (auto s = validate_key(c.prefix); !s.ok()) return util::invalid_argument("s3 URL prefix: " + s.error());
  }
  return c;
}

util::Result<S3Config> s3_config_from_url(std::string_view url, const EnvLookup& env) {
  auto c = parse_s3_url(url);
  if (!c.ok()) return c;
  apply_environment(*c, env);
  if (auto s = validate(*c); !s.ok()) return s.status_error();
  return c;
}

std::string describe(const S3Config& c) {
  std::string out = "s3://" + c.bucket + (c.prefix.empty() ? "" : "/" + c.prefix);
  auto e = resolve_endpoint(c);
  if (e.ok()) out += " (" + e->scheme + "://" + e->authority("") + ")";
  return out;
}

}  // namespace objstore
