#!/usr/bin/env bash
# logd benchmarks on loopback (issue 3, item 9), each beside a reference measured in the same run:
#  1. push throughput, protobuf+snappy, JSON and OTLP protobuf (/otlp/v1/logs), from bench/loadgen (bodies encoded before the
#     clock starts, several keep-alive connections): lines/s and MB/s of raw line bytes, and MB/s
#     per CPU-second logd used (/proc/<pid>/stat utime+stime around the push; robust to a busy
#     machine), as a ratio to `zstd -1 -T1` compressing the same corpus, measured in the same
#     run by its own CPU time (user+sys): the unavoidable work of storing the bytes compressed.
#     Reference for wall rates: the same generator against a null receiver (its ceiling).
#  2. bytes on disk (chunks + index after the SIGTERM flush) per raw byte, beside `zstd -3`.
#  3. `|= "needle"` over the stored data, via logcli --store and via the HTTP API, in GB/s of raw
#     bytes, beside `zstd -dc corpus.zst | grep -F needle` (both must find the same lines).
#  4. label-selective query latency ({app="appN"} matches 1 in 1000 streams) with 10k and 100k
#     streams: from logd's memory, then from the store after a restart, and via logcli --store;
#     the SIGTERM flush of those streams (wall and logd CPU seconds, objects written, and
#     objects per GiB of raw lines).
#  5. logd's RSS with 100k and 1M active streams of 2 short lines each (BENCH_RSS_STREAMS): VmRSS
#     before and after the push, the log data the ingester holds (logd_ingester_memory_bytes),
#     and what each idle stream costs beyond its data; then (up to BENCH_FLUSH_MAX_STREAMS) their
#     SIGTERM flush: wall, logd CPU, and the chunk, segment and index files written.
# Every figure is the median of BENCH_RUNS runs (queries: BENCH_QUERIES). Prints Markdown tables.
#
#   BIN=build/bin bash bench/logd.sh                       # 100 MB corpus, 5 runs
#   BENCH_MB=20 BENCH_RUNS=3 bash bench/logd.sh            # quicker
#   BENCH_STREAMS="10000" bash bench/logd.sh               # skip the 100k-stream case
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-100}
RUNS=${BENCH_RUNS:-5}
QUERIES=${BENCH_QUERIES:-9}
CONNS=${BENCH_CONNS:-4}
STREAM_COUNTS=${BENCH_STREAMS:-10000 100000}
RSS_STREAM_COUNTS=${BENCH_RSS_STREAMS:-100000 1000000}
# The store-side latency is measured only up to this many streams (it needs a SIGTERM flush of
# every stream). Also bounds the SIGTERM flush measured after the RSS case. Lower it for a
# quicker run.
FLUSH_MAX=${BENCH_FLUSH_MAX_STREAMS:-100000}
LOADGEN=${LOADGEN:-$BIN/loadgen}
out=$here/out
mkdir -p "$out"
for tool in "$BIN/logd" "$BIN/logcli" "$LOADGEN"; do
  [ -x "$tool" ] || { echo "logd.sh: $tool is missing (make tools bench-tools)" >&2; exit 1; }
done

