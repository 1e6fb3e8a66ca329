// logd's command line, in Loki's style: single-dash dotted flags (`-config.file=loki.yaml`,
// `-server.http-listen-port 3100`); `--flag` works too. As in Loki, the YAML file is read first and
// flags given on the command line override it.
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <vector>

#include "logd/config.h"
#include "util/result.h"

namespace logd {

struct CommandLine {
  Config config;              // the file (if any) with the flag overrides applied
  bool print_config = false;  // -print-config: print the effective YAML and exit
  bool show_version = false;  // -version
  bool show_help = false;     // -h, -help
};

// Parses argv[1..]. Errors name the flag ("-server.http-listen-port: ...").
util::Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

// The -help text.
std::string usage();

}  // namespace logd
