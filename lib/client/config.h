// The push client's configuration: one `clients` entry of promtail.yaml (Promtail's
// client.Config), with Promtail's defaults. Durations are int64 nanoseconds. logtail's config
// reader fills it (lib/logtail/config_yaml.cpp); the client only reads it.
// Plain values, thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "model/labels.h"
#include "model/time.h"

namespace client {

struct BasicAuthConfig {
  std::string username;
  std::string password;
  std::string password_file;
};

struct TlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version;  // "TLS12", "TLS13"; empty = library default
};

struct BackoffConfig {
  int64_t min_period = 500 * model::kNanosPerMilli;
  int64_t max_period = 5 * model::kNanosPerMinute;
  int64_t max_retries = 10;
};

// What a client's POST body is (the `format` key, logtail's own).
enum class PushFormat {
  kLoki,  // Loki's push API: snappy-compressed logproto.PushRequest (Promtail's only format)
  kOtlp,  // OTLP/HTTP logs: an ExportLogsServiceRequest protobuf (lib/otlp/logs_encoder.h)
};

struct ClientConfig {
  std::string url;
  PushFormat format = PushFormat::kLoki;
  std::string name;  // for metrics; defaults to a hash of the config in Promtail
  std::string tenant_id;
  int64_t batchwait = 1 * model::kNanosPerSecond;
  int64_t batchsize = 1048576;  // bytes
  std::map<std::string, std::string> headers;
  BasicAuthConfig basic_auth;
  std::string bearer_token;
  std::string bearer_token_file;
  std::string proxy_url;
  TlsConfig tls_config;
  BackoffConfig backoff_config;
  bool drop_rate_limited_batches = false;
  model::LabelSet external_labels;
  int64_t timeout = 10 * model::kNanosPerSecond;
};

}  // namespace client