work=$(mktemp -d "$out/logd-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The same cached corpus as bench/run.sh.
corpus=$(bench_corpus "$MB")
bytes=$(stat -c %s "$corpus")
needle=needle-7f3a

calc() { python3 -c "print($1)"; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
now_ns() { date +%s%N; }

# start_logd DATA_DIR: sets LOGD_PID and LOGD_ADDR. Limits are lifted: we measure speed, not limits.
# logd runs under GNU time, so its total CPU (flush included) is known after it exits.
start_logd() {
  local log=$work/logd-$RANDOM.log
  rm -f "$work/logd.rusage"
  /usr/bin/time -f '%U %S' -o "$work/logd.rusage" "$BIN/logd" -server.http-listen-port=0 -common.path-prefix="$1" \
    -distributor.ingestion-rate-limit-mb=100000 -distributor.ingestion-burst-size-mb=100000 \
    -ingester.max-global-streams-per-user=0 2>"$log" &
  WRAP_PID=$!
  pids+=("$WRAP_PID")
  LOGD_PID="" LOGD_ADDR=""
  for _ in $(seq 200); do
    [ -n "$LOGD_PID" ] || { LOGD_PID=$(pgrep -P "$WRAP_PID" || true); [ -n "$LOGD_PID" ] && pids+=("$LOGD_PID"); }
    LOGD_ADDR=$(grep -o 'address=[0-9.]*:[0-9]*' "$log" | head -1 | cut -d= -f2 || true)
    [ -n "$LOGD_ADDR" ] && [ -n "$LOGD_PID" ] && curl -sf "http://$LOGD_ADDR/ready" >/dev/null && return 0
    sleep 0.05
  done
  echo "logd.sh: logd did not start:" >&2
  cat "$log" >&2
  exit 1
}

# forget_pid PID: a process we reaped leaves the kill list, so the trap never hits a reused pid.
forget_pid() {
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

# stop_logd: SIGTERM (flush every stream to the store), wait; sets FLUSH_S and LOGD_CPU_S (logd's
# user+sys CPU over its whole life, from GNU time).
stop_logd() {
  local t0
  t0=$(now_ns)
  kill -TERM "$LOGD_PID"
  wait "$WRAP_PID" || { echo "logd.sh: logd exited with an error" >&2; exit 1; }
  FLUSH_S=$(calc "($(now_ns) - $t0) / 1e9")
  LOGD_CPU_S=$(tail -1 "$work/logd.rusage" | awk '{print $1 + $2}')
  forget_pid "$WRAP_PID"
  forget_pid "$LOGD_PID"
}

# kill_logd: SIGKILL, no flush.
kill_logd() {
  kill -9 "$LOGD_PID"
  wait "$WRAP_PID" 2>/dev/null || true
  forget_pid "$WRAP_PID"
  forget_pid "$LOGD_PID"
}

# push URL FORMAT [loadgen flags...]: one loadgen run; prints its key=value line, fails on errors.
push() {
  local url=$1 format=$2
  shift 2
  local result
  if ! result=$("$LOADGEN" push --url "$url" --corpus "$corpus" --format "$format" --conns "$CONNS" "$@"); then
    echo "logd.sh: push failed: $result" >&2
    exit 1
  fi
  echo "$result"
}

lines=$(wc -l < "$corpus")
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
[ -n "$cpu_model" ] || cpu_model=$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)
echo "## logd"
echo
echo "CPU: ${cpu_model:-unknown} ($(nproc) cores); corpus: $corpus ($((bytes / 1048576)) MiB, $lines lines); $CONNS connections; median of $RUNS runs; $(nproc) cores shared by logd and the generator"
echo

# --- 0. The reference: zstd -1 on one core, CPU time ----------------------------------------
z=()
for _ in $(seq "$RUNS"); do
  /usr/bin/time -f '%U %S' -o "$work/zstd.rusage" zstd -1 -T1 -q -c "$corpus" > /dev/null
  z+=("$(calc "$bytes / 1048576 / max($(awk '{print $1 + $2}' "$work/zstd.rusage"), 0.01)")")
done
zstd1_mbps=$(printf '%s\n' "${z[@]}" | median)

# --- 1. Push throughput ---------------------------------------------------------------------
"$LOADGEN" null --port-file "$work/null.port" >/dev/null &
pids+=($!)
disown  # killed by the EXIT trap; no "Killed" job notice
for _ in $(seq 100); do [ -s "$work/null.port" ] && break; sleep 0.05; done
null_url="http://127.0.0.1:$(cat "$work/null.port")/loki/api/v1/push"

# OTLP: loadgen's stream labels (job, app, instance) are not in Loki's default index-label list;
# this otlp_config keeps them stream labels, so every format stores the same streams (OTLP's with
# the service_name Loki's ingest derives from app).
cat >"$work/otlp.yaml" <<'YAML'
limits_config:
  otlp_config:
    resource_attributes:
      attributes_config:
        - {action: index_label, attributes: [job, app, instance]}
YAML
push_path() { if [ "$1" = otlp ]; then echo /otlp/v1/logs; else echo /loki/api/v1/push; fi; }
logd_flags() { if [ "$1" = otlp ]; then echo "-config.file=$work/otlp.yaml"; fi; }

declare -A gen_mbps logd_lps logd_mbps logd_cpu_mbps logd_all_mbps
for format in proto json otlp; do
  g=() l=() m=() c=() a=()
  for run in $(seq "$RUNS"); do
    r=$(push "$null_url" "$format")
    g+=("$(calc "$(field "$r" raw_bytes) / 1048576 / $(field "$r" wall_s)")")

    rm -rf "$work/data-$format"
    start_logd "$work/data-$format" $(logd_flags "$format")
    c0=$(cpu_of "$LOGD_PID")
    r=$(push "http://$LOGD_ADDR$(push_path "$format")" "$format")
    c1=$(cpu_of "$LOGD_PID")
    stop_logd
    wall=$(field "$r" wall_s)
    l+=("$(calc "$(field "$r" lines) / $wall")")
    m+=("$(calc "$(field "$r" raw_bytes) / 1048576 / $wall")")
    c+=("$(calc "$(field "$r" raw_bytes) / 1048576 / max($c1 - $c0, 0.01)")")
    a+=("$(calc "$(field "$r" raw_bytes) / 1048576 / max($LOGD_CPU_S - $c0, 0.01)")")
    [ "$run" = 1 ] && [ "$format" = proto ] && flush_s=$FLUSH_S
  done
  gen_mbps[$format]=$(printf '%s\n' "${g[@]}" | median)
  logd_lps[$format]=$(printf '%s\n' "${l[@]}" | median)
  logd_mbps[$format]=$(printf '%s\n' "${m[@]}" | median)
  logd_cpu_mbps[$format]=$(printf '%s\n' "${c[@]}" | median)
  logd_all_mbps[$format]=$(printf '%s\n' "${a[@]}" | median)
done

echo '| push body | logd lines/s | logd MB/s (wall) | logd MB/s per CPU-second: push | push + SIGTERM flush | vs `zstd -1` on one core | generator alone (null receiver) MB/s |'
echo '|---|---|---|---|---|---|---|'
for format in proto json otlp; do
  name='protobuf + snappy'
  [ "$format" = json ] && name=JSON
  [ "$format" = otlp ] && name='OTLP protobuf (`/otlp/v1/logs`)'
  printf '| %s | %.0f | %.1f | %.1f | %.1f | **%.2fx** | %.1f |\n' "$name" "${logd_lps[$format]}" "${logd_mbps[$format]}" \
    "${logd_cpu_mbps[$format]}" "${logd_all_mbps[$format]}" "$(calc "${logd_all_mbps[$format]} / $zstd1_mbps")" "${gen_mbps[$format]}"
done
printf '| `zstd -1 -T1` of the same corpus (reference) | | | %.1f | | 1.00x | |\n' "$zstd1_mbps"
echo
echo "MB = 2^20 bytes of raw line text. Per CPU-second: logd's utime+stime during the push (/proc/<pid>/stat), and from just before the push to its exit after the SIGTERM flush (GNU time), which includes compressing the chunks still open at the end; WAL on (the default). The ratio is push + flush against \`zstd -1 -T1 -c corpus\` (user+sys CPU, median of $RUNS) in this run: aims 0.6x (protobuf) and 0.4x (JSON). OTLP bodies (uncompressed protobuf, as logtail's \`format: otlp\` sends them) carry the same streams (their labels indexed by \`otlp_config\`). Wall rates share $(nproc) cores with the generator and other users of the machine."
echo

# --- 2. Bytes on disk -----------------------------------------------------------------------
data=$work/data-proto  # the last protobuf run, flushed by SIGTERM
sum_sizes() { find "$@" -type f -printf '%s\n' 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
chunk_bytes=$(find "$data/store" -path '*/chunks/*' -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
index_bytes=$(find "$data/store" -path '*/index/*' -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
wal_bytes=$(sum_sizes "$data/wal")
zstd -3 -q -c "$corpus" > "$work/corpus.zst"
zstd_bytes=$(stat -c %s "$work/corpus.zst")
store_bytes=$((chunk_bytes + index_bytes))
echo '| on disk after SIGTERM flush | bytes | per raw byte | vs `zstd -3` |'
echo '|---|---|---|---|'
printf '| logd chunks + index | %d (chunks %d, index %d; WAL left %d) | %.3f | %.2fx |\n' "$store_bytes" "$chunk_bytes" \
  "$index_bytes" "$wal_bytes" "$(calc "$store_bytes / $bytes")" "$(calc "$store_bytes / $zstd_bytes")"
printf '| `zstd -3` of the corpus | %d | %.3f | 1.00x |\n' "$zstd_bytes" "$(calc "$zstd_bytes / $bytes")"
echo
printf 'SIGTERM flush of %s MiB in 16 streams took %.2f s (first run).\n\n' "$((bytes / 1048576))" "$flush_s"

# --- 3. |= "needle" over stored data ---------------------------------------------------------
expected=$(grep -cF "$needle" "$corpus")
# median_gbps NAME CMD: runs CMD (output to a file) RUNS times, checks it found every needle line.
median_gbps() {
  local name=$1 cmd=$2 times=() t0 found
  for _ in $(seq "$RUNS"); do
    t0=$(now_ns)
    bash -c "$cmd" > "$work/needle.out"
    times+=("$(calc "($(now_ns) - $t0) / 1e9")")
    found=$(grep -cF "$needle" "$work/needle.out" || true)
    [ "$found" = "$expected" ] || { echo "logd.sh: $name found $found lines, expected $expected" >&2; exit 1; }
  done
  local t
  t=$(printf '%s\n' "${times[@]}" | median)
  printf '%s %s\n' "$(calc "$bytes / 1e9 / $t")" "$t"
}
q="'{job=\"bench\"} |= \"$needle\"'"
read -r store_gbps store_s < <(median_gbps 'logcli --store' "$BIN/logcli --store $data query --limit=0 --since=24h -o raw -q $q")
start_logd "$data"
read -r http_gbps http_s < <(median_gbps 'logcli via HTTP' "$BIN/logcli --addr=http://$LOGD_ADDR query --limit=0 --since=24h -o raw -q $q")
stop_logd
read -r ref_gbps ref_s < <(median_gbps 'zstd -dc | grep -F' "zstd -dc $work/corpus.zst | grep -F $needle")
echo "| \`{job=\"bench\"} |= \"$needle\"\` over stored data ($expected matching lines) | GB/s of raw bytes | time | vs reference |"
echo '|---|---|---|---|'
printf '| logcli --store (reads chunks directly) | %.2f | %.3fs | %.2fx |\n' "$store_gbps" "$store_s" "$(calc "$store_gbps / $ref_gbps")"
printf '| logcli against logd (HTTP query_range) | %.2f | %.3fs | %.2fx |\n' "$http_gbps" "$http_s" "$(calc "$http_gbps / $ref_gbps")"
printf '| `zstd -dc corpus.zst \\| grep -F %s` | %.2f | %.3fs | 1.00x |\n' "$needle" "$ref_gbps" "$ref_s"
echo
echo 'GB = 10^9 bytes of the raw corpus.'
echo

# --- 4. Label-selective query latency --------------------------------------------------------
# Each stream gets 4 lines of the corpus (fewer if it is too small); {app="app7"} matches streams 7, 1007, 2007, ...
# median_ms CMD: median wall milliseconds of QUERIES runs of CMD, which must print EXPECT_LINES lines.
median_ms() {
  local cmd=$1 times=() t0 got
  for _ in $(seq "$QUERIES"); do
    t0=$(now_ns)
    bash -c "$cmd" > "$work/select.out"
    times+=("$(calc "($(now_ns) - $t0) / 1e6")")
    got=$(wc -l < "$work/select.out")
    [ "$got" = "$EXPECT_LINES" ] || { echo "logd.sh: $cmd printed $got lines, expected $EXPECT_LINES" >&2; exit 1; }
  done
  printf '%s\n' "${times[@]}" | median
}
per_stream=4
echo '| streams (`{app="app7"}` matches) | push (lines/s) | query from memory | SIGTERM flush: wall, logd CPU | objects written (per GiB of raw lines) | query from store (HTTP, after restart) | logcli --store |'
echo '|---|---|---|---|---|---|---|'
for streams in $STREAM_COUNTS; do
  dir=$work/streams-$streams
  per_stream=$(( lines / streams < 4 ? lines / streams : 4 ))
  [ "$per_stream" -ge 1 ] || { echo "logd.sh: corpus too small for $streams streams" >&2; exit 1; }
  start_logd "$dir"
  r=$(push "http://$LOGD_ADDR/loki/api/v1/push" proto --streams "$streams" --lines-per-stream "$per_stream" \
    --max-lines $((streams * per_stream)) --batch-lines 4000)
  push_lps=$(calc "$(field "$r" lines) / $(field "$r" wall_s)")
  matching=$(( (streams - 7 + 999) / 1000 ))
  EXPECT_LINES=$((matching * per_stream))
  sel="'{app=\"app7\"}'"
  http_cmd="$BIN/logcli --addr=http://$LOGD_ADDR query --limit=0 --since=24h -o raw -q $sel"
  mem_ms=$(median_ms "$http_cmd")
  if [ "$streams" -gt "$FLUSH_MAX" ]; then
    kill_logd
    printf '| %d (%d) | %.0f | %.1f ms | not run (> BENCH_FLUSH_MAX_STREAMS=%d) | not run | not run | not run |\n' \
      "$streams" "$matching" "$push_lps" "$mem_ms" "$FLUSH_MAX"
    rm -rf "$dir"
    continue
  fi
  cpu_before_flush=$(cpu_of "$LOGD_PID")
  stop_logd
  flush=$FLUSH_S
  flush_cpu=$(calc "$LOGD_CPU_S - $cpu_before_flush")
  objects=$(find "$dir/store" -type f \( -path '*/chunks/*' -o -path '*/index/*' \) | wc -l)
  raw=$(field "$r" raw_bytes)
  start_logd "$dir"
  http_cmd="$BIN/logcli --addr=http://$LOGD_ADDR query --limit=0 --since=24h -o raw -q $sel"
  disk_ms=$(median_ms "$http_cmd")
  stop_logd
  store_ms=$(median_ms "$BIN/logcli --store $dir query --limit=0 --since=24h -o raw -q $sel")
  printf '| %d (%d) | %.0f | %.1f ms | %.1f s, %.1f s | %d (%.0f) | %.1f ms | %.1f ms |\n' "$streams" "$matching" \
    "$push_lps" "$mem_ms" "$flush" "$flush_cpu" "$objects" "$(calc "$objects / max($raw, 1) * 2**30")" "$disk_ms" "$store_ms"
  rm -rf "$dir"
done
echo
echo "Latency is the wall time of one \`logcli query --limit=0 --since=24h\` (process start included), median of $QUERIES; up to 4 lines per stream."
echo "Flush: wall time from SIGTERM to exit, and logd's CPU over it; objects are the chunk, segment and index files in the store afterwards (small chunks share segment objects)."
echo

# --- 5. RSS with many idle streams ------------------------------------------------------------
# Short lines (the corpus's first 60 bytes), 2 per stream, so the data is small beside the streams.
echo '| active streams (2 lines of 60 bytes each) | logd RSS before push | after push | log data held (ingester) | per idle stream beyond its data | SIGTERM flush: wall, logd CPU | objects written: chunk files, segments, index files (objects per GiB of raw lines) |'
echo '|---|---|---|---|---|---|---|'
short=$work/short.log
rss_of() { awk '/^VmRSS/ {print $2 * 1024}' "/proc/$1/status"; }
for streams in $RSS_STREAM_COUNTS; do
  need=$((streams * 2))
  : > "$short"
  while [ "$(wc -l < "$short")" -lt "$need" ]; do awk '{print substr($0, 1, 60)}' "$corpus" >> "$short"; done
  dir=$work/rss-$streams
  start_logd "$dir"
  rss0=$(rss_of "$LOGD_PID")
  r=$("$LOADGEN" push --url "http://$LOGD_ADDR/loki/api/v1/push" --corpus "$short" --format proto --conns "$CONNS" \
    --streams "$streams" --lines-per-stream 2 --max-lines "$need" --batch-lines 4000) ||
    { echo "logd.sh: push failed: $r" >&2; exit 1; }
  rss1=$(rss_of "$LOGD_PID")
  held=$(curl -s "http://$LOGD_ADDR/metrics" | awk '/^logd_ingester_memory_bytes / {printf "%d", $2}')
  flushed="not run (> BENCH_FLUSH_MAX_STREAMS=$FLUSH_MAX)" written="not run"
  if [ "$streams" -gt "$FLUSH_MAX" ]; then
    kill_logd
  else
    # The flush of many tiny streams: small chunks are packed into segment objects (docs/data-layout.md).
    cpu_before_flush=$(cpu_of "$LOGD_PID")
    stop_logd
    flushed=$(printf '%.2f s, %.2f s' "$FLUSH_S" "$(calc "$LOGD_CPU_S - $cpu_before_flush")")
    n_chunks=$(find "$dir/store" -type f -path '*/chunks/*' -name '*.chunk' | wc -l)
    n_segs=$(find "$dir/store" -type f -path '*/chunks/*' -name '*.seg' | wc -l)
    n_idx=$(find "$dir/store" -type f -path '*/index/*' -name '*.idx' | wc -l)
    written=$(printf '%d, %d, %d (%.0f)' "$n_chunks" "$n_segs" "$n_idx" \
      "$(calc "($n_chunks + $n_segs + $n_idx) / max($(field "$r" raw_bytes), 1) * 2**30")")
  fi
  rm -rf "$dir"
  printf '| %d | %.1f MiB | %.1f MiB | %.1f MiB | **%.0f bytes** | %s | %s |\n' "$streams" "$(calc "$rss0 / 2**20")" \
    "$(calc "$rss1 / 2**20")" "$(calc "$held / 2**20")" "$(calc "($rss1 - $rss0 - $held) / $streams")" "$flushed" "$written"
done
rm -f "$short"
echo
echo "VmRSS of logd after the push (WAL on, the streams idle); the data held is what ingester.memory_ceiling counts (line bytes plus 32 bytes per entry). Aim: at most 2 KiB per idle stream beyond its data."
