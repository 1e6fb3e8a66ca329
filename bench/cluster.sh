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

gen=$here/gen-logs
[ -x "$here/../../shared/bench/gen-logs" ] && gen=$here/../../shared/bench/gen-logs
corpus=$out/corpus-${MB}mb.log
[ -s "$corpus" ] || "$gen" --mb "$MB" > "$corpus"
bytes=$(stat -c %s "$corpus")

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
calc() { python3 -c "print($1)"; }
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {
  for _ in $(seq 300); do curl -sf --max-time 2 "http://127.0.0.1:$1/ready" >/dev/null && return 0; sleep 0.1; done
  echo "cluster.sh: a logd on port $1 did not become ready" >&2
  exit 1
}

# run_cluster RF: one run; prints "mb_per_cpu_s=.. store_bytes=..".
run_cluster() {
  local rf=$1 dir=$work/rf$rf-$RANDOM etcd_port etcd_peer name port grpc
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
  for name in ingester-1 ingester-2 ingester-3 distributor; do
    port=$(free_port)
    grpc=$(free_port)
    http[$name]=$port
    cat >"$dir/$name.yaml" <<EOF
target: ${name%%-*}
auth_enabled: false
server: {http_listen_port: $port, grpc_listen_port: $grpc}
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
EOF
    "$BIN/logd" -config.file="$dir/$name.yaml" 2>"$dir/$name.log" &
    pid[$name]=$!
    pids+=("${pid[$name]}")
    wait_ready "$port"
  done
  local c0=0 c1=0 p r
  for p in "${pid[@]}"; do c0=$(calc "$c0 + $(cpu_of "$p")"); done
  r=$("$LOADGEN" push --url "http://127.0.0.1:${http[distributor]}/loki/api/v1/push" --corpus "$corpus" \
    --format proto --conns "$CONNS") || { echo "cluster.sh: push failed: $r" >&2; exit 1; }
  for p in "${pid[@]}"; do c1=$(calc "$c1 + $(cpu_of "$p")"); done
  for p in "${pid[@]}"; do kill "$p"; done
  for p in "${pid[@]}"; do wait "$p" 2>/dev/null || true; done
  kill "$etcd_pid"
  wait "$etcd_pid" 2>/dev/null || true
  local store
  store=$(find "$dir/shared" -name '*.chunk' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  echo "mb_per_cpu_s=$(calc "$(field "$r" raw_bytes) / 1048576 / max($c1 - $c0, 0.01)") store_bytes=$store"
  rm -rf "$dir"
}

echo "## logd cluster (distributor + 3 ingesters, etcd ring)"
echo
echo "corpus: $corpus ($((bytes / 1048576)) MiB); $CONNS connections; median of $RUNS runs; $(nproc) cores shared by every process"
echo
echo '| replication_factor | MB/s per CPU-second of the write path (distributor + 3 ingesters) | chunk bytes in the store per raw byte |'
echo '|---|---|---|'
for rf in 1 3; do
  m=() s=()
  for _ in $(seq "$RUNS"); do
    r=$(run_cluster "$rf")
    m+=("$(field "$r" mb_per_cpu_s)")
    s+=("$(calc "$(field "$r" store_bytes) / $bytes")")
  done
  printf '| %s | %.1f | %.3f |\n' "$rf" "$(printf '%s\n' "${m[@]}" | median)" "$(printf '%s\n' "${s[@]}" | median)"
done
