# Helpers of the cluster end-to-end tests (sourced by cluster_*_test.sh): etcd and the roles of a
# logd cluster on free loopback ports, each process with its own config file, ports and
# path_prefix, started and stopped by PID; the load and checks are tests/tools/cluster_load.py.
#
# Every wait has a deadline, so a hang fails the test instead of stalling it. Ring timing is short
# (heartbeat 1s, timeout 3s, lease 6s) so failures show within seconds.
#
# The ingesters flush into a store directory the processes share (storage_config.filesystem);
# once logd reads Loki's storage_config.aws, the same tests run against s3rver (cl_storage_yaml).

cl_tools=$here/../tools
declare -A cl_pid cl_http cl_grpc
cl_etcd_pid=
cl_s3_pid=

# cl_init NAME: a fresh directory for one test file's cluster; starts etcd (and s3rver when the
# store can use it).
cl_init() {
  cl_dir=$TMPDIR_E2E/cluster-$1
  mkdir -p "$cl_dir/shared"
  cl_prefix="$1/"
  cl_etcd_port=$(free_port)
  cl_etcd_peer=$(free_port)
  while [ "$cl_etcd_peer" == "$cl_etcd_port" ]; do cl_etcd_peer=$(free_port); done
  cl_etcd_start || return 1
  cl_storage=filesystem
  if cl_s3_supported; then cl_s3_start && cl_storage=s3; fi
  return 0
}

cl_etcd_start() {
  etcd --name cl --data-dir "$cl_dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$cl_etcd_port" --advertise-client-urls "http://127.0.0.1:$cl_etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$cl_etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$cl_etcd_peer" \
    --initial-cluster "cl=http://127.0.0.1:$cl_etcd_peer" --initial-cluster-state new \
    --log-outputs stderr </dev/null >/dev/null 2>>"$cl_dir/etcd.log" &
  cl_etcd_pid=$!
  for _ in $(seq 1 200); do
    curl -s --max-time 1 "http://127.0.0.1:$cl_etcd_port/health" 2>/dev/null | grep -q '"health":"true"' && return 0
    kill -0 "$cl_etcd_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "etcd did not start: $(tail -5 "$cl_dir/etcd.log")" >&2
  return 1
}

cl_etcd_stop() {
  [ -n "$cl_etcd_pid" ] || return 0
  kill "$cl_etcd_pid" 2>/dev/null
  for _ in $(seq 1 200); do kill -0 "$cl_etcd_pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$cl_etcd_pid" 2>/dev/null
  wait "$cl_etcd_pid" 2>/dev/null
  cl_etcd_pid=
}

# Whether this logd reads Loki's S3 storage keys (the object-store work): then s3rver is the store.
cl_s3_supported() {
  [ -x "$cl_tools/s3rver/node_modules/.bin/s3rver" ] || return 1
  printf 'storage_config:\n  aws:\n    endpoint: 127.0.0.1:1\n    bucketnames: b\n    access_key_id: a\n    secret_access_key: s\n    insecure: true\n    s3forcepathstyle: true\n' >"$cl_dir/probe.yaml"
  logd -config.file="$cl_dir/probe.yaml" -print-config >/dev/null 2>&1
}

