// `logcli push`: re-ingests entries in logcli's jsonl form (what `logcli query -o jsonl` prints,
// from Loki or from logd) into a Loki-compatible server, the way history moves between servers:
//   logcli --addr=http://old-loki:3100 query '{job=~".+"}' --forward --from=... --to=...
//       --limit=0 -o jsonl | logcli --addr=http://logd:3100 push --checkpoint=migrate.ckpt
// (one pipeline, shown on two lines).
// Each entry keeps its labels, structured metadata and original timestamp. Entries go out in
// batches through the push client logtail uses (snappy protobuf, retries with backoff on 429,
// 5xx and connection errors), so the target's rate limits slow the copy down instead of failing it.
//
// Resuming: with --checkpoint, the file records how far the input has been acknowledged by the
// server (the input's name and a byte offset). A rerun over the same input skips that much and
// carries on. Delivery is at least once: entries sent but not yet acknowledged when the process
// stopped are sent again, and the server drops them as duplicates (same stream, timestamp and
// line), as Loki does.
//
// Failures: entries the server refuses for good (a 4xx other than 429: too old, too long, ...)
// are counted, their first errors printed, and the copy goes on. A batch still failing after the
// retries (429, 5xx, unreachable server) or refused for its credentials (401, 403) stops the
// copy; the checkpoint stays before it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "client/transport.h"
#include "logcli/http_client.h"
#include "model/labels.h"
#include "util/clock.h"

namespace logcli {

struct PushOptions {
  std::vector<std::string> inputs;  // files, read in order; empty or "-": standard input
  int64_t batch_size = 1 << 20;     // bytes of lines and metadata per push request
  int64_t batch_wait_ns = 1'000'000'000;
  int64_t min_backoff_ns = 500'000'000;
  int64_t max_backoff_ns = 300'000'000'000;
  int max_retries = 10;
  std::string checkpoint;          // empty: no resuming
  model::LabelSet extra_labels;    // --label name=value, added to every stream (replacing)
  bool progress = false;           // a progress line on `err`, rewritten in place (a terminal)
  bool quiet = false;              // no summary line
};

// Returns the exit code: 0 when every entry was accepted, 1 when some were refused or the copy
// stopped (the reason is printed on `err`), 2 for bad input or options.
int run_push(const ClientOptions& connection, const PushOptions& options, std::FILE* err,
             util::Clock& clock = util::system_clock(), std::unique_ptr<client::Transport> transport = nullptr);

}  // namespace logcli
