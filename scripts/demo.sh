#!/usr/bin/env bash
# The main job, as far as the toolkit goes today: generate a small mixed log corpus and run
# LogQL over it with logcli, exactly as a user would from a shell.
set -euo pipefail
BIN=${BIN:-build/bin}
export PATH="$BIN:$PATH"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
bench/gen-logs --mb 2 --format logfmt > "$d/app.log"
bench/gen-logs --mb 1 --format json > "$d/service.log"

run() { echo; echo "\$ $*"; eval "$@"; }
run "logcli query --stdin --limit=5 '{job=\"app\"} | logfmt | level=\"error\" | duration > 100ms' < $d/app.log"
run "logcli query --stdin --limit=3 -o raw '{job=\"svc\"} | json | status >= 500 | line_format \"{{.status}} {{.request_method}} {{.path}} {{.latency_ms}}ms\"' < $d/service.log"
run "logcli instant-query --stdin 'sum by (level) (count_over_time({job=\"app\"} | logfmt [5m]))' < $d/app.log"
run "logcli query --stdin -o jsonl --limit=0 '{job=\"app\"} | logfmt | keep level, service' < $d/app.log | logcli query --stdin --stdin-format=jsonl --limit=3 -o raw '{level=\"error\", service=\"payments\"} |= \"upstream\"'"
run "logcli fmt 'topk(3,sum by(service)(rate({job=\"app\"}|logfmt|level=\"error\"[5m])))'"
