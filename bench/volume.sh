#!/usr/bin/env bash
# index/volume over many streams (issue 16): logd's CPU time per request for Grafana's volume
# queries with 100k streams (BENCH_STREAMS), answered from the ingester's head blocks, then from
# the store's index after a SIGTERM flush and restart, and `logcli --store volume` on the data
# directory. CPU time (utime+stime of logd from /proc around BENCH_QUERIES requests) is the figure
# to compare: the machine is shared, so wall times vary with whatever else runs. Each request's
# answer is checked (the total bytes equal the pushed line bytes). Prints a Markdown table.
#
#   BIN=build/bin bash bench/volume.sh
#   BENCH_STREAMS=10000 BENCH_QUERIES=5 bash bench/volume.sh     # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-100}
STREAMS=${BENCH_STREAMS:-100000}
QUERIES=${BENCH_QUERIES:-9}
PER_STREAM=2
LOADGEN=${LOADGEN:-$BIN/loadgen}
out=$here/out
mkdir -p "$out"
for tool in "$BIN/logd" "$BIN/logcli" "$LOADGEN"; do
  [ -x "$tool" ] || { echo "volume.sh: $tool is missing (make tools bench-tools)" >&2; exit 1; }
done
work=$(mktemp -d "$out/volume-bench.XXXXXX")
logd_pid=""
cleanup() { [ -n "$logd_pid" ] && kill -9 "$logd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

corpus=$(bench_corpus "$MB")
[ "$(wc -l < "$corpus")" -ge $((STREAMS * PER_STREAM)) ] || { echo "volume.sh: corpus too small" >&2; exit 1; }

calc() { python3 -c "print($1)"; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
now_ns() { date +%s%N; }

start_logd() {  # DATA_DIR: sets logd_pid and addr
  local log=$work/logd-$RANDOM.log
  "$BIN/logd" -server.http-listen-port=0 -common.path-prefix="$1" -distributor.ingestion-rate-limit-mb=100000 \
    -distributor.ingestion-burst-size-mb=100000 -ingester.max-global-streams-per-user=0 2>"$log" &
  logd_pid=$!
  for _ in $(seq 200); do
    addr=$(grep -o 'address=[0-9.]*:[0-9]*' "$log" | head -1 | cut -d= -f2 || true)
    [ -n "$addr" ] && curl -sf "http://$addr/ready" >/dev/null && return 0
    sleep 0.05
  done
  echo "volume.sh: logd did not start: $(cat "$log")" >&2
  exit 1
}
stop_logd() { kill -TERM "$logd_pid"; wait "$logd_pid" || true; logd_pid=""; }

# volume_total JSON: the sum of an answer's values (vector or matrix).
volume_total() {
  python3 -c 'import json,sys
d = json.load(sys.stdin)
r = d["data"]["result"] if isinstance(d, dict) else d
print(int(sum(float(s["value"][1]) if "value" in s else sum(float(p[1]) for p in s["values"]) for s in r)))'
}

# measure NAME PATH PARAMS...: logd CPU ms per request (total over QUERIES / QUERIES) and the
# median wall ms; checks that `{job="bench"}` answers add up to the pushed bytes.
measure() {
  local path=$1
  shift
  local cpu0 cpu1 times=() t0 body
  cpu0=$(cpu_of "$logd_pid")
  for _ in $(seq "$QUERIES"); do
    t0=$(now_ns)
    body=$(curl -sf -G "http://$addr$path" --data-urlencode "start=$start" --data-urlencode "end=$end" "$@")
    times+=("$(calc "($(now_ns) - $t0) / 1e6")")
  done
  cpu1=$(cpu_of "$logd_pid")
  if [ -n "${CHECK_TOTAL:-}" ]; then
    got=$(volume_total <<<"$body")
    [ "$got" = "$CHECK_TOTAL" ] || { echo "volume.sh: $path $* answered $got bytes, expected $CHECK_TOTAL" >&2; exit 1; }
  fi
  printf '%.1f ms | %.1f ms' "$(calc "($cpu1 - $cpu0) * 1000 / $QUERIES")" "$(printf '%s\n' "${times[@]}" | median)"
}

dir=$work/data
start_logd "$dir"
r=$("$LOADGEN" push --url "http://$addr/loki/api/v1/push" --corpus "$corpus" --format proto --conns 2 \
  --streams "$STREAMS" --lines-per-stream "$PER_STREAM" --max-lines $((STREAMS * PER_STREAM)) --batch-lines 4000)
pushed=$(tr ' ' '\n' <<<"$r" | awk -F= '$1 == "bytes" || $1 == "raw_bytes" || $1 == "line_bytes" {print $2; exit}')
start=$(( $(date +%s) * 1000000000 - 24 * 3600 * 1000000000 ))
end=$(( $(date +%s) * 1000000000 + 60 * 1000000000 ))

declare -A row
run_all() {  # where
  CHECK_TOTAL=$pushed
  row["$1 one"]=$(measure /loki/api/v1/index/volume --data-urlencode 'query={job="bench"}')
  CHECK_TOTAL=""  # the top 100 of 1000 series
  row["$1 app"]=$(measure /loki/api/v1/index/volume --data-urlencode 'query={app=~".+"}')
  CHECK_TOTAL=$((pushed * 3))  # job, app and instance each hold every byte
  row["$1 labels"]=$(measure /loki/api/v1/index/volume --data-urlencode 'query={job="bench"}' \
    --data-urlencode aggregateBy=labels)
  CHECK_TOTAL=$pushed
  row["$1 range"]=$(measure /loki/api/v1/index/volume_range --data-urlencode 'query={job="bench"}' \
    --data-urlencode step=1h)
}
run_all memory
stop_logd
start_logd "$dir"
run_all store
stop_logd
store_ms=()
for _ in $(seq "$QUERIES"); do
  t0=$(now_ns)
  got=$("$BIN/logcli" -q --store "$dir" volume --since=24h '{job="bench"}' | volume_total)
  store_ms+=("$(calc "($(now_ns) - $t0) / 1e6")")
  [ "$got" = "$pushed" ] || { echo "volume.sh: logcli --store answered $got, expected $pushed" >&2; exit 1; }
done

echo "## index/volume ($STREAMS streams, $PER_STREAM lines each, $pushed line bytes; $QUERIES requests each)"
echo
echo '| query | from head blocks: logd CPU per request | wall (median) | from the store index: logd CPU per request | wall (median) |'
echo '|---|---|---|---|---|'
for q in "one:\`{job=\"bench\"}\` (one series)" "app:\`{app=~\".+\"}\` (1000 series, top 100)" \
  "labels:\`{job=\"bench\"}\`, aggregateBy=labels" "range:volume_range \`{job=\"bench\"}\`, 24h at step=1h"; do
  k=${q%%:*}
  echo "| ${q#*:} | ${row["memory $k"]} | ${row["store $k"]} |"
done
echo
printf '`logcli --store volume {job="bench"}` (process start included, no server): %.1f ms median.\n' \
  "$(printf '%s\n' "${store_ms[@]}" | median)"
