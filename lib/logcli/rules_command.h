// `logcli rules`: rule files checked and evaluated offline, so rules can be tested in a shell
// pipeline or in CI without a running logd.
//   lint / check FILE...   parse and validate (YAML structure, LogQL, names, templates); every
//                          problem with file:line:col, group and rule; exit 1 when any.
//   eval FILE              evaluate every group once, at --time, over --stdin or a --store data
//                          directory: recorded samples and alerts (with expanded labels and
//                          annotations) are printed; an alert with `for` shows as pending, since
//                          one evaluation cannot have held it that long.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "logcli/stdin_source.h"

namespace logcli {

// Exit code 0 when every file is valid, 1 otherwise.
int run_rules_lint(const std::vector<std::string>& files, FILE* out, FILE* err);

struct RulesEvalOptions {
  std::string file;
  bool use_stdin = false;
  StdinFormat stdin_format = StdinFormat::Raw;
  std::string store_dir;  // a logd data directory (--store)
  std::string org_id;     // the tenant read from the store ("fake" when empty)
  std::string time;       // RFC 3339, unix seconds or ns; "" = now (--store) or the last stdin entry
  std::string external_url;
};

// Exit code 0 when every rule evaluated, 1 when the file is invalid or a rule failed, 2 for usage.
int run_rules_eval(const RulesEvalOptions& options, FILE* out, FILE* err);

}  // namespace logcli
