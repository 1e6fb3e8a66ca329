#!/usr/bin/env bash
# logd on an S3 bucket (s3rver on loopback) beside the local store, same corpus, same run
# (issue 12's performance rows):
#  1. SIGTERM flush throughput (MB/s of raw line bytes): the corpus is pushed (protobuf, bench/
#     loadgen), then SIGTERM flushes every chunk; to the local directory, then to s3rver.
#  2. objects per GiB stored, and bytes stored (uploaded) per raw byte, local vs bucket.
#  3. `{job="bench"} |= "needle"` with `logcli --store`: the local store, the bucket with a cold
#     cache (a fresh --cache-dir each run) and with a warm one, beside `zstd -dc | grep -F`.
# Every figure is the median of BENCH_RUNS runs. Prints Markdown tables.
#
#   BIN=build/bin bash bench/logd_s3.sh                     # 100 MB corpus, 3 runs
#   BENCH_MB=20 BENCH_RUNS=1 bash bench/logd_s3.sh          # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-100}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNS:-4}
LOADGEN=${LOADGEN:-$BIN/loadgen}
S3RVER=$here/../tests/tools/s3rver/node_modules/.bin/s3rver
out=$here/out
mkdir -p "$out"
for tool in "$BIN/logd" "$BIN/logcli" "$LOADGEN" "$S3RVER"; do
  [ -x "$tool" ] || { echo "logd_s3.sh: $tool is missing (make tools bench-tools; scripts/setup.sh)" >&2; exit 1; }
done

