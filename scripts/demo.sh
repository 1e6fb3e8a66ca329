#!/usr/bin/env bash
# The main job: logd on its embedded defaults, logtail shipping a directory of logs to it with the
# promtail.yaml from the talk our users learned Loki from, then logcli querying the server, and
# the offline tools on logd's data directory. Everything runs on 127.0.0.1 in a temp directory.
set -euo pipefail
BIN=${BIN:-build/bin}
export PATH="$(cd "$BIN" && pwd):$PATH"
d=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$d"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 300); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "timed out: $1" >&2; exit 1; }
run() { echo; echo "\$ $*"; eval "$@"; }

port=$(free_port)
mkdir -p "$d/logs"
bench/gen-logs --mb 2 --format logfmt > "$d/logs/app.log"
bench/gen-logs --mb 1 --format access --seed 7 > "$d/logs/access.log"

echo "== logd: the embedded defaults, on a free port and a temp data dir"
logd -server.http-listen-port="$port" -common.path-prefix="$d/data" 2> "$d/logd.log" &
pids+=($!)
wait_for "curl -sf http://127.0.0.1:$port/ready"

echo "== logtail: the talk's promtail.yaml, pointed at $d/logs"
cat > "$d/promtail.yaml" <<YAML
server:
  http_listen_port: 0
  grpc_listen_port: 0
positions:
  filename: $d/positions.yaml
clients:
  - url: http://127.0.0.1:$port/loki/api/v1/push
scrape_configs:
  - job_name: system
    static_configs:
      - targets: [localhost]
        labels:
          job: varlogs
          __path__: $d/logs/*log
YAML
logtail -config.file="$d/promtail.yaml" 2> "$d/logtail.log" &
pids+=($!)
total=$(cat "$d"/logs/*.log | wc -l)
export LOKI_ADDR=http://127.0.0.1:$port
wait_for "[ \"\$(logcli -q instant-query 'sum(count_over_time({job=\"varlogs\"}[1h]))' | tr -d ' \n' | sed 's/.*,\"//; s/\".*//')\" = $total ]"
echo "all $total lines arrived"

echo "== logcli against logd"
run "logcli labels"
run "logcli labels filename"
run "logcli query --limit=3 '{job=\"varlogs\"} |= \"panic\" | logfmt | line_format \"{{.service}}: {{.msg}}\"'"
run "logcli instant-query -q 'sum by (level) (count_over_time({job=\"varlogs\"} | logfmt | level=~\"error|warn\" [1h]))'"
run "logcli query -q -o raw --limit=3 '{filename=~\".*access.log\"} | pattern \"<ip> - - <_> \\\"<method> <path> <_>\\\" <status> <_>\" | status >= 500'"

echo; echo "== stop both (SIGTERM flushes chunks), then the offline tools on the data dir"
for p in "${pids[@]}"; do kill -TERM "$p"; done
wait "${pids[@]}" 2>/dev/null || true
pids=()
run "logidx stats --path $d/data | head -12"
run "logidx verify --path $d/data"
run "logcli --store $d/data query -q -o raw --limit=2 '{job=\"varlogs\"} |= \"needle-7f3a\"'"
