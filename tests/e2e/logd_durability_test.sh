# logd durability: every push answered 204 survives kill -9 (WAL replay); SIGTERM flushes chunks
# to the store and a restart serves them. Every logd started here is killed by the trap.
dur_pids=()
dur_cleanup() { for p in "${dur_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'dur_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

dur_port() { free_port; }
dur_start() { start_logd "$@" || return 1; dur_pid=$started_logd_pid; dur_pids+=("$dur_pid"); }  # dir port: sets dur_pid, waits for /ready
dur_count() {  # url: number of entries of {job="dur"} in the last hour
  curl -s -G "$1/loki/api/v1/query" --data-urlencode 'query=sum(count_over_time({job="dur"}[1h]))' |
    grep -o '"value":\[[0-9.]*,"[0-9]*"' | sed 's/.*,"//; s/"//'
}

d=$TMPDIR_E2E/dur
port=$(dur_port)
url="http://127.0.0.1:$port"
dur_start "$d" "$port"
n=25
acked=0
base=$(date +%s%N)
for i in $(seq 1 $n); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
    '{"streams":[{"stream":{"job":"dur","batch":"'$((i % 3))'"},"values":[["'$((base + i))'","batch '$i'"]]}]}' "$url/loki/api/v1/push")
  [ "$code" == 204 ] && acked=$((acked + 1))
done
expect_eq "logd durability: every batch acknowledged" "$n" "$acked"
kill -9 "$dur_pid"; wait "$dur_pid" 2>/dev/null
dur_start "$d" "$port"
expect_eq "logd durability: all acknowledged entries queryable after kill -9" "$n" "$(dur_count "$url")"

kill -TERM "$dur_pid"
wait "$dur_pid"
expect_eq "logd durability: SIGTERM exits 0" 0 $?
chunks=$(find "$d/store/fake/chunks" \( -name '*.chunk' -o -name '*.seg' \) 2>/dev/null | wc -l)
[ "$chunks" -gt 0 ]; expect_eq "logd durability: SIGTERM flushed chunk (or segment) files to the store" 0 $?
idx=$(find "$d/store/fake/index" -name '*.idx' 2>/dev/null | wc -l)
[ "$idx" -gt 0 ]; expect_eq "logd durability: SIGTERM wrote index files" 0 $?
dur_start "$d" "$port"
expect_eq "logd durability: restart serves the flushed entries, without duplicates" "$n" "$(dur_count "$url")"
out=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query={job="dur"} |= "batch 7"' --data-urlencode limit=5)
expect_contains "logd durability: line filter over stored chunks" '"batch 7"' "$out"
kill -TERM "$dur_pid"; wait "$dur_pid" 2>/dev/null
