#!/usr/bin/env bash
# Stored-query benchmark (issue 14): the corpus pushed to a real logd and flushed by SIGTERM, then
# `{job="bench"} |= "needle-7f3a"` (rare) and `|= "panic"` (common) with logcli --store, in paired
# runs beside `zstd -dc corpus.zst | grep -F` on the same bytes: each run times logcli and then the
# reference back to back, and the ratios are medians of the per-pair ratios, by wall time and by
# CPU time (user+sys of every process; the figure to trust on a shared machine). Variants: the
# default (block filters, 2 read threads), --store-read-threads=0, and --no-store-block-filters
# --store-read-threads=0 (what the store did before the filters). Also bytes on disk against
# `zstd -3`, and the filters' bytes per raw byte and false-positive rate (bench/filter_fpr.py).
#
#   BIN=build/bin bash bench/store.sh                  # 100 MB corpus, 5 runs
#   BENCH_MB=20 BENCH_RUNS=3 bash bench/store.sh       # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-100}
RUNS=${BENCH_RUNS:-5}
LOADGEN=${LOADGEN:-$BIN/loadgen}
for tool in "$BIN/logd" "$BIN/logcli" "$LOADGEN"; do
  [ -x "$tool" ] || { echo "store.sh: $tool is missing (make tools bench-tools)" >&2; exit 1; }
done
out=$here/out
mkdir -p "$out"
work=$(mktemp -d "$out/store-bench.XXXXXX")
logd_pid=""
cleanup() { [ -n "$logd_pid" ] && kill -9 "$logd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

corpus=$(bench_corpus "$MB")
bytes=$(stat -c %s "$corpus")
calc() { python3 -c "print($1)"; }

"$BIN/logd" -server.http-listen-port=0 -common.path-prefix="$work/data" -distributor.ingestion-rate-limit-mb=100000 \
  -distributor.ingestion-burst-size-mb=100000 -ingester.max-global-streams-per-user=0 2>"$work/logd.log" &
logd_pid=$!
addr=""
for _ in $(seq 200); do
  addr=$(grep -o 'address=[0-9.]*:[0-9]*' "$work/logd.log" | head -1 | cut -d= -f2 || true)
  [ -n "$addr" ] && curl -sf "http://$addr/ready" >/dev/null && break
  sleep 0.05
done
"$LOADGEN" push --url "http://$addr/loki/api/v1/push" --corpus "$corpus" --format proto --conns 4 >/dev/null
kill -TERM "$logd_pid"
wait "$logd_pid" || true
logd_pid=""
zstd -3 -q -c "$corpus" > "$work/corpus.zst"
store_bytes=$(find "$work/data/store" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
zstd_bytes=$(stat -c %s "$work/corpus.zst")

echo "## Stored queries"
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "corpus: $((bytes / 1048576)) MiB; store $store_bytes bytes = $(calc "round($store_bytes / $zstd_bytes, 3)")x zstd -3 ($zstd_bytes)"
python3 "$here/filter_fpr.py" "$work/data/store" needle-7f3a panic | sed 's/^/filters: /'
echo

# timed CMD: runs CMD (output to a file), prints "wall_s cpu_s" (cpu: user+sys of every process
# of CMD). perf stat's task-clock when perf works (GNU time's 10 ms steps are coarse next to
# queries of 50 ms), else GNU time.
if command -v perf > /dev/null && perf stat -e task-clock true > /dev/null 2>&1; then
  timed() {
    perf stat --no-big-num -e task-clock -o "$work/t" bash -c "$1" > "$work/q.out"
    awk '/task-clock/ {cpu = $1 / 1000} /seconds time elapsed/ {wall = $1} END {printf "%.4f %.4f\n", wall, cpu}' "$work/t"
  }
else
  timed() {
    /usr/bin/time -f '%e %U %S' -o "$work/t" bash -c "$1" > "$work/q.out"
    awk '{print $1, $2 + $3}' "$work/t"
  }
fi
echo '| query | logcli --store variant | wall vs reference (median of paired ratios) | CPU-time vs reference | logcli wall / CPU s | reference wall / CPU s |'
echo '|---|---|---|---|---|---|'
for needle in needle-7f3a panic; do
  q="'{job=\"bench\"} |= \"$needle\"'"
  for variant in "" "--store-read-threads=0" "--store-read-threads=0 --no-store-block-filters"; do
    wr=() cr=() lw=() lc=() rw=() rc=()
    for _ in $(seq "$RUNS"); do
      read -r w c < <(timed "$BIN/logcli --store $work/data $variant query --limit=0 --since=240h -o raw -q $q")
      got=$(wc -l < "$work/q.out")
      read -r w2 c2 < <(timed "zstd -dc $work/corpus.zst | grep -F $needle")
      want=$(wc -l < "$work/q.out")
      [ "$got" = "$want" ] || { echo "store.sh: logcli found $got lines, grep $want" >&2; exit 1; }
      wr+=("$(calc "$w2 / max($w, 0.001)")"); cr+=("$(calc "$c2 / max($c, 0.001)")")
      lw+=("$w"); lc+=("$c"); rw+=("$w2"); rc+=("$c2")
    done
    printf '| `|= "%s"` | %s | %.2fx | %.2fx | %s / %s | %s / %s |\n' "$needle" "${variant:-default (filters, 2 read threads)}" \
      "$(printf '%s\n' "${wr[@]}" | median)" "$(printf '%s\n' "${cr[@]}" | median)" \
      "$(printf '%s\n' "${lw[@]}" | median)" "$(printf '%s\n' "${lc[@]}" | median)" \
      "$(printf '%s\n' "${rw[@]}" | median)" "$(printf '%s\n' "${rc[@]}" | median)"
  done
done
echo
