#!/usr/bin/env bash
# logtail throughput and memory, against a real logd on loopback:
#  1. lines/s one core (logtail pinned with taskset) tails, processes (regex + labels +
#     timestamp, the talk's first pipeline) and ships, until logd acknowledged them all
#     (promtail_sent_entries_total), beside the raw read rate of the same file (wc -l);
#  2. logtail's RSS (VmHWM and VmRSS) while tailing 1,000 files.
#
#   BIN=build/bin bash bench/logtail.sh           # 1M lines
#   BENCH_LINES=200000 BENCH_RUNS=1 bash bench/logtail.sh   # quicker
# Throughput figures are medians of BENCH_RUNS runs (default 3) over the same file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../build/bin}
N=${BENCH_LINES:-1000000}
RUNS=${BENCH_RUNS:-3}
work=$(mktemp -d)
pids=()
lt=""  # the running logtail; cleared once reaped, so the trap never kills a reused pid
trap 'for p in "${pids[@]}" $lt; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
metric() { curl -s "http://$1/metrics" | awk -v m="$2" 'index($0, m" ") == 1 { printf "%d\n", $2 }'; }
cores=$(nproc)
pin_lt="" pin_logd=""
if command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then pin_lt="taskset -c 0"; pin_logd="taskset -c 1"; fi

lp=$(port)
$pin_logd "$BIN/logd" -server.http-listen-port="$lp" -common.path-prefix="$work/logd" \
  -distributor.ingestion-rate-limit-mb=1000 -distributor.ingestion-burst-size-mb=1000 2>"$work/logd.log" &
pids+=($!)
disown  # killed by the EXIT trap; no "Killed" job notice
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$lp/ready" >/dev/null && break; sleep 0.1; done

# ~100-byte lines with their own RFC3339Nano timestamps (1 µs apart, ending now).
mkdir -p "$work/logs"
python3 - "$N" "$work/logs/app.log" <<'PY'
import sys, time
n, path = int(sys.argv[1]), sys.argv[2]
start = time.time_ns() - n * 1000
levels = ["info", "info", "info", "warn", "error", "debug"]
with open(path, "w") as f:
    for i in range(n):
        ns = start + i * 1000
        s, frac = divmod(ns, 10**9)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%09dZ" % frac
        f.write("%s level=%s msg=request handled path=/api/v1/items/%d status=200 duration=%dms\n"
                % (ts, levels[i % 6], i % 9973, i % 250))
PY
bytes=$(stat -c %s "$work/logs/app.log")

cat >"$work/cfg.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0}
positions: {filename: $work/positions.yaml}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push"}]
scrape_configs:
  - job_name: bench
    static_configs: [{labels: {job: bench, __path__: "$work/logs/*.log"}}]
    pipeline_stages:
      - regex:
          expression: '^(?P<ts>\S+) level=(?P<level>\w+) msg=(?P<msg>.*)$'
      - labels:
          level:
      - timestamp:
          source: ts
          format: RFC3339Nano
YAML
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ship_rates=() cpu_rates=() raw_rates=() hwm=0
for run in $(seq "$RUNS"); do
  rm -f "$work/positions.yaml"  # each run tails the file from the start
  t0=$(date +%s%N)
  $pin_lt "$BIN/logtail" -config.file="$work/cfg.yaml" 2>"$work/lt.log" &
  lt=$!
  addr=""
  for _ in $(seq 100); do addr=$(grep -o 'http=[0-9.]*:[0-9]*' "$work/lt.log" | cut -d= -f2 || true); [ -n "$addr" ] && break; sleep 0.05; done
  host="promtail_sent_entries_total{host=\"127.0.0.1:$lp\"}"
  while [ "$(metric "$addr" "$host")" != "$N" ]; do sleep 0.05; done
  t1=$(date +%s%N)
  ship_rates+=("$(python3 -c "print($N / (($t1 - $t0) / 1e9))")")
  h=$(awk '/VmHWM/ {print $2}' /proc/$lt/status)
  [ "$h" -gt "$hwm" ] && hwm=$h
  # CPU seconds logtail used (utime + stime): lines per CPU-second is robust to a busy machine.
  cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' /proc/$lt/stat)
  cpu_rates+=("$(python3 -c "print($N / max($cpu_s, 0.01))")")
  kill -TERM "$lt"; wait "$lt" || true; lt=""

  r0=$(date +%s%N); $pin_lt wc -l "$work/logs/app.log" >/dev/null; r1=$(date +%s%N)
  raw_rates+=("$(python3 -c "print($N / (($r1 - $r0) / 1e9))")")
done
ship_lps=$(printf '%s\n' "${ship_rates[@]}" | median)
cpu_lps=$(printf '%s\n' "${cpu_rates[@]}" | median)
raw_lps=$(printf '%s\n' "${raw_rates[@]}" | median)

# 1,000 files of 100 lines each, tailed at once.
rm -rf "$work/logs" "$work/positions.yaml"
mkdir -p "$work/logs"
python3 - "$work/logs" <<'PY'
import sys, time
d = sys.argv[1]
now = time.time_ns()
for f in range(1000):
    with open("%s/f%04d.log" % (d, f), "w") as out:
        for i in range(100):
            ns = now - 10**9 + f * 1000 + i
            s, frac = divmod(ns, 10**9)
            out.write(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%09dZ level=info msg=file %d line %d\n" % (frac, f, i))
PY
$pin_lt "$BIN/logtail" -config.file="$work/cfg.yaml" 2>"$work/lt2.log" &
lt=$!
for _ in $(seq 100); do addr=$(grep -o 'http=[0-9.]*:[0-9]*' "$work/lt2.log" | cut -d= -f2 || true); [ -n "$addr" ] && break; sleep 0.05; done
while [ "$(metric "$addr" "$host")" != "100000" ]; do sleep 0.1; done
sleep 1
files=$(metric "$addr" promtail_files_active_total)
rss=$(awk '/VmRSS/ {print $2}' /proc/$lt/status)
hwm2=$(awk '/VmHWM/ {print $2}' /proc/$lt/status)
kill -TERM "$lt"; wait "$lt" || true; lt=""

echo "## logtail"
echo
echo "| measurement (median of $RUNS runs) | value |"
echo "|---|---|"
printf '| tail + regex/labels/timestamp + ship to logd, one core (%d lines, %.0f MB) | %.0f lines/s (%.1f MB/s) |\n' \
  "$N" "$(python3 -c "print($bytes/1e6)")" "$ship_lps" "$(python3 -c "print($bytes/1e6*$ship_lps/$N)")"
printf '| the same, per CPU-second logtail used | %.0f lines/s |\n' "$cpu_lps"
printf '| raw read of the same file (wc -l, one core) | %.0f lines/s |\n' "$raw_lps"
printf '| logtail peak RSS during the throughput runs | %d MB |\n' $((hwm / 1024))
printf '| logtail RSS tailing %s files (after shipping 100k lines) | %d MB (peak %d MB) |\n' "$files" $((rss / 1024)) $((hwm2 / 1024))
echo
echo "MB = 10^6 bytes. logtail pinned to core 0 and logd to core 1 (taskset) when there are two cores; the per-CPU-second rate is the one robust to other users of the machine. Aims (issue 4): >= 300k lines/s per core, RSS < 50 MB with 1,000 files."
