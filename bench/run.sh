#!/usr/bin/env bash
# LogQL pipeline throughput over a generated corpus, each query beside a reference tool doing
# comparable work on the same bytes, measured in the same run. Prints the machine (CPU model,
# kernel) and a Markdown table.
#
# Measure: CPU time of each command (user + sys, children included: `perf stat -e task-clock`,
# else GNU time's user+sys at 10 ms resolution), so that other work on a shared machine changes
# the figures less than wall time would. Each run times logcli and its reference back to back
# (paired, interleaved), and the ratio column is the median of the per-pair ratios: a slow
# moment of the machine then weighs on both sides of a pair.
#
#   BIN=build/bin bash bench/run.sh            # 100 MB corpus, 5 runs each
#   BENCH_MB=20 BENCH_RUNS=3 bash bench/run.sh  # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-100}
RUNS=${BENCH_RUNS:-5}
out=$here/out
mkdir -p "$out"

corpus=$(bench_corpus "$MB")
json=$out/corpus-${MB}mb.json.log
[ -s "$json" ] || grep -F '{"ts"' "$corpus" > "$json"
bytes=$(stat -c %s "$corpus")
jbytes=$(stat -c %s "$json")

# cpu_seconds CMD: runs `bash -c CMD` (stdout to a scratch file: GNU grep stops at the first
# match when writing to /dev/null) and prints its CPU seconds.
if command -v perf > /dev/null && perf stat -x, -e task-clock true > /dev/null 2>&1; then
  how='perf stat -e task-clock (user+sys CPU, children included)'
  cpu_seconds() {
    perf stat -x, -e task-clock -o "$out/stat.tmp" bash -c "$1" > "$out/output.tmp"
    awk -F, '/task-clock/ {printf "%.6f\n", $1 / 1000}' "$out/stat.tmp"
  }
elif [ -x /usr/bin/time ]; then
  how='GNU time user+sys (10 ms resolution; install linux-perf for better)'
  cpu_seconds() {
    /usr/bin/time -f '%U %S' -o "$out/stat.tmp" bash -c "$1" > "$out/output.tmp"
    awk '{printf "%.6f\n", $1 + $2}' "$out/stat.tmp"
  }
else
  echo "bench/run.sh needs perf (linux-perf) or GNU time (time)" >&2
  exit 1
fi

mbps() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.0f", b / 1048576 / s}'; }

row() {  # name ours_cmd ref_name ref_cmd size_ours [size_ref]
  local name=$1 ours=$2 refname=$3 ref=$4 size=$5 rsize=${6:-$5}
  local to=() tr=() ratios=() a b
  cpu_seconds "$ours" > /dev/null  # warm the page cache and the binaries
  for _ in $(seq "$RUNS"); do
    a=$(cpu_seconds "$ours")
    b=$(cpu_seconds "$ref")
    to+=("$a")
    tr+=("$b")
    # Ratio of throughputs per CPU-second, so different inputs still compare fairly.
    ratios+=("$(awk -v s="$size" -v a="$a" -v r="$rsize" -v b="$b" 'BEGIN {printf "%.4f", (s / a) / (r / b)}')")
  done
  local mo mr
  mo=$(printf '%s\n' "${to[@]}" | median)
  mr=$(printf '%s\n' "${tr[@]}" | median)
  printf '| %s | %s | %s | %s | %s | %.2fx |\n' "$name" "$(mbps "$size" "$mo")" "$refname" "$(mbps "$rsize" "$mr")" \
    "$(awk -v s="$mo" 'BEGIN {printf "%.3f s", s}')" "$(printf '%s\n' "${ratios[@]}" | median)"
}

cpu=$(lscpu 2>/dev/null | awk -F: '/^Model name/ {sub(/^[ \t]+/, "", $2); print $2; exit}')
[ -n "$cpu" ] || cpu=$(awk -F: '/^model name/ {sub(/^[ \t]+/, "", $2); print $2; exit}' /proc/cpuinfo 2>/dev/null)
echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr)"
echo "corpus: $corpus ($((bytes / 1048576)) MiB, $(wc -l < "$corpus") lines); JSON subset $((jbytes / 1048576)) MiB"
echo "measure: $how; median of $RUNS paired runs"
echo
echo '| query | logcli MB per CPU-second | reference | reference MB per CPU-second | logcli CPU time | logcli speed vs reference (median of paired ratios) |'
echo '|---|---|---|---|---|---|'
lc="$BIN/logcli query --stdin --limit=0 --forward -o raw -q"
row '`\|= "needle-7f3a"`' "$lc '{job=\"bench\"} |= \"needle-7f3a\"' < $corpus" \
  '`grep -F needle-7f3a`' "grep -F needle-7f3a $corpus" "$bytes"
row '`\|= "panic"`' "$lc '{job=\"bench\"} |= \"panic\"' < $corpus" \
  '`grep -F panic`' "grep -F panic $corpus" "$bytes"
row '`\|~ "status=5[0-9]{2}"`' "$lc '{job=\"bench\"} |~ \"status=5[0-9]{2}\"' < $corpus" \
  "\`grep -E 'status=5[0-9]{2}'\`" "grep -E 'status=5[0-9]{2}' $corpus" "$bytes"
row '`\| json \| status >= 500` (JSON lines)' "$lc '{job=\"bench\"} | json | status >= 500' < $json" \
  "\`jq -c 'select(.status >= 500)'\`" "jq -c 'select(.status >= 500)' $json" "$jbytes"
row '`\| json` (JSON lines, every line kept)' "$lc '{job=\"bench\"} | json' < $json" \
  '`jq -c .`' "jq -c . $json" "$jbytes"
row '`\| logfmt \| level="error"`' "$lc '{job=\"bench\"} | logfmt | level=\"error\"' < $corpus" \
  '`jq -c .` (JSON subset)' "jq -c . $json" "$bytes" "$jbytes"
row '`sum by (level) (count_over_time({...} \| logfmt [1m]))` (instant)' \
  "$BIN/logcli instant-query --stdin -q 'sum by (level) (count_over_time({job=\"bench\"} | logfmt [1m]))' < $corpus" \
  '`grep -c level=error`' "grep -c level=error $corpus" "$bytes"
