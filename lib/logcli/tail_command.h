// `logcli query --tail`: follows a query live over Loki's WebSocket tail endpoint and prints
// each entry as it arrives (Loki's logcli format, labels unpadded). SIGINT/SIGTERM close the
// connection normally and end with exit code 0.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "logcli/http_client.h"
#include "logcli/query_command.h"
#include "logcli/response_json.h"
#include "util/clock.h"

namespace logcli {

// One line of tail output for an entry of a stream with `labels`, per the output mode.
std::string format_tail_entry(const model::LabelSet& labels, const model::Entry& entry, const OutputOptions& opts);

int run_tail(const ClientOptions& client, const QueryOptions& q, int64_t delay_for_seconds, std::FILE* out,
             std::FILE* err, util::Clock& clock = util::system_clock());

}  // namespace logcli
