// logtail's command line, with Promtail's flags and Go flag syntax: `-name=value`, `-name value`
// (not for booleans), `--name` works too. Flags given override the config file:
//   -config.file, -config.expand-env, -dry-run, -print-config-stderr, -check-syntax,
//   -client.url (appends a client, or overrides the one with that URL), -client.tenant-id,
//   -client.external-labels (k=v,k2=v2: added to every client), -stdin, -server.http-listen-port,
//   -server.http-listen-address, -positions.file, -log.level, -version, -help.
// Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "logtail/config.h"
#include "model/labels.h"
#include "util/result.h"

namespace logtail {

struct CommandLine {
  std::string config_file;
  bool expand_env = false;
  bool dry_run = false;
  bool print_config_stderr = false;
  bool check_syntax = false;
  bool read_stdin = false;
  std::string client_url;
  std::string client_tenant_id;
  model::LabelSet external_labels;
  std::optional<int64_t> http_listen_port;
  std::optional<std::string> http_listen_address;
  std::optional<std::string> positions_file;
  std::optional<std::string> log_level;
  bool show_help = false;
  bool show_version = false;
};

// Parses argv[1..]. Errors name the flag ("-client.external-labels: ...").
util::Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

// Parses "k=v,k2=v2" (Promtail's -client.external-labels).
util::Result<model::LabelSet> parse_external_labels(std::string_view text);

// Applies the flag overrides to a parsed config.
util::Status apply_command_line(const CommandLine& cl, Config& config);

// The -help text.
std::string usage();

}  // namespace logtail
