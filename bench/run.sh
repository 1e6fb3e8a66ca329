#!/usr/bin/env bash
# LogQL pipeline throughput over a generated corpus, each query beside a reference tool doing
# comparable work on the same bytes in the same run. Prints a Markdown table (medians).
#
#   BIN=build/bin bash bench/run.sh            # 100 MB corpus, 5 runs each
#   BENCH_MB=20 BENCH_RUNS=3 bash bench/run.sh  # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-100}
RUNS=${BENCH_RUNS:-5}
out=$here/out
mkdir -p "$out"

# Prefer the shared generator when the project has one, else ours; the corpus is cached.
gen=$here/gen-logs
[ -x "$here/../../shared/bench/gen-logs" ] && gen=$here/../../shared/bench/gen-logs
corpus=$out/corpus-${MB}mb.log
json=$out/corpus-${MB}mb.json.log
[ -s "$corpus" ] || "$gen" --mb "$MB" > "$corpus"
[ -s "$json" ] || grep -F '{"ts"' "$corpus" > "$json"
bytes=$(stat -c %s "$corpus")
jbytes=$(stat -c %s "$json")

# median_seconds CMD...: runs CMD (stdout to a scratch file) RUNS times, prints the median wall time.
median_seconds() {
  local times=()
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > "$out/output.tmp"  # a real file: GNU grep stops at the first match when writing to /dev/null
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

mbps() { echo "scale=1; $1 / 1048576 / $2" | bc -l; }

row() {  # name ours_cmd ref_name ref_cmd size_ours [size_ref]
  local name=$1 ours=$2 refname=$3 ref=$4 size=$5 rsize=${6:-$5}
  local to tr
  to=$(median_seconds bash -c "$ours")
  tr=$(median_seconds bash -c "$ref")
  # Ratio of throughputs (MB/s over MB/s), so different inputs still compare fairly.
  printf '| %s | %s | %s | %s | %s | %.2fx |\n' "$name" "$(mbps "$size" "$to")" "$refname" "$(mbps "$rsize" "$tr")" \
    "$(echo "$to" | awk '{printf "%.3fs", $1}')" "$(echo "($size / $to) / ($rsize / $tr)" | bc -l)"
}

lc="$BIN/logcli query --stdin --limit=0 --forward -o raw -q"
echo "corpus: $corpus ($((bytes / 1048576)) MiB, $(wc -l < "$corpus") lines); JSON subset $((jbytes / 1048576)) MiB; median of $RUNS runs"
echo
echo '| query | logcli MB/s | reference | reference MB/s | logcli time | speed vs reference |'
echo '|---|---|---|---|---|---|'
row '`|= "needle-7f3a"`' "$lc '{job=\"bench\"} |= \"needle-7f3a\"' < $corpus" \
  'grep -F needle-7f3a' "grep -F needle-7f3a $corpus" "$bytes"
row '`|= "panic"`' "$lc '{job=\"bench\"} |= \"panic\"' < $corpus" \
  'grep -F panic' "grep -F panic $corpus" "$bytes"
row '`|~ "status=5[0-9]{2}"`' "$lc '{job=\"bench\"} |~ \"status=5[0-9]{2}\"' < $corpus" \
  'grep -E' "grep -E 'status=5[0-9]{2}' $corpus" "$bytes"
row '`| json | status >= 500` (JSON lines)' "$lc '{job=\"bench\"} | json | status >= 500' < $json" \
  'jq -c "select(.status >= 500)"' "jq -c 'select(.status >= 500)' $json" "$jbytes"
row '`| json` (JSON lines)' "$lc '{job=\"bench\"} | json' < $json" \
  'jq -c .' "jq -c . $json" "$jbytes"
row '`| logfmt | level="error"`' "$lc '{job=\"bench\"} | logfmt | level=\"error\"' < $corpus" \
  'jq -c . (JSON subset)' "jq -c . $json" "$bytes" "$jbytes"
row '`sum by (level) (count_over_time(... | logfmt [1m]))`' \
  "$BIN/logcli instant-query --stdin -q 'sum by (level) (count_over_time({job=\"bench\"} | logfmt [1m]))' < $corpus" \
  'grep -c level=error' "grep -c level=error $corpus" "$bytes"
