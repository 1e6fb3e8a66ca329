# Helpers for the logtail end-to-end tests (sourced by each logtail_*_test.sh): a real logd on a
# free loopback port with a temp data dir, logtail started on a generated promtail.yaml, and
# queries that list what logd holds. Everything started here is killed by the trap.
lt_pids=()
lt_cleanup() { for p in "${lt_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
# The other test files install their own EXIT traps; keep theirs working.
trap 'lt_cleanup; declare -F logd_cleanup >/dev/null && logd_cleanup; declare -F dur_cleanup >/dev/null && dur_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

lt_free_port() { free_port; }

# lt_logd_start DIR PORT: starts logd, waits for /ready; sets lt_logd_pid.
lt_logd_start() { start_logd "$@" || return 1; lt_logd_pid=$started_logd_pid; lt_pids+=("$lt_logd_pid"); }

# lt_start LOGFILE ARGS...: starts logtail, waits for its listening line; sets lt_pid, lt_http.
lt_start() {
  local log=$1
  shift
  : >"$log"
  logtail "$@" 2>>"$log" &
  lt_pid=$!
  lt_pids+=("$lt_pid")
  lt_http=""
  for _ in $(seq 1 200); do
    lt_http=$(grep -o 'http=[0-9.]*:[0-9]*' "$log" | tail -1 | cut -d= -f2)
    [ -n "$lt_http" ] && return 0
    sleep 0.05
  done
  echo "logtail did not start: $(cat "$log")" >&2
  return 1
}

# lt_lines PORT QUERY: every line logd returns for QUERY over the last 24h, sorted.
lt_lines() {
  local now
  now=$(date +%s%N)
  curl -s -G "http://127.0.0.1:$1/loki/api/v1/query_range" --data-urlencode "query=$2" \
    --data-urlencode limit=5000 --data-urlencode direction=forward \
    --data-urlencode "start=$((now - 86400000000000))" --data-urlencode "end=$((now + 3600000000000))" |
    python3 -c 'import json,sys
d=json.load(sys.stdin)
for s in d.get("data",{}).get("result",[]):
    for v in s["values"]: print(v[1])' | sort
}

# lt_wait_lines PORT QUERY N: polls (up to 20 s) until logd holds at least N lines for QUERY.
lt_wait_lines() {
  for _ in $(seq 1 100); do
    [ "$(lt_lines "$1" "$2" | wc -l)" -ge "$3" ] && return 0
    sleep 0.2
  done
  return 1
}

# lt_wait_http URL PATTERN: polls (up to 20 s) until the page at URL contains PATTERN.
lt_wait_http() {
  for _ in $(seq 1 100); do
    [[ "$(curl -s "$1")" == *"$2"* ]] && return 0
    sleep 0.2
  done
  return 1
}

# lt_config FILE LOGD_PORT DIR [PIPELINE_YAML]: the talk's promtail.yaml, pointed at DIR.
lt_config() {
  cat >"$1" <<YAML
server:
  http_listen_address: 127.0.0.1
  http_listen_port: 0
  grpc_listen_port: 0
positions:
  filename: $3/positions.yaml
  sync_period: 200ms
clients:
  - url: http://127.0.0.1:$2/loki/api/v1/push
    batchwait: 100ms
    backoff_config:
      min_period: 100ms
      max_period: 500ms
      max_retries: 1000
target_config:
  sync_period: 1s
scrape_configs:
  - job_name: system
    static_configs:
      - targets: [localhost]
        labels:
          job: varlogs
          __path__: $3/logs/*log
YAML
  if [ -n "${4:-}" ]; then printf '    pipeline_stages:\n%s\n' "$4" >>"$1"; fi
}

# lt_seq PREFIX FROM TO: lines "PREFIX-<n>" with a fixed-width number, one per line.
lt_seq() { for i in $(seq "$2" "$3"); do printf '%s-%05d\n' "$1" "$i"; done; }

# lt_metric URL SERIES: the value of one series (name{labels} exactly as exposed) as an integer,
# whatever float notation the exposition uses ("120" or "1.2e+02"); empty when absent.
lt_metric() {
  curl -s "$1" | python3 -c 'import sys
want = sys.argv[1]
for l in sys.stdin:
    if l.startswith(want + " "): print(int(float(l.split()[-1])))' "$2"
}

# lt_wait_metric URL SERIES VALUE: polls (up to 20 s) until the series has VALUE.
lt_wait_metric() {
  for _ in $(seq 1 100); do
    [ "$(lt_metric "$1" "$2")" == "$3" ] && return 0
    sleep 0.2
  done
  return 1
}