work=$(mktemp -d "$out/logd-s3-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

corpus=$(bench_corpus "$MB")
bytes=$(stat -c %s "$corpus")
needle=needle-7f3a

calc() { python3 -c "print($1)"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
now_ns() { date +%s%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# s3rver on loopback with the bucket "bench".
s3_port=$(free_port)
mkdir -p "$work/s3rver"
NODE_OPTIONS=--openssl-legacy-provider "$S3RVER" -d "$work/s3rver" -a 127.0.0.1 -p "$s3_port" \
  --configure-bucket bench -s >"$work/s3rver.log" 2>&1 &
S3_PID=$!
pids+=("$S3_PID")
disown  # killed by the EXIT trap; no "Killed" job notice
for _ in $(seq 100); do grep -q listening "$work/s3rver.log" && break; sleep 0.1; done
export AWS_ENDPOINT_URL=http://127.0.0.1:$s3_port AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1

# s3_config DATA_DIR: a Loki-style config putting logd's store in the bucket.
s3_config() {
  cat >"$work/s3.yaml" <<YAML
common:
  path_prefix: $1
schema_config:
  configs:
    - {from: 2020-01-01, store: tsdb, object_store: s3, schema: v13, index: {prefix: index_, period: 24h}}
storage_config:
  aws:
    endpoint: 127.0.0.1:$s3_port
    insecure: true
    bucketnames: bench
    s3forcepathstyle: true
YAML
}

cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

# start_logd DATA_DIR [flags]: sets LOGD_PID and LOGD_ADDR; limits lifted. logd runs under GNU
# time, so its total CPU (the flush included) is known after it exits.
start_logd() {
  local dir=$1 log=$work/logd-$RANDOM.log
  shift
  rm -f "$work/logd.rusage"
  /usr/bin/time -f '%U %S' -o "$work/logd.rusage" "$BIN/logd" -server.http-listen-port=0 -common.path-prefix="$dir" "$@" \
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
  echo "logd_s3.sh: logd did not start:" >&2
  cat "$log" >&2
  exit 1
}
# stop_logd: SIGTERM (every stream flushed to the store); sets FLUSH_S (wall), FLUSH_CPU (logd's
# utime+stime from the SIGTERM to its exit) and S3_CPU (s3rver's over the same time).
stop_logd() {
  local t0 c0 s0
  c0=$(cpu_of "$LOGD_PID")
  s0=$(cpu_of "$S3_PID")
  t0=$(now_ns)
  kill -TERM "$LOGD_PID"
  wait "$WRAP_PID" || { echo "logd_s3.sh: logd exited with an error" >&2; exit 1; }
  FLUSH_S=$(calc "($(now_ns) - $t0) / 1e9")
  FLUSH_CPU=$(calc "max($(awk '{print $1 + $2}' "$work/logd.rusage") - $c0, 0.01)")
  S3_CPU=$(calc "$(cpu_of "$S3_PID") - $s0")
}
push() {
  local r
  r=$("$LOADGEN" push --url "http://$LOGD_ADDR/loki/api/v1/push" --corpus "$corpus" --format proto --conns "$CONNS") ||
    { echo "logd_s3.sh: push failed: $r" >&2; exit 1; }
}

# --- 1, 2. Flush and what is stored ----------------------------------------------------------
declare -A flush_mbps flush_cpu_mbps s3rver_cpu objects stored
for store in local s3; do
  f=() fc=() sc=()
  for run in $(seq "$RUNS"); do
    data=$work/data-$store
    rm -rf "$data"
    if [ "$store" = local ]; then
      start_logd "$data"
    else
      # A fresh bucket prefix each run: the objects of one run only.
      rm -rf "$work/s3rver/bench/fake"
      s3_config "$data"
      start_logd "$data" -config.file="$work/s3.yaml"
    fi
    push
    stop_logd
    f+=("$(calc "$bytes / 1048576 / $FLUSH_S")")
    fc+=("$(calc "$bytes / 1048576 / $FLUSH_CPU")")
    sc+=("$S3_CPU")
  done
  flush_mbps[$store]=$(printf '%s\n' "${f[@]}" | median)
  flush_cpu_mbps[$store]=$(printf '%s\n' "${fc[@]}" | median)
  s3rver_cpu[$store]=$(printf '%s\n' "${sc[@]}" | median)
  if [ "$store" = local ]; then
    objects[$store]=$(find "$work/data-local/store" -type f \( -name '*.chunk' -o -name '*.idx' -o -name tenant \) | wc -l)
    stored[$store]=$(find "$work/data-local/store" -type f \( -name '*.chunk' -o -name '*.idx' -o -name tenant \) -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  else
    # s3rver keeps each object's bytes in "<key>._S3rver_object".
    objects[$store]=$(find "$work/s3rver/bench" -type f -name '*._S3rver_object' | wc -l)
    stored[$store]=$(find "$work/s3rver/bench" -type f -name '*._S3rver_object' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  fi
done

echo "## logd on S3 (s3rver on loopback) beside the local store"
echo
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "CPU: ${cpu_model:-unknown} ($(nproc) cores); corpus: $corpus ($((bytes / 1048576)) MiB); median of $RUNS runs;" \
  "$(nproc) cores shared with s3rver; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo '| store | SIGTERM flush MB/s (raw), wall | MB per logd CPU-second | vs local (CPU) | s3rver CPU-s | objects | objects per GiB stored | bytes stored per raw byte |'
echo '|---|---|---|---|---|---|---|---|'
for store in local s3; do
  name='local directory'
  [ "$store" = s3 ] && name='S3 bucket (s3rver)'
  printf '| %s | %.1f | %.1f | %.2fx | %.2f | %d | %.0f | %.4f |\n' "$name" "${flush_mbps[$store]}" \
    "${flush_cpu_mbps[$store]}" "$(calc "${flush_cpu_mbps[$store]} / ${flush_cpu_mbps[local]}")" "${s3rver_cpu[$store]}" \
    "${objects[$store]}" \
    "$(calc "${objects[$store]} / (${stored[$store]} / 2**30)")" "$(calc "${stored[$store]} / $bytes")"
done
echo

# --- 3. |= "needle" from the bucket, cold and warm cache --------------------------------------
zstd -q -3 -c "$corpus" > "$work/corpus.zst"
expected=$(grep -cF "$needle" "$corpus")
median_gbps() {  # NAME SETUP_CMD CMD: SETUP_CMD untimed before each timed CMD; prints GB/s, s, CPU-s
  local name=$1 setup=$2 cmd=$3 times=() cpus=() t0 found
  for _ in $(seq "$RUNS"); do
    bash -c "$setup"
    t0=$(now_ns)
    /usr/bin/time -f '%U %S' -o "$work/q.rusage" bash -c "$cmd" > "$work/needle.out"
    times+=("$(calc "($(now_ns) - $t0) / 1e9")")
    cpus+=("$(awk '{print $1 + $2}' "$work/q.rusage")")
    found=$(grep -cF "$needle" "$work/needle.out" || true)
    [ "$found" = "$expected" ] || { echo "logd_s3.sh: $name found $found lines, expected $expected" >&2; exit 1; }
  done
  local t c
  t=$(printf '%s\n' "${times[@]}" | median)
  c=$(printf '%s\n' "${cpus[@]}" | median)
  printf '%s %s %s\n' "$(calc "$bytes / 1e9 / $t")" "$t" "$c"
}
q="'{job=\"bench\"} |= \"$needle\"'"
query="query --limit=0 --since=24h -o raw -q $q"
read -r local_gbps local_s local_c < <(median_gbps 'local store' true "$BIN/logcli --store $work/data-local $query")
read -r cold_gbps cold_s cold_c < <(median_gbps 'bucket, cold cache' "rm -rf $work/cache" \
  "$BIN/logcli --store s3://bench --cache-dir $work/cache $query")
"$BIN/logcli" --store s3://bench --cache-dir "$work/warm" $query >/dev/null 2>&1 || true
read -r warm_gbps warm_s warm_c < <(median_gbps 'bucket, warm cache' true "$BIN/logcli --store s3://bench --cache-dir $work/warm $query")
read -r ref_gbps ref_s ref_c < <(median_gbps 'zstd -dc | grep -F' true "zstd -dc $work/corpus.zst | grep -F $needle")
echo "| \`{job=\"bench\"} |= \"$needle\"\` ($expected lines), logcli --store | GB/s of raw bytes (wall) | time | CPU-s (user+sys) | CPU vs local store | CPU vs zstd -dc \\| grep |"
echo '|---|---|---|---|---|---|'
for row in "local directory:$local_gbps:$local_s:$local_c" "S3, cold cache:$cold_gbps:$cold_s:$cold_c" \
  "S3, warm cache:$warm_gbps:$warm_s:$warm_c" "\`zstd -dc corpus.zst \\| grep -F\`:$ref_gbps:$ref_s:$ref_c"; do
  IFS=: read -r name g t c <<<"$row"
  printf '| %s | %.2f | %.3fs | %.3f | %.2fx | %.2fx |\n' "$name" "$g" "$t" "$c" "$(calc "$c / $local_c")" "$(calc "$c / $ref_c")"
done
echo
echo 'GB = 10^9 bytes of the raw corpus. CPU vs X: this row'"'"'s CPU time over X'"'"'s (lower is better; the warm cache must stay within 1.1x of the local store).'
echo
