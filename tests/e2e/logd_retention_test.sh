# logd's own retention (Loki's compactor.retention_enabled with limits_config.retention_period
# and retention_stream): chunks past their retention are deleted by the running logd, the others
# stay, and the Loki flags do the same as the YAML keys. Every logd started here is killed by the
# trap.
rt_pids=()
rt_cleanup() { for p in "${rt_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'rt_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

rt_push() {  # url app ts line: prints the HTTP status
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
    '{"streams":[{"stream":{"app":"'"$2"'"},"values":[["'"$3"'","'"$4"'"]]}]}' "$1/loki/api/v1/push"
}
rt_lines() {  # url selector: lines of the last 5 days
  local now
  now=$(date +%s%N)
  curl -s -G "$1/loki/api/v1/query_range" --data-urlencode "query=$2" --data-urlencode limit=1000 \
    --data-urlencode "start=$((now - 5 * 86400 * 1000000000))" --data-urlencode "end=$now" |
    python3 -c 'import json,sys
for s in json.load(sys.stdin)["data"]["result"]:
    for v in s["values"]: print(v[1])' | sort
}

d=$TMPDIR_E2E/retention
port=$(free_port)
url="http://127.0.0.1:$port"
now=$(date +%s)
three_days_ago=$(( (now - 72 * 3600) * 1000000000 ))
an_hour_ago=$(( (now - 3600) * 1000000000 ))
start_logd "$d" "$port" || exit 1
rt_pids+=("$started_logd_pid")
codes=$(rt_push "$url" old "$three_days_ago" "old line")
codes+=$(rt_push "$url" audit "$three_days_ago" "audit line")
codes+=$(rt_push "$url" new "$an_hour_ago" "new line")
kill -TERM "$started_logd_pid"; wait "$started_logd_pid"
expect_eq "logd retention: the pushes were accepted" "204204204" "$codes"

# 48h for every stream, a rule keeping {app="audit"} for 30 days; no delete delay.
cat >"$d.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: $port}
common: {path_prefix: $d}
limits_config:
  retention_period: 48h
  retention_stream:
    - {selector: '{app="audit"}', priority: 1, period: 720h}
compactor:
  retention_enabled: true
  retention_delete_delay: 0s
  compaction_interval: 1h
  working_directory: $d/compactor
YAML
logd -config.file="$d.yaml" 2>"$d.log" &
rt_pids+=($!)
pid=$!
for _ in $(seq 1 100); do
  curl -s "$url/metrics" | grep -q '^loki_compactor_apply_retention_operation_total{status="success"} 1' && break
  sleep 0.1
done
expect_eq "logd retention: the expired stream is gone" "" "$(rt_lines "$url" '{app="old"}')"
expect_eq "logd retention: a retention_stream rule keeps its stream longer" "audit line" \
  "$(rt_lines "$url" '{app="audit"}')"
expect_eq "logd retention: recent entries stay" "new line" "$(rt_lines "$url" '{app="new"}')"
expect_contains "logd retention: /metrics counts the deleted chunk" \
  'logd_retention_chunks_deleted_total{tenant="fake"} 1' "$(curl -s "$url/metrics")"
expect_contains "logd retention: the log says what went" 'msg="retention deleted expired chunks" tenant="fake" chunks=1' \
  "$(cat "$d.log")"
expect_contains "logd retention: keys without effect are named at start" \
  'msg="config key accepted, no effect in logd" key=compactor.working_directory' "$(cat "$d.log")"
kill -TERM "$pid"; wait "$pid"
out=$(logidx verify --path "$d" 2>&1)
expect_eq "logd retention: the store verifies after the deletion" 0 $?

# Retention configured but not enabled deletes nothing, and says so (Loki deletes nothing either).
start_logd "$d" "$port" -store.retention=24h || exit 1
rt_pids+=("$started_logd_pid")
expect_eq "logd retention: without retention_enabled the old rule-kept stream stays" "audit line" \
  "$(rt_lines "$url" '{app="audit"}')"
kill -TERM "$started_logd_pid"; wait "$started_logd_pid"
expect_contains "logd retention: ...and logd warns that nothing will be deleted" \
  "compactor.retention_enabled is false: nothing will be deleted" "$(cat "$d.log")"
