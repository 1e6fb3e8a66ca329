# logd on an S3 bucket (s3rver), configured with Loki's documented S3 example as written: pushes,
# SIGTERM, and after a restart with the whole data directory deleted, answers from the bucket.
# Then the store's failures through tests/tools/s3_fault_proxy.py: an outage keeps pushes
# acknowledged (WAL), flushes fail with a warn line and a metric and succeed once the store is
# back, a SIGTERM during the outage ends in bounded time with the WAL intact (a store answering 503,
# and one hanging every request: ingester.shutdown_flush_timeout); queries that need
# the store fail with a 5xx naming it; a missing bucket or wrong credentials refuse the start.
s3d_dir=$TMPDIR_E2E/logd-s3
mkdir -p "$s3d_dir"
s3d_pids=()
s3d_cleanup() { for p in "${s3d_pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; s3d_pids=(); }
trap 's3d_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

# s3d_config FILE DATA_DIR ENDPOINT [BUCKET [KEY [SECRET]]]: Loki's 2-S3-Cluster-Example.yaml
# (grafana.com/docs/loki/latest/configure/examples), paths, endpoint and keys filled in, with
# short flush periods so that a test sees flushes.
s3d_config() {
  cat >"$1" <<YAML
auth_enabled: false

server:
  http_listen_port: 3100

common:
  ring:
    instance_addr: 127.0.0.1
    kvstore:
      store: inmemory
  replication_factor: 1
  path_prefix: $2

schema_config:
  configs:
  - from: 2020-05-15
    store: tsdb
    object_store: s3
    schema: v13
    index:
      prefix: index_
      period: 24h

storage_config:
 tsdb_shipper:
   active_index_directory: $2/index
   cache_location: $2/index_cache
 aws:
   s3: s3://${5:-S3RVER}:${6:-S3RVER}@$3/${4:-e2e-bucket}
   s3forcepathstyle: true

ingester:
  chunk_idle_period: 1s
  flush_check_period: 1s
YAML
}
s3d_start() {  # DIR PORT CONFIG: logd with that config; sets s3d_pid
  start_logd "$1" "$2" -config.file="$3" || return 1
  s3d_pid=$started_logd_pid
  s3d_pids+=("$s3d_pid")
}
s3d_push() {  # URL FIRST LAST: pushes lines FIRST..LAST of {job="s3"}, one request each; prints how many got 204
  local ok=0 i
  for i in $(seq "$2" "$3"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
      '{"streams":[{"stream":{"job":"s3","n":"'$((i % 3))'"},"values":[["'$((s3d_base + i))'","line '$i'"]]}]}' "$1/loki/api/v1/push")
    [ "$code" == 204 ] && ok=$((ok + 1))
  done
  echo "$ok"
}
s3d_count() {  # URL: entries of {job="s3"} in the last hour
  curl -s -G "$1/loki/api/v1/query" --data-urlencode 'query=sum(count_over_time({job="s3"}[1h]))' |
    grep -o '"value":\[[0-9.]*,"[0-9]*"' | sed 's/.*,"//; s/"//'
}
s3d_metric() {  # URL NAME: the value of an unlabelled metric
  curl -s "$1/metrics" | awk -v n="$2" '$1 == n { print $2 }'
}
s3d_stop() {  # PID SECONDS: SIGTERM and wait at most SECONDS; sets s3d_rc to the exit code (or "hung")
  local pid=$1 i
  kill -TERM "$pid"
  for i in $(seq 1 $(($2 * 10))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; s3d_rc=$?; return; }
    sleep 0.1
  done
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  s3d_rc=hung
}
s3d_fault() { curl -sf -X POST -d "$1" "http://127.0.0.1:$s3d_proxy_port/__proxy/fault" >/dev/null; }

if [ ! -x "$here/../tools/s3rver/node_modules/.bin/s3rver" ]; then
  fail "logd s3: s3rver is installed" "missing tests/tools/s3rver/node_modules: run scripts/setup.sh"
elif start_s3rver "$s3d_dir/s3rver"; then
  s3d_pids+=("$started_s3rver_pid")
  s3=127.0.0.1:$started_s3rver_port
  s3d_base=$(date +%s%N)
  port=$(free_port)
  url=http://127.0.0.1:$port
  d=$s3d_dir/data
  s3d_config "$s3d_dir/loki-s3.yaml" "$d" "$s3"

  # --- Loki's S3 example as written: push, SIGTERM, everything in the bucket.
  out=$(logd -config.file="$s3d_dir/loki-s3.yaml" -print-config 2>&1)
  expect_contains "logd s3: -print-config shows the S3 store" "bucketnames: e2e-bucket" "$out"
  expect_contains "logd s3: ... and masks the secret" "secret_access_key: <secret>" "$out"
  if s3d_start "$d" "$port" "$s3d_dir/loki-s3.yaml"; then
    expect_eq "logd s3: 30 pushes acknowledged" 30 "$(s3d_push "$url" 1 30)"
    expect_eq "logd s3: all queryable before the flush" 30 "$(s3d_count "$url")"
    expect_contains "logd s3: Loki-only keys named at start" 'key="common.ring.instance_addr: target all uses no ring"' "$(cat "$d.log")"
    s3d_stop "$s3d_pid" 60
    expect_eq "logd s3: SIGTERM exits 0 (flushed to the bucket)" 0 "$s3d_rc"
    chunks=$(find "$s3d_dir/s3rver/e2e-bucket/fake/chunks" -type f 2>/dev/null | wc -l)
    idx=$(find "$s3d_dir/s3rver/e2e-bucket/fake/index" -type f 2>/dev/null | wc -l)
    [ "$chunks" -gt 0 ] && [ "$idx" -gt 0 ]
    expect_eq "logd s3: chunks and index files are in the bucket ($chunks, $idx)" 0 $?
    # The restart: no data directory at all, everything from the bucket.
    rm -rf "$d"
    s3d_start "$d" "$port" "$s3d_dir/loki-s3.yaml"
    expect_eq "logd s3: restart with the data dir deleted answers from the bucket" 30 "$(s3d_count "$url")"
    out=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query={job="s3"} |= "line 17"' --data-urlencode limit=5)
    expect_contains "logd s3: a line filter over chunks downloaded from the bucket" '"line 17"' "$out"
    misses=$(curl -s "$url/metrics" | awk '$1 ~ /^logd_store_cache_misses_total/ { s += $2 } END { print s + 0 }')
    [ "$misses" -gt 0 ]; expect_eq "logd s3: the cold query missed the local cache ($misses)" 0 $?
    s3d_requests() { curl -s "$url/metrics" | awk '$1 ~ /^logd_objstore_requests_total/ { s += $2 } END { print s + 0 }'; }
    before=$(s3d_requests)
    hits_before=$(curl -s "$url/metrics" | awk '$1 ~ /^logd_store_cache_hits_total/ { s += $2 } END { print s + 0 }')
    out=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query={job="s3"} |= "line 17"' --data-urlencode limit=5)
    expect_contains "logd s3: the same query again (warm)" '"line 17"' "$out"
    expect_eq "logd s3: ... answered without a request to the bucket" "$before" "$(s3d_requests)"
    hits=$(curl -s "$url/metrics" | awk '$1 ~ /^logd_store_cache_hits_total/ { s += $2 } END { print s + 0 }')
    [ "$hits" -gt "$hits_before" ]; expect_eq "logd s3: ... from the cache ($hits_before -> $hits hits)" 0 $?
    s3d_stop "$s3d_pid" 60
  else
    fail "logd s3: logd starts with Loki's S3 example" "$(tail -5 "$d.log")"
  fi

  # --- Loki's single-binary example (cmd/loki/loki-local-config.yaml), only /tmp/loki moved
  # under the test's directory and the port taken from the flag.
  ld=$s3d_dir/loki-local
  cat >"$s3d_dir/loki-local.yaml" <<YAML
auth_enabled: false

server:
  http_listen_port: 3100
  grpc_listen_port: 9096
  log_level: debug
  grpc_server_max_concurrent_streams: 1000

common:
  instance_addr: 127.0.0.1
  path_prefix: $ld
  storage:
    filesystem:
      chunks_directory: $ld/chunks
      rules_directory: $ld/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory

query_range:
  align_queries_with_step: true
  results_cache:
    cache:
      embedded_cache:
        enabled: true
        max_size_mb: 100

limits_config:
  metric_aggregation_enabled: true
  split_queries_by_interval: 15m

schema_config:
  configs:
    - from: 2020-10-24
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h

pattern_ingester:
  enabled: true
  metric_aggregation:
    loki_address: localhost:3100

ruler:
  alertmanager_url: http://localhost:9093

frontend:
  encoding: protobuf
YAML
  if s3d_start "$ld" "$port" "$s3d_dir/loki-local.yaml"; then
    expect_eq "logd s3: Loki's single-binary example starts logd; a push is acknowledged" 1 "$(s3d_push "$url" 1 1)"
    expect_contains "logd s3: ... its gRPC port named as without effect" 'key="server.grpc_listen_port: ' "$(cat "$ld.log")"
    s3d_stop "$s3d_pid" 60
    expect_eq "logd s3: ... and its SIGTERM flushes to common.storage.filesystem.chunks_directory" \
      "0 1" "$s3d_rc $(find "$ld/chunks/fake/chunks" -name '*.chunk' | wc -l)"
  else
    fail "logd s3: logd starts with Loki's single-binary example" "$(tail -5 "$ld.log")"
  fi

  # --- Refusing to start: a missing bucket, wrong credentials.
  s3d_config "$s3d_dir/nobucket.yaml" "$s3d_dir/nb" "$s3" no-such-bucket
  out=$(timeout 30 logd -config.file="$s3d_dir/nobucket.yaml" -server.http-listen-port="$(free_port)" 2>&1)
  rc=$?
  expect_eq "logd s3: a missing bucket refuses the start" 1 "$rc"
  expect_contains "logd s3: ... naming the bucket" '"no-such-bucket"' "$out"
  expect_contains "logd s3: ... and S3's error code" "NoSuchBucket" "$out"
  s3d_config "$s3d_dir/badkey.yaml" "$s3d_dir/bk" "$s3" e2e-bucket NOBODY wrong
  out=$(timeout 30 logd -config.file="$s3d_dir/badkey.yaml" -server.http-listen-port="$(free_port)" 2>&1)
  expect_eq "logd s3: unknown credentials refuse the start" 1 $?
  expect_contains "logd s3: ... with S3's error code" "InvalidAccessKeyId" "$out"

  # --- An outage between logd and the bucket (the fault proxy answering 503 to everything).
  /usr/bin/python3 "$here/../tools/s3_fault_proxy.py" --port-file "$s3d_dir/proxy.port" \
    --upstream "http://$s3" 2>"$s3d_dir/proxy.log" &
  s3d_pids+=($!)
  for _ in $(seq 1 100); do [ -s "$s3d_dir/proxy.port" ] && break; sleep 0.1; done
  s3d_proxy_port=$(cat "$s3d_dir/proxy.port")
  d2=$s3d_dir/outage
  s3d_config "$s3d_dir/outage.yaml" "$d2" "127.0.0.1:$s3d_proxy_port"
  # Separate tenant data: this logd writes tenant "fake" too, so count only its own lines.
  s3d_base=$(( $(date +%s%N) + 1000000 ))
  if s3d_start "$d2" "$port" "$s3d_dir/outage.yaml"; then
    s3d_fault '{"mode":"error","status":503,"code":"ServiceUnavailable"}'
    expect_eq "logd s3 outage: pushes still acknowledged (the WAL holds them)" 20 "$(s3d_push "$url" 101 120)"
    failures=0
    for _ in $(seq 1 150); do
      failures=$(s3d_metric "$url" loki_ingester_chunks_flush_failures_total)
      [ "${failures:-0}" -gt 0 ] 2>/dev/null && break
      sleep 0.2
    done
    [ "${failures:-0}" -gt 0 ] 2>/dev/null
    expect_eq "logd s3 outage: failed flushes counted ($failures)" 0 $?
    expect_contains "logd s3 outage: a warn line for the failed flush" 'msg="flushing chunks to the store failed' "$(grep level=warn "$d2.log")"
    expect_contains "logd s3 outage: ... naming the store's error" "ServiceUnavailable" "$(cat "$d2.log")"
    retries=$(s3d_metric "$url" logd_objstore_retries_total)
    [ "${retries:-0}" -gt 0 ] 2>/dev/null
    expect_eq "logd s3 outage: requests retried ($retries)" 0 $?
    s3d_stop "$s3d_pid" 60
    expect_eq "logd s3 outage: SIGTERM during the outage ends in bounded time, exit 1 (flush failed)" 1 "$s3d_rc"
    expect_contains "logd s3 outage: ... saying the WAL keeps the data" "the WAL keeps what was not flushed" "$(cat "$d2.log")"
    # The store back: the restart replays the WAL, and the next flush lands in the bucket.
    s3d_fault '{"mode":"pass"}'
    s3d_start "$d2" "$port" "$s3d_dir/outage.yaml"
    expect_eq "logd s3 outage: restart replays the WAL: nothing acknowledged lost" 50 "$(s3d_count "$url")"
    s3d_stop "$s3d_pid" 60
    expect_eq "logd s3 outage: SIGTERM with the store back exits 0" 0 "$s3d_rc"
    rm -rf "$d2"
    s3d_start "$d2" "$port" "$s3d_dir/outage.yaml"
    expect_eq "logd s3 outage: the bucket alone holds all 50 (30 + the 20 of the outage)" 50 "$(s3d_count "$url")"
    s3d_stop "$s3d_pid" 60
    # Queries that need the store while it is down: a 5xx naming it, not a hang.
    rm -rf "$d2"
    s3d_start "$d2" "$port" "$s3d_dir/outage.yaml"
    s3d_fault '{"mode":"error","status":503,"code":"ServiceUnavailable"}'
    rm -rf "$d2/index_cache"
    code=$(curl -s -m 60 -o "$s3d_dir/q.out" -w '%{http_code}' -G "$url/loki/api/v1/query_range" \
      --data-urlencode 'query={job="s3"}' --data-urlencode "start=$((s3d_base - 3600000000000))")
    [[ "$code" == 5* ]]; expect_eq "logd s3 outage: a query needing the store answers 5xx (got $code)" 0 $?
    expect_contains "logd s3 outage: ... naming the store" "s3" "$(cat "$s3d_dir/q.out")"
    s3d_fault '{"mode":"pass"}'
    s3d_stop "$s3d_pid" 60
    # Reset connections and slow answers (seconds each): retried, the flushes succeed.
    s3d_start "$d2" "$port" "$s3d_dir/outage.yaml"
    s3d_flushed_after() {  # N: waits (30 s at most) until more than N chunks were flushed
      local n=0
      for _ in $(seq 1 150); do
        n=$(s3d_metric "$url" loki_ingester_chunks_flushed_total)
        [ "${n:-0}" -gt "$1" ] 2>/dev/null && return 0
        sleep 0.2
      done
      return 1
    }
    curl -sf -X POST "http://127.0.0.1:$s3d_proxy_port/__proxy/reset-stats" >/dev/null
    s3d_fault '{"mode":"reset","count":3,"methods":["PUT"]}'
    expect_eq "logd s3 faults: pushes acknowledged while uploads are reset" 5 "$(s3d_push "$url" 201 205)"
    s3d_flushed_after 0
    expect_eq "logd s3 faults: reset uploads retried, the flush succeeds" 0 $?
    # (libcurl itself resends a request whose reused connection was reset, so not every reset
    # shows as a retry of ours.)
    retries=$(s3d_metric "$url" logd_objstore_retries_total)
    faults=$(curl -sf "http://127.0.0.1:$s3d_proxy_port/__proxy/stats" | jq -r .faults)
    [ "${retries:-0}" -ge 1 ] 2>/dev/null && [ "$faults" = 3 ]
    expect_eq "logd s3 faults: ... all 3 resets happened and were retried (retries $retries)" 0 $?
    flushed=$(s3d_metric "$url" loki_ingester_chunks_flushed_total)
    s3d_fault '{"mode":"delay","seconds":2,"count":2,"methods":["PUT"]}'
    expect_eq "logd s3 faults: pushes acknowledged while uploads are slow" 5 "$(s3d_push "$url" 206 210)"
    s3d_flushed_after "$flushed"
    expect_eq "logd s3 faults: slow uploads wait, the flush succeeds" 0 $?
    s3d_fault '{"mode":"pass"}'
    s3d_stop "$s3d_pid" 60
    rm -rf "$d2"
    s3d_start "$d2" "$port" "$s3d_dir/outage.yaml"
    expect_eq "logd s3 faults: the bucket holds every acknowledged line (60)" 60 "$(s3d_count "$url")"
    s3d_stop "$s3d_pid" 60

    # A store that hangs every request (each would wait for the 60 s request timeout, 5 times):
    # SIGTERM ends within ingester.shutdown_flush_timeout, and the WAL keeps every acknowledged line.
    d3=$s3d_dir/hang
    s3d_config "$s3d_dir/hang.yaml" "$d3" "127.0.0.1:$s3d_proxy_port"
    printf '  shutdown_flush_timeout: 3s\n' >>"$s3d_dir/hang.yaml"
    # Its own tenant: the checks below on the bucket's "fake" tenant stay about the lines above.
    sed -i 's/^auth_enabled: false/auth_enabled: true/' "$s3d_dir/hang.yaml"
    hang_push() {  # URL FIRST LAST: one line each to {job="s3hang"}; prints how many were answered 204
      local ok=0 i
      for i in $(seq "$2" "$3"); do
        [ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: hang' -H 'Content-Type: application/json' --data-binary \
          '{"streams":[{"stream":{"job":"s3hang"},"values":[["'$((s3d_base + i))'","hang '$i'"]]}]}' \
          "$1/loki/api/v1/push")" == 204 ] && ok=$((ok + 1))
      done
      echo "$ok"
    }
    hang_count() {
      curl -s -m 30 -H 'X-Scope-OrgID: hang' -G "$1/loki/api/v1/query" --data-urlencode 'query=sum(count_over_time({job="s3hang"}[1h]))' |
        jq -r '.data.result[0].value[1] // 0'
    }
    if s3d_start "$d3" "$port" "$s3d_dir/hang.yaml"; then
      s3d_fault '{"mode":"delay","seconds":600}'
      expect_eq "logd s3 hang: pushes acknowledged while every store request hangs" 20 "$(hang_push "$url" 1 20)"
      sleep 2  # chunk_idle_period and flush_check_period are 1s: a background flush is now stuck
      t0=$(date +%s)
      s3d_stop "$s3d_pid" 40
      took=$(( $(date +%s) - t0 ))
      expect_eq "logd s3 hang: SIGTERM ends in bounded time (shutdown_flush_timeout 3s, took ${took}s), exit 1" 1 "$s3d_rc"
      expect_contains "logd s3 hang: ... with an error line naming the bound" \
        "shutdown did not finish within ingester.shutdown_flush_timeout" "$(grep level=error "$d3.log")"
      s3d_fault '{"mode":"pass"}'
      s3d_start "$d3" "$port" "$s3d_dir/hang.yaml"
      expect_eq "logd s3 hang: the store back, the restart replays the WAL: all 20 lines" 20 "$(hang_count "$url")"
      s3d_stop "$s3d_pid" 60
      expect_eq "logd s3 hang: ... and its SIGTERM flushes them (exit 0)" 0 "$s3d_rc"
      rm -rf "$d3"
      s3d_start "$d3" "$port" "$s3d_dir/hang.yaml"
      expect_eq "logd s3 hang: the bucket alone holds all 20" 20 "$(hang_count "$url")"
      s3d_stop "$s3d_pid" 60
    else
      fail "logd s3 hang: logd starts through the proxy" "$(tail -5 "$d3.log")"
    fi
  else
    fail "logd s3 outage: logd starts through the proxy" "$(tail -5 "$d2.log")"
  fi

  # --- The CLI tools on the bucket (--store s3://, endpoint and keys from AWS_*), and a corrupt
  # chunk object: named by logidx verify and logchunk verify, skipped with a warning by queries.
  s3env() { AWS_ENDPOINT_URL=http://$s3 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 timeout 60 "$@"; }
  q=(query --since=1h --limit=0 -o raw -q '{job="s3"}')
  expect_eq "logd s3 tools: logcli --store s3:// reads every line from the bucket" 60 \
    "$(s3env logcli --store s3://e2e-bucket --cache-dir none "${q[@]}" 2>/dev/null | wc -l)"
  s3env logidx verify --store s3://e2e-bucket --grace 0s >"$s3d_dir/verify.out" 2>&1
  expect_eq "logd s3 tools: logidx verify finds the bucket sound" "0" "$?"
  # A chunk object, or a segment object holding several chunks (read by ranged GETs).
  obj=$(find "$s3d_dir/s3rver/e2e-bucket/fake/chunks" \( -name '*.chunk._S3rver_object' -o -name '*.seg._S3rver_object' \) |
    head -1)
  key=${obj#"$s3d_dir/s3rver/e2e-bucket/"}
  key=${key%._S3rver_object}
  size=$(stat -c %s "$obj")
  printf 'XXXXXXXX' | dd of="$obj" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
  s3env logidx verify --store s3://e2e-bucket --grace 0s >"$s3d_dir/verify.out" 2>&1
  expect_eq "logd s3 tools: logidx verify fails on a corrupt chunk object" "1" "$?"
  expect_contains "logd s3 tools: ... naming it" "$(basename "$key")" "$(cat "$s3d_dir/verify.out")"
  s3env logchunk verify --store s3://e2e-bucket "$key" >"$s3d_dir/cverify.out" 2>&1
  expect_eq "logd s3 tools: logchunk verify --store s3:// fails on it" "1" "$?"
  expect_contains "logd s3 tools: ... naming it" "$(basename "$key")" "$(cat "$s3d_dir/cverify.out")"
  n=$(s3env logcli --store s3://e2e-bucket --cache-dir none "${q[@]}" 2>"$s3d_dir/q.err" | wc -l)
  [ "$n" -gt 0 ] && [ "$n" -lt 60 ]
  expect_eq "logd s3 tools: a query skips the corrupt chunk and answers the rest ($n of 60)" 0 $?
  expect_contains "logd s3 tools: ... with a warning naming it" "$(basename "$key")" "$(cat "$s3d_dir/q.err")"

  # --- A schema period switching from the filesystem to s3 yesterday: a line of two days ago goes
  # to the local directory, one of now to the bucket, and both are read back from where they are.
  sw=$s3d_dir/switch
  cat >"$s3d_dir/switch.yaml" <<YAML
common:
  path_prefix: $sw
schema_config:
  configs:
    - {from: 2020-01-01, store: tsdb, object_store: filesystem, schema: v13, index: {prefix: index_, period: 24h}}
    - {from: $(date -u -d '1 day ago' +%F), store: tsdb, object_store: s3, schema: v13, index: {prefix: index_, period: 24h}}
storage_config:
  aws: {s3: "s3://S3RVER:S3RVER@$s3/e2e-bucket", s3forcepathstyle: true}
YAML
  sw_count() {
    curl -s -G "$url/loki/api/v1/query" --data-urlencode 'query=sum(count_over_time({job="switch"}[4d]))' |
      grep -o '"value":\[[0-9.]*,"[0-9]*"' | sed 's/.*,"//; s/"//'
  }
  if s3d_start "$sw" "$port" "$s3d_dir/switch.yaml"; then
    old=$(( $(date +%s%N) - 2 * 86400 * 1000000000 ))
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
      '{"streams":[{"stream":{"job":"switch"},"values":[["'$old'","two days ago"],["'$(date +%s%N)'","now"]]}]}' "$url/loki/api/v1/push")
    expect_eq "logd s3 periods: a push spanning both periods is acknowledged" 204 "$code"
    s3d_stop "$s3d_pid" 60
    expect_eq "logd s3 periods: SIGTERM flushes both stores" 0 "$s3d_rc"
    local_day=$(date -u -d '2 days ago' +%F)
    n_local=$(find "$sw/store/fake/chunks/$local_day" -name '*.chunk' 2>/dev/null | wc -l)
    n_bucket=$(find "$s3d_dir/s3rver/e2e-bucket/fake/chunks/$local_day" -name '*._S3rver_object' 2>/dev/null | wc -l)
    expect_eq "logd s3 periods: the old line's chunk is in the local directory, not the bucket" "1 0" "$n_local $n_bucket"
    n_today=$(find "$sw/store/fake/chunks" -name '*.chunk' | wc -l)
    expect_eq "logd s3 periods: the line of now is not in the local directory (it went to the bucket)" 1 "$n_today"
    s3d_start "$sw" "$port" "$s3d_dir/switch.yaml"
    expect_eq "logd s3 periods: after a restart both lines are read, each from its store" 2 "$(sw_count)"
    s3d_stop "$s3d_pid" 60
  else
    fail "logd s3 periods: logd starts with two periods" "$(tail -5 "$sw.log")"
  fi
else
  fail "logd s3: s3rver started"
fi
s3d_cleanup
trap 'rm -rf "$TMPDIR_E2E"' EXIT
