#!/usr/bin/env bash
# The cost of mining log patterns at ingest (issue 16, pattern_ingester): logd's push throughput in
# lines per CPU-second of logd (utime+stime from /proc around the push) with
# -pattern-ingester.enabled off and on, on the same corpus and streams, and the CPU time of one
# /loki/api/v1/patterns request over every stream. CPU time is the figure to compare: the machine
# is shared, so wall times vary with whatever else runs. Each "on" run checks that the answer
# has patterns. Prints a Markdown table; every figure is the median of BENCH_RUNS runs.
#
#   BIN=build/bin bash bench/patterns.sh
#   BENCH_MB=20 BENCH_RUNS=3 bash bench/patterns.sh     # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-40}
RUNS=${BENCH_RUNS:-5}
STREAMS=${BENCH_STREAMS:-100}
QUERIES=${BENCH_QUERIES:-5}
LOADGEN=${LOADGEN:-$BIN/loadgen}
out=$here/out
mkdir -p "$out"
for tool in "$BIN/logd" "$LOADGEN"; do
  [ -x "$tool" ] || { echo "patterns.sh: $tool is missing (make tools bench-tools)" >&2; exit 1; }
done
work=$(mktemp -d "$out/patterns-bench.XXXXXX")
logd_pid=""
cleanup() { [ -n "$logd_pid" ] && kill -9 "$logd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

corpus=$(bench_corpus "$MB")
lines=$(wc -l < "$corpus")

calc() { python3 -c "print($1)"; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

start_logd() {  # DATA_DIR ENABLED: sets logd_pid and addr
  local log=$work/logd-$RANDOM.log
  "$BIN/logd" -server.http-listen-port=0 -common.path-prefix="$1" -pattern-ingester.enabled="$2" \
    -distributor.ingestion-rate-limit-mb=100000 -distributor.ingestion-burst-size-mb=100000 \
    -ingester.max-global-streams-per-user=0 2>"$log" &
  logd_pid=$!
  for _ in $(seq 200); do
    addr=$(grep -o 'address=[0-9.]*:[0-9]*' "$log" | head -1 | cut -d= -f2 || true)
    [ -n "$addr" ] && curl -sf "http://$addr/ready" >/dev/null && return 0
    sleep 0.05
  done
  echo "patterns.sh: logd did not start: $(cat "$log")" >&2
  exit 1
}
stop_logd() { kill -TERM "$logd_pid"; wait "$logd_pid" || true; logd_pid=""; }

declare -A lps
query_ms=()
patterns_found=0
for run in $(seq "$RUNS"); do
  for enabled in false true; do
    rm -rf "$work/data"
    start_logd "$work/data" "$enabled"
    c0=$(cpu_of "$logd_pid")
    "$LOADGEN" push --url "http://$addr/loki/api/v1/push" --corpus "$corpus" --format proto --conns 2 \
      --streams "$STREAMS" --lines-per-stream 1000 --batch-lines 2000 >/dev/null
    c1=$(cpu_of "$logd_pid")
    lps[$enabled]+="$(calc "$lines / max($c1 - $c0, 0.001)") "
    if [ "$enabled" = true ]; then
      start=$(( ($(date +%s) - 3600) * 1000000000 ))
      end=$(( ($(date +%s) + 60) * 1000000000 ))
      q0=$(cpu_of "$logd_pid")
      for _ in $(seq "$QUERIES"); do
        body=$(curl -sf -G "http://$addr/loki/api/v1/patterns" --data-urlencode 'query={job="bench"}' \
          --data-urlencode "start=$start" --data-urlencode "end=$end")
      done
      q1=$(cpu_of "$logd_pid")
      query_ms+=("$(calc "($q1 - $q0) * 1000 / $QUERIES")")
      patterns_found=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))' <<<"$body")
      [ "$patterns_found" -gt 0 ] || { echo "patterns.sh: the patterns answer is empty" >&2; exit 1; }
    fi
    stop_logd
  done
done
off=$(tr ' ' '\n' <<<"${lps[false]}" | grep . | median)
on=$(tr ' ' '\n' <<<"${lps[true]}" | grep . | median)

echo "## pattern mining at ingest ($MB MB corpus, $lines lines, $STREAMS streams; median of $RUNS runs)"
echo
echo '| pattern_ingester | lines/s per logd CPU-second | relative |'
echo '|---|---|---|'
printf '| off (the default) | %.0f | 1.00 |\n' "$off"
printf '| on | %.0f | %.2f |\n' "$on" "$(calc "$on / $off")"
echo
printf '`/loki/api/v1/patterns` over `{job="bench"}` (%d patterns kept): %.1f ms of logd CPU per request.\n' \
  "$patterns_found" "$(printf '%s\n' "${query_ms[@]}" | median)"
