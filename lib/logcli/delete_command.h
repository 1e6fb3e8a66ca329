// `logcli delete`: the server's delete API (POST/GET/DELETE /loki/api/v1/delete).
//   logcli delete create --query='{app="x"} |= "secret"' [--since|--from|--to] [--max-interval=1h]
//   logcli delete list       one request per line: id, status, range (RFC3339), query
//   logcli delete cancel <request-id> [--force]
// Each returns the process exit code; server errors are printed on `err` as the server said them.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "logcli/http_client.h"
#include "logcli/server_commands.h"
#include "util/clock.h"

namespace logcli {

struct DeleteCreateOptions {
  std::string query;
  ListOptions range;  // --since (default 1h), --from, --to
  std::string max_interval;
};

int run_delete_create(HttpClient& client, const DeleteCreateOptions& o, std::FILE* out, std::FILE* err,
                      util::Clock& clock = util::system_clock());
int run_delete_list(HttpClient& client, std::FILE* out, std::FILE* err);
int run_delete_cancel(HttpClient& client, const std::string& request_id, bool force, std::FILE* out, std::FILE* err);

}  // namespace logcli