cl_s3_start() {
  cl_s3_port=$(free_port)
  mkdir -p "$cl_dir/s3"
  NODE_OPTIONS=--openssl-legacy-provider "$cl_tools/s3rver/node_modules/.bin/s3rver" -d "$cl_dir/s3" \
    -a 127.0.0.1 -p "$cl_s3_port" --configure-bucket chunks -s >"$cl_dir/s3rver.log" 2>&1 &
  cl_s3_pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening" "$cl_dir/s3rver.log" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

cl_storage_yaml() {
  if [ "$cl_storage" == s3 ]; then
    cat <<EOF
schema_config:
  configs:
    - {from: 2020-01-01, store: tsdb, object_store: s3, schema: v13, index: {prefix: index_, period: 24h}}
storage_config:
  aws: {endpoint: "127.0.0.1:$cl_s3_port", bucketnames: chunks, access_key_id: S3RVER,
        secret_access_key: S3RVER, insecure: true, s3forcepathstyle: true}
  # Queriers list the bucket's index files again this often: what a restarted ingester flushed
  # is read from the bucket after at most this long (Loki's default is 5m; see docs/scaling.md).
  tsdb_shipper: {resync_interval: 1s}
EOF
  else
    printf 'storage_config:\n  filesystem:\n    directory: %s\n' "$cl_dir/shared"
  fi
}

# cl_config NAME TARGET [EXTRA YAML]: writes NAME's config (ports chosen here); EXTRA is appended
# at the top level and may hold any block the common part does not. $cl_limits, when set, adds
# its keys to limits_config (e.g. "ingestion_rate_strategy: global").
cl_config() {
  local name=$1 target=$2 extra=${3:-}
  cl_http[$name]=$(free_port)
  cl_grpc[$name]=$(free_port)
  cat >"$cl_dir/$name.yaml" <<EOF
target: $target
auth_enabled: true
server:
  http_listen_port: ${cl_http[$name]}
  grpc_listen_port: ${cl_grpc[$name]}
  http_server_threads: 4
common:
  path_prefix: $cl_dir/$name
  replication_factor: ${cl_rf:-3}
  ring:
    kvstore:
      store: etcd
      prefix: $cl_prefix
      etcd: {endpoints: ["127.0.0.1:$cl_etcd_port"], dial_timeout: 1s}
    heartbeat_period: 1s
    heartbeat_timeout: 3s
ingester:
  lifecycler: {id: $name, min_ready_duration: 0s, tokens_file_path: $cl_dir/$name/tokens.json}
  chunk_idle_period: 1h
ingester_client: {remote_timeout: 2s}
limits_config: {max_entries_limit_per_query: 100000, ingestion_rate_mb: 64, ingestion_burst_size_mb: 64,
                split_queries_by_interval: 10m${cl_limits:+, $cl_limits}}
$(cl_storage_yaml)
$extra
EOF
}

# cl_start NAME: starts NAME (stderr in NAME.log), waits (30 s at most) for /ready.
cl_start() {
  local name=$1
  logd -config.file="$cl_dir/$name.yaml" 2>>"$cl_dir/$name.log" &
  cl_pid[$name]=$!
  cl_wait_ready "$name" 30
}

cl_wait_ready() {
  local name=$1 secs=${2:-30}
  for _ in $(seq 1 $((secs * 10))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${cl_http[$name]}/ready")" == 200 ] && return 0
    kill -0 "${cl_pid[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not become ready: $(tail -5 "$cl_dir/$name.log")" >&2
  return 1
}

# cl_term NAME: SIGTERM, waits (60 s at most) for the exit; returns its exit code.
cl_term() {
  local name=$1 pid=${cl_pid[$1]} rc
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rc=$?
  unset "cl_pid[$name]"
  return $rc
}

cl_kill() {
  local pid=${cl_pid[$1]}
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  unset "cl_pid[$1]"
}

cl_cleanup() {
  local p
  for p in "${cl_pid[@]}"; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done
  cl_pid=()
  [ -n "$cl_etcd_pid" ] && kill -9 "$cl_etcd_pid" 2>/dev/null
  [ -n "$cl_s3_pid" ] && kill -9 "$cl_s3_pid" 2>/dev/null
  cl_etcd_pid= cl_s3_pid=
  return 0
}

cl_url() { echo "http://127.0.0.1:${cl_http[$1]}"; }

# cl_ring_json NAME: NAME's /ring page as JSON.
cl_ring_json() { curl -s --max-time 5 -H 'Accept: application/json' "$(cl_url "$1")/ring"; }

# cl_ring_states NAME: "id=STATE" of every member NAME sees, sorted, space separated.
cl_ring_states() { cl_ring_json "$1" | jq -r '[.shards[] | "\(.id)=\(.state)"] | sort | join(" ")'; }

# cl_wait_ring NAME EXPECTED [SECS]: waits until cl_ring_states NAME prints EXPECTED.
cl_wait_ring() {
  local name=$1 want=$2 secs=${3:-30} got
  for _ in $(seq 1 $((secs * 10))); do
    got=$(cl_ring_states "$name")
    [ "$got" == "$want" ] && return 0
    sleep 0.1
  done
  echo "ring seen by $name: $got (want $want)" >&2
  return 1
}

# cl_metric NAME METRIC_LINE_PREFIX: the value of the first sample starting with the prefix.
cl_metric() { curl -s --max-time 5 "$(cl_url "$1")/metrics" | awk -v p="$2" 'index($0, p) == 1 { print $NF; exit }'; }

cl_load() { timeout 300 python3 "$cl_tools/cluster_load.py" "$@"; }

# cl_verify URL TENANTS ACKED NAME: expect_... that every acked line comes back exactly once,
# retrying for a while (a replica may still be catching up).
cl_verify() {
  local url=$1 tenants=$2 acked=$3 name=$4 out
  for _ in $(seq 1 20); do
    out=$(cl_load verify --url "$url" --tenants "$tenants" --acked "$acked" 2>&1) && break
    sleep 0.5
  done
  if [[ "$out" == *"missing=0 duplicates=0"* ]]; then pass "$name ($out)"; else fail "$name" "$out"; fi
}
