#!/usr/bin/env bash
# Cluster ingest benchmark (issue 13): the corpus pushed through one distributor to three
# ingesters on an etcd ring, with replication_factor 1 and 3. Reports MB of raw lines per
# CPU-second of every logd process of the write path (distributor + ingesters, /proc/<pid>/stat
# utime+stime during the push), and the bytes of chunk files in the shared store per raw byte
# after the ingesters' SIGTERM flush (RF=3 against RF=1: replicas cutting identical chunks land on
# one content-addressed name).
#
#   BIN=build/bin bash bench/cluster.sh               # 100 MB corpus, 3 runs
#   BENCH_MB=20 BENCH_RUNS=1 bash bench/cluster.sh    # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
BIN=${BIN:-$here/../build/bin}
MB=${BENCH_MB:-100}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNS:-4}
LOADGEN=${LOADGEN:-$BIN/loadgen}
for tool in "$BIN/logd" "$LOADGEN"; do
  [ -x "$tool" ] || { echo "cluster.sh: $tool is missing (make tools bench-tools)" >&2; exit 1; }
done
command -v etcd >/dev/null || { echo "cluster.sh: etcd is missing (scripts/setup.sh)" >&2; exit 1; }
out=$here/out
mkdir -p "$out"
work=$(mktemp -d "$out/cluster-bench.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

corpus=$(bench_corpus "$MB")
bytes=$(stat -c %s "$corpus")

calc() { python3 -c "print($1)"; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {
  for _ in $(seq 300); do curl -sf --max-time 2 "http://127.0.0.1:$1/ready" >/dev/null && return 0; sleep 0.1; done
  echo "cluster.sh: a logd on port $1 did not become ready" >&2
  exit 1
}

# node_config DIR NAME TARGET RF ETCD_PORT [EXTRA]: writes DIR/NAME.yaml; sets PORT and GRPC.
node_config() {
  local dir=$1 name=$2 target=$3 rf=$4 etcd_port=$5 extra=${6:-}
  PORT=$(free_port)
  GRPC=$(free_port)
  cat >"$dir/$name.yaml" <<EOF
target: $target
auth_enabled: false
server: {http_listen_port: $PORT, grpc_listen_port: $GRPC}
common:
  path_prefix: $dir/$name
  replication_factor: $rf
  ring:
    kvstore: {store: etcd, prefix: bench/, etcd: {endpoints: ["127.0.0.1:$etcd_port"]}}
    heartbeat_period: 1s
    heartbeat_timeout: 10s
ingester:
  lifecycler: {id: $name, min_ready_duration: 0s}
limits_config: {ingestion_rate_mb: 100000, ingestion_burst_size_mb: 100000, max_global_streams_per_user: 0,
                max_streams_per_user: 0}
storage_config: {filesystem: {directory: $dir/shared}}
$extra
EOF
}

# time_queries URL PIDS...: runs each query QRUNS times against URL; prints
# "needle_s=.. needle_cpu=.. metric_s=.. metric_cpu=..": the median wall seconds of a query and
# the CPU seconds (utime+stime) of the PIDS per query (their total over the runs / runs).
QRUNS=${BENCH_QUERY_RUNS:-5}
needle=needle-7f3a
time_queries() {
  local url=$1 p c0 c1 t0 name out="" end start
  shift
  local q=() times=()
  end=$(date +%s%N)
  start=$((end - 86400 * 1000000000))
  for name in needle metric; do
    if [ "$name" = needle ]; then
      q=(--data-urlencode "query={job=\"bench\"} |= \"$needle\"" --data-urlencode limit=5000)
    else
      q=(--data-urlencode 'query=sum by (level) (rate({job="bench"} | logfmt [5m]))' --data-urlencode step=300)
    fi
    # One untimed run: its answer is checked, and the caches are warm for the timed ones.
    curl -sf --max-time 300 -G "$url/loki/api/v1/query_range" "${q[@]}" --data-urlencode "start=$start" \
      --data-urlencode "end=$end" >"$work/answer.json" || { echo "cluster.sh: the $name query failed" >&2; exit 1; }
    if [ "$name" = needle ]; then
      [ "$(jq '[.data.result[].values | length] | add' "$work/answer.json")" = "$(grep -cF "$needle" "$corpus")" ] ||
        { echo "cluster.sh: the needle query did not find every needle line once" >&2; exit 1; }
    fi
    times=()
    c0=0
    for p in "$@"; do c0=$(calc "$c0 + $(cpu_of "$p")"); done
    for _ in $(seq "$QRUNS"); do
      t0=$(date +%s%N)
      curl -sf --max-time 300 -o /dev/null -G "$url/loki/api/v1/query_range" "${q[@]}" --data-urlencode "start=$start" \
        --data-urlencode "end=$end" || { echo "cluster.sh: the $name query failed" >&2; exit 1; }
      times+=("$(calc "($(date +%s%N) - $t0) / 1e9")")
    done
    c1=0
    for p in "$@"; do c1=$(calc "$c1 + $(cpu_of "$p")"); done
    out+="${name}_s=$(printf '%s\n' "${times[@]}" | median) ${name}_cpu=$(calc "($c1 - $c0) / $QRUNS") "
  done
  echo "$out"
}

# run_cluster RF [queries]: one run; prints "mb_per_cpu_s=.. store_bytes=.." and, with "queries",
# the figures of time_queries through a query-frontend and a querier added to the cluster.
run_cluster() {
  local rf=$1 queries=${2:-} dir=$work/rf$rf-$RANDOM etcd_port etcd_peer name
  mkdir -p "$dir/shared"
  etcd_port=$(free_port)
  etcd_peer=$(free_port)
  etcd --name b --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" --initial-cluster "b=http://127.0.0.1:$etcd_peer" \
    </dev/null >/dev/null 2>"$dir/etcd.log" &
  local etcd_pid=$!
  pids+=("$etcd_pid")
  for _ in $(seq 200); do curl -s --max-time 1 "http://127.0.0.1:$etcd_port/health" | grep -q true && break; sleep 0.05; done
  declare -A pid http
  local frontend_grpc
  for name in ingester-1 ingester-2 ingester-3 distributor; do
    node_config "$dir" "$name" "${name%%-*}" "$rf" "$etcd_port"
    http[$name]=$PORT
    "$BIN/logd" -config.file="$dir/$name.yaml" 2>"$dir/$name.log" &
    pid[$name]=$!
    pids+=("${pid[$name]}")
    wait_ready "$PORT"
  done
  local c0=0 c1=0 p r qr=""
  for p in "${pid[@]}"; do c0=$(calc "$c0 + $(cpu_of "$p")"); done
  r=$("$LOADGEN" push --url "http://127.0.0.1:${http[distributor]}/loki/api/v1/push" --corpus "$corpus" \
    --format proto --conns "$CONNS") || { echo "cluster.sh: push failed: $r" >&2; exit 1; }
  for p in "${pid[@]}"; do c1=$(calc "$c1 + $(cpu_of "$p")"); done
  if [ "$queries" = queries ]; then
    node_config "$dir" frontend query-frontend "$rf" "$etcd_port"
    http[frontend]=$PORT
    frontend_grpc=$GRPC
    node_config "$dir" querier querier "$rf" "$etcd_port" "frontend_worker: {frontend_address: \"127.0.0.1:$frontend_grpc\"}"
    http[querier]=$PORT
    for name in frontend querier; do
      "$BIN/logd" -config.file="$dir/$name.yaml" 2>"$dir/$name.log" &
      pid[$name]=$!
      pids+=("${pid[$name]}")
    done
    wait_ready "${http[querier]}"
    wait_ready "${http[frontend]}"
    qr=$(time_queries "http://127.0.0.1:${http[frontend]}" "${pid[ingester-1]}" "${pid[ingester-2]}" \
      "${pid[ingester-3]}" "${pid[querier]}" "${pid[frontend]}")
  fi
  for p in "${pid[@]}"; do kill "$p"; done
  for p in "${pid[@]}"; do wait "$p" 2>/dev/null || true; done
  kill "$etcd_pid"
  wait "$etcd_pid" 2>/dev/null || true
  local store
  store=$(find "$dir/shared" -name '*.chunk' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  echo "mb_per_cpu_s=$(calc "$(field "$r" raw_bytes) / 1048576 / max($c1 - $c0, 0.01)") store_bytes=$store $qr"
  rm -rf "$dir"
}

# run_single: the single process (-target=all) with the same corpus and the same queries; prints
# "mb_per_cpu_s=.. needle_s=.. ...".
run_single() {
  local dir=$work/single-$RANDOM port r c0 c1 p qr
  mkdir -p "$dir"
  port=$(free_port)
  "$BIN/logd" -server.http-listen-port="$port" -common.path-prefix="$dir" \
    -distributor.ingestion-rate-limit-mb=100000 -distributor.ingestion-burst-size-mb=100000 \
    -ingester.max-global-streams-per-user=0 2>"$dir.log" &
  p=$!
  pids+=("$p")
  wait_ready "$port"
  c0=$(cpu_of "$p")
  r=$("$LOADGEN" push --url "http://127.0.0.1:$port/loki/api/v1/push" --corpus "$corpus" --format proto \
    --conns "$CONNS") || { echo "cluster.sh: push failed: $r" >&2; exit 1; }
  c1=$(cpu_of "$p")
  qr=$(time_queries "http://127.0.0.1:$port" "$p")
  kill "$p"
  wait "$p" 2>/dev/null || true
  echo "mb_per_cpu_s=$(calc "$(field "$r" raw_bytes) / 1048576 / max($c1 - $c0, 0.01)") $qr"
  rm -rf "$dir" "$dir.log"
}

# med_of FIELD RESULTS...: the median of FIELD over the results.
med_of() {
  local f=$1 r
  shift
  for r in "$@"; do field "$r" "$f"; done | median
}

cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "## logd cluster (distributor + 3 ingesters, etcd ring) beside the single process"
echo
echo "CPU: ${cpu_model:-unknown} ($(nproc) cores); corpus: $corpus ($((bytes / 1048576)) MiB); $CONNS connections;" \
  "median of $RUNS runs (each query: of $QRUNS runs per run); every process shares the $(nproc) cores;" \
  "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
declare -A ingest store
single=() clustered=()
for _ in $(seq "$RUNS"); do single+=("$(run_single)"); done
ingest[single]=$(med_of mb_per_cpu_s "${single[@]}")
for rf in 1 3; do
  runs=()
  for _ in $(seq "$RUNS"); do
    if [ "$rf" = 3 ]; then r=$(run_cluster 3 queries); clustered+=("$r"); else r=$(run_cluster 1); fi
    runs+=("$r")
  done
  ingest[$rf]=$(med_of mb_per_cpu_s "${runs[@]}")
  store[$rf]=$(calc "$(med_of store_bytes "${runs[@]}") / $bytes")
done
echo '| write path | MB/s per CPU-second (every logd process of the write path) | vs single process | chunk bytes in the store per raw byte |'
echo '|---|---|---|---|'
printf '| single process (-target=all) | %.1f | 1.00x | |\n' "${ingest[single]}"
for rf in 1 3; do
  printf '| distributor + 3 ingesters, replication_factor %s | %.1f | %.2fx | %.3f |\n' "$rf" "${ingest[$rf]}" \
    "$(calc "${ingest[$rf]} / ${ingest[single]}")" "${store[$rf]}"
done
printf '| stored bytes, RF=3 against RF=1 (goal: within 1.2x) | | | **%.2fx** |\n' "$(calc "${store[3]} / ${store[1]}")"
echo
echo "| 24 h query, data in the ingesters | \`{job=\"bench\"} |= \"$needle\"\` wall | CPU-s per query | \`sum by (level) (rate({job=\"bench\"} \\| logfmt [5m]))\`, step 5m, wall | CPU-s per query |"
echo '|---|---|---|---|---|'
printf '| single process (HTTP API) | %.3fs | %.3f | %.3fs | %.3f |\n' "$(med_of needle_s "${single[@]}")" \
  "$(med_of needle_cpu "${single[@]}")" "$(med_of metric_s "${single[@]}")" "$(med_of metric_cpu "${single[@]}")"
printf '| query-frontend + querier over 3 ingesters at RF=3 (CPU of all 5) | %.3fs | %.3f | %.3fs | %.3f |\n' \
  "$(med_of needle_s "${clustered[@]}")" "$(med_of needle_cpu "${clustered[@]}")" "$(med_of metric_s "${clustered[@]}")" \
  "$(med_of metric_cpu "${clustered[@]}")"
echo
echo "MB = 2^20 bytes of raw line text; CPU = utime+stime of the logd processes from /proc/<pid>/stat."
echo
