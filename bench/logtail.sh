#!/usr/bin/env bash
# logtail throughput and memory, against a real logd on loopback:
#  1. lines/s one core (logtail pinned with taskset) tails, processes (regex + labels +
#     timestamp, the talk's first pipeline) and ships, until logd acknowledged them all
#     (promtail_sent_entries_total), per CPU-second logtail used (utime+stime of all its
#     threads, /proc/<pid>/stat), beside the reference measured in the same run: `wc -l` of the
#     same file, per CPU-second (perf stat task-clock, else GNU time), paired run by run; the
#     ratio is the median of the per-run ratios (aim, issue 14: >= 0.03x);
#  2. logtail's RSS (VmHWM and VmRSS) while tailing 1,000 files.
#
#   BIN=build/bin bash bench/logtail.sh           # 1M lines
#   BENCH_LINES=200000 BENCH_RUNS=1 bash bench/logtail.sh   # quicker
# Throughput figures are medians of BENCH_RUNS runs (default 3) over the same file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
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
# ref_cpu_seconds CMD...: CPU seconds (user+sys) of a command; its output is discarded.
if command -v perf >/dev/null && perf stat -x, -e task-clock true >/dev/null 2>&1; then
  ref_how='perf stat -e task-clock'
  ref_cpu_seconds() { perf stat -x, -e task-clock -o "$work/ref.stat" "$@" >/dev/null; awk -F, '/task-clock/ {printf "%.6f\n", $1 / 1000}' "$work/ref.stat"; }
else
  ref_how='GNU time user+sys (10 ms resolution)'
  ref_cpu_seconds() { /usr/bin/time -f '%U %S' -o "$work/ref.stat" "$@" >/dev/null; awk '{printf "%.6f\n", $1 + $2}' "$work/ref.stat"; }
fi
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
[ -n "$cpu_model" ] || cpu_model=$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)
ref_cpu_seconds wc -l "$work/logs/app.log" >/dev/null  # warm the page cache
ship_rates=() cpu_rates=() raw_rates=() ratios=() hwm=0
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

  wc_s=$(ref_cpu_seconds $pin_lt wc -l "$work/logs/app.log")
  raw_rates+=("$(python3 -c "print($N / max($wc_s, 1e-6))")")
  ratios+=("$(python3 -c "print(($N / max($cpu_s, 0.01)) / ($N / max($wc_s, 1e-6)))")")
done
ship_lps=$(printf '%s\n' "${ship_rates[@]}" | median)
cpu_lps=$(printf '%s\n' "${cpu_rates[@]}" | median)
raw_lps=$(printf '%s\n' "${raw_rates[@]}" | median)
ratio=$(printf '%s\n' "${ratios[@]}" | median)

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
echo "CPU: ${cpu_model:-unknown} ($cores cores); reference CPU time: $ref_how"
echo
echo "| measurement (median of $RUNS runs) | value |"
echo "|---|---|"
printf '| tail + regex/labels/timestamp + ship to logd, one core (%d lines, %.0f MB) | %.0f lines/s (%.1f MB/s) |\n' \
  "$N" "$(python3 -c "print($bytes/1e6)")" "$ship_lps" "$(python3 -c "print($bytes/1e6*$ship_lps/$N)")"
printf '| the same, per CPU-second logtail used | %.0f lines/s |\n' "$cpu_lps"
printf '| reference: wc -l of the same file, per CPU-second | %.0f lines/s |\n' "$raw_lps"
printf '| logtail per CPU-second vs wc -l per CPU-second (median of paired runs) | %.4fx |\n' "$ratio"
printf '| logtail peak RSS during the throughput runs | %d MB |\n' $((hwm / 1024))
printf '| logtail RSS tailing %s files (after shipping 100k lines) | %d MB (peak %d MB) |\n' "$files" $((rss / 1024)) $((hwm2 / 1024))
echo
echo "MB = 10^6 bytes. logtail pinned to core 0 and logd to core 1 (taskset) when there are two cores; the per-CPU-second rate is the one robust to other users of the machine. Aims: >= 0.03x wc -l per CPU-second (issue 14), RSS < 50 MB with 1,000 files (issue 4)."
