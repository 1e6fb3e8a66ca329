// The promtail.yaml schema as plain structs, parsed strictly: a real promtail.yaml works
// unchanged, and every key is either understood, or an error naming it and its path (unknown
// keys, and known Promtail keys logtail does not implement yet). Durations are int64
// nanoseconds; defaults are Promtail's. See docs/promtail-config.md for the supported keys.
//
// Thread-safe: parsing is a pure function; a Config is a value (its relabel rules and pipeline
// stage nodes are immutable and may be shared across threads).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/config.h"
#include "discovery/kubernetes_sd.h"
#include "config/env_expand.h"
#include "logtail/config_sources.h"
#include "model/labels.h"
#include "model/time.h"
#include "relabel/relabel_rule.h"
#include "util/result.h"

namespace logtail {

struct ServerConfig {
  bool disable = false;
  bool profiling_enabled = false;
  std::string http_listen_address;
  int64_t http_listen_port = 80;
  std::string http_listen_network = "tcp";
  std::string grpc_listen_address;
  int64_t grpc_listen_port = 0;  // logtail has no gRPC server: only 0 is accepted
  bool register_instrumentation = true;
  int64_t graceful_shutdown_timeout = 30 * model::kNanosPerSecond;
  int64_t http_server_read_timeout = 30 * model::kNanosPerSecond;
  int64_t http_server_write_timeout = 30 * model::kNanosPerSecond;
  int64_t http_server_idle_timeout = 120 * model::kNanosPerSecond;
  std::string log_level = "info";  // debug, info, warn, error
  std::string log_format = "logfmt";  // logfmt, json
  std::string http_path_prefix;
  bool health_check_target = true;
  bool enable_runtime_reload = false;
};

// The clients section is the push client's own configuration (lib/client/config.h).
using BasicAuthConfig = client::BasicAuthConfig;
using TlsConfig = client::TlsConfig;
using BackoffConfig = client::BackoffConfig;
using ClientConfig = client::ClientConfig;

struct PositionsConfig {
  std::string filename = "/var/log/positions.yaml";
  int64_t sync_period = 10 * model::kNanosPerSecond;
  bool ignore_invalid_yaml = false;
};

// One static_configs entry: `targets` (Promtail only uses them as __address__) and labels,
// including `__path__` (a glob of files to tail) and `__path_exclude__`.
struct StaticConfig {
  std::vector<std::string> targets;
  model::LabelSet labels;
};

// file_sd_configs: target groups read from JSON/YAML files matching `files` globs (a `*` only in
// the last path component; .json, .yml or .yaml), re-read on change and every refresh_interval.
struct FileSdConfig {
  std::vector<std::string> files;
  int64_t refresh_interval = 5 * model::kNanosPerMinute;
};

struct ScrapeConfig {
  std::string job_name;
  std::vector<StaticConfig> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<discovery::KubernetesSdConfig> kubernetes_sd_configs;
  std::optional<SyslogSourceConfig> syslog;           // a syslog listener instead of files
  std::optional<PushApiSourceConfig> loki_push_api;  // a push receiver instead of files
  std::optional<JournalSourceConfig> journal;         // the systemd journal instead of files
  std::optional<GelfSourceConfig> gelf;               // a GELF UDP listener instead of files
  std::vector<relabel::RelabelRule> relabel_configs;
  // The `pipeline_stages` list as written (YAML text of a sequence), for the stages module to
  // read (stages/stages_yaml.h) and compile when the app starts, as Promtail does; empty when
  // absent or empty. Errors there are reported under "scrape_configs[<i>].pipeline_stages".
  std::string pipeline_stages;
};

struct LimitsConfig {
  bool readline_rate_enabled = false;
  double readline_rate = 10000;  // lines per second
  int64_t readline_burst = 10000;
  bool readline_rate_drop = true;
  int64_t max_streams = 0;     // 0: unlimited
  int64_t max_line_size = 0;   // bytes; 0: unlimited
  bool max_line_size_truncate = false;
};

struct TargetConfig {
  int64_t sync_period = 10 * model::kNanosPerSecond;
  bool stdin = false;  // read entries from standard input instead of files (also --stdin)
};

struct FileWatchConfig {
  int64_t min_poll_frequency = 250 * model::kNanosPerMilli;
  int64_t max_poll_frequency = 250 * model::kNanosPerMilli;
};

struct Config {
  ServerConfig server;
  PositionsConfig positions;
  std::vector<ClientConfig> clients;
  std::vector<ScrapeConfig> scrape_configs;
  LimitsConfig limits_config;
  TargetConfig target_config;
  FileWatchConfig file_watch_config;  // global.file_watch_config
};

struct ParseOptions {
  bool expand_env = false;  // -config.expand-env
  config::EnvLookup env_lookup;  // for tests; getenv when empty
};

// Parses promtail.yaml text. Errors name the key path, e.g.
// `scrape_configs[0].static_configs[0]: unknown field "lables"`.
util::Result<Config> parse_config(std::string_view yaml, const ParseOptions& options = {});

// Reads and parses a file (-config.file); errors are prefixed with the file name.
util::Result<Config> load_config_file(const std::string& path, const ParseOptions& options = {});

// The effective configuration as YAML, every default filled in and secrets shown as
// "<secret>" (for -print-config-stderr).
std::string print_config(const Config& config);

}  // namespace logtail
