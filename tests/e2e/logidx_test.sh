# logidx end to end, on a store written by a real logd: stats, rebuild and verify, retention
# (dry run, then real), delete, and retention and compaction runs while logd ingests and flushes,
# losing no entry that should stay. Every logd started here is killed by the trap.
li_pids=()
li_cleanup() { for p in "${li_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'li_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

li_port() { free_port; }
li_start() { start_logd "$@" || return 1; li_pid=$started_logd_pid; li_pids+=("$li_pid"); }  # dir port [flags]: sets li_pid, waits for /ready
li_stop() { kill -TERM "$li_pid"; wait "$li_pid" 2>/dev/null; }
li_push() {  # url app ts line: prints the HTTP status
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
    '{"streams":[{"stream":{"app":"'"$2"'"},"values":[["'"$3"'","'"$4"'"]]}]}' "$1/loki/api/v1/push"
}
li_count() {  # url selector: entries of the last 6 hours
  curl -s -G "$1/loki/api/v1/query" --data-urlencode "query=sum(count_over_time($2[6h]))" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}
li_store_count() {  # dir selector: the same over the files, with no server
  logcli query --store "$1" --since=6h --limit=0 -o raw "$2" 2>/dev/null | wc -l
}

d=$TMPDIR_E2E/li
port=$(li_port)
url="http://127.0.0.1:$port"
now=$(date +%s)
old=$(( (now - 3 * 3600) * 1000000000 ))  # three hours ago
li_start "$d" "$port"
codes=""
for i in $(seq 1 10); do
  codes+=$(li_push "$url" api $((old + i * 1000000)) "api $i")
  codes+=$(li_push "$url" debug $((old + i * 1000000)) "debug $i")
done
li_stop
expect_eq "logidx: logd accepted every push" "$(printf '204%.0s' $(seq 1 20))" "$codes"

out=$(logidx stats --path "$d")
expect_contains "logidx stats: tenant" "tenant fake" "$out"
expect_contains "logidx stats: series" "series:       2" "$out"
expect_contains "logidx stats: entries" "entries:      20" "$out"
expect_contains "logidx stats: top values" 'app="api"' "$out"
json=$(logidx stats --path "$d" -o json)
expect_eq "logidx stats -o json" "2 20 app 2" \
  "$(echo "$json" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["series"], s["entries"], s["labels"][0]["name"], s["labels"][0]["values"])')"

out=$(logidx verify --path "$d")
expect_eq "logidx verify: a store written by logd is sound" 0 $?
expect_contains "logidx verify: summary" "0 problems, 0 unindexed" "$out"
# The data dir as an operand, as Unix tools take it; giving it twice is an error.
out=$(logidx verify "$d")
expect_eq "logidx verify DIR: the data dir as an operand" 0 $?
expect_contains "logidx verify DIR: same summary" "0 problems, 0 unindexed" "$out"
expect_contains "logidx stats DIR" "entries:      20" "$(logidx stats "$d")"
logidx verify --path "$d" "$d" >/dev/null 2>&1
expect_eq "logidx verify: DIR and --path together are refused" 1 $(($? != 0))

# Rebuild: the index goes, queries see nothing; rebuild brings everything back.
rm -rf "$d/store/fake/index"
expect_eq "logidx rebuild: without an index nothing is visible" 0 "$(li_store_count "$d" '{app=~".+"}')"
out=$(logidx rebuild --path "$d")
expect_contains "logidx rebuild: indexed both streams" "2 chunks of 2 series indexed" "$out"
expect_eq "logidx rebuild: every entry is back" 20 "$(li_store_count "$d" '{app=~".+"}')"
expect_status "logidx rebuild: verify passes afterwards" 0 logidx verify --path "$d"

# verify notices a chunk file the index does not know (past the grace period).
stray="$(dirname "$(find "$d/store/fake/chunks" \( -name '*.chunk' -o -name '*.seg' \) | head -1)")/0000000000000000-1-2-00000000.chunk"
echo junk > "$stray"
out=$(logidx verify --path "$d" --grace 0s)
expect_eq "logidx verify: an unindexed chunk fails the run" 1 $?
expect_contains "logidx verify: names the unindexed chunk" "0000000000000000-1-2-00000000.chunk: not indexed" "$out"
logidx verify --path "$d" --grace 0s --remove-orphans > /dev/null
expect_eq "logidx verify --remove-orphans: removed it" 0 "$(ls "$stray" 2>/dev/null | wc -l)"

# Retention: the debug stream keeps 2h, everything else 744h.
out=$(logidx retention --path "$d" --retention=744h --rule '{app="debug"}=2h' --dry-run)
expect_contains "logidx retention --dry-run: lists the debug chunk" "would delete fake" "$out"
expect_contains "logidx retention --dry-run: counts" "1 chunks (10 entries) would be deleted" "$out"
expect_eq "logidx retention --dry-run: deletes nothing" 20 "$(li_store_count "$d" '{app=~".+"}')"
out=$(logidx retention --path "$d" --retention=744h --rule '{app="debug"}=2h')
expect_contains "logidx retention: deleted" "1 chunks (10 entries) deleted" "$out"
li_start "$d" "$port"
expect_eq "logidx retention: debug entries are gone" 0 "$(li_count "$url" '{app="debug"}')"
expect_eq "logidx retention: api entries stay" 10 "$(li_count "$url" '{app="api"}')"
li_stop

# Delete api entries 3..5 ([from, to) in unix nanoseconds).
out=$(logidx delete --path "$d" --selector '{app="api"}' --from $((old + 3000000)) --to $((old + 6000000)) --dry-run)
expect_contains "logidx delete --dry-run" "3 entries would be deleted" "$out"
out=$(logidx delete --path "$d" --selector '{app="api"}' --from $((old + 3000000)) --to $((old + 6000000)))
expect_contains "logidx delete: rewrote the partly affected chunk" "1 rewritten" "$out"
got=$(logcli query --store "$d" --since=6h --limit=0 --forward -o raw '{app="api"}' 2>/dev/null | tr '\n' ,)
expect_eq "logidx delete: exactly the range is gone" "api 1,api 2,api 6,api 7,api 8,api 9,api 10," "$got"
expect_status "logidx delete: verify passes afterwards" 0 logidx verify --path "$d"
logidx delete --path "$d" --selector '{app=~".*"}' --from 1 --to 2 >/dev/null 2>&1
expect_eq "logidx delete: an all-matching selector is refused" 1 $(($? != 0))

# Maintenance while logd ingests and flushes every second: retention and compaction race the
# flushes of new index files, and no live entry may go missing.
cat > "$d.yaml" <<YAML
ingester:
  chunk_idle_period: 500ms
  max_chunk_age: 1s
  flush_check_period: 100ms
YAML
li_start "$d" "$port" -config.file="$d.yaml"
(
  acked=0
  for i in $(seq 1 120); do
    t=$(date +%s%N)
    [ "$(li_push "$url" live "$t" "live $i")" == 204 ] && acked=$((acked + 1))
    li_push "$url" debug $((old + 100000000 + i)) "debug again $i" > /dev/null
    sleep 0.02
  done
  echo "$acked" > "$d.acked"
) &
pusher=$!
maint_ok=0
for _ in $(seq 1 8); do
  logidx retention --path "$d" --retention=744h --rule '{app="debug"}=2h' > /dev/null 2>>"$d.maint.log" || maint_ok=1
  logchunk compact --path "$d" > /dev/null 2>>"$d.maint.log" || maint_ok=1
  sleep 0.2
done
wait "$pusher"
expect_eq "logidx: retention and compaction runs beside logd succeed" 0 "$maint_ok"
sleep 1.5  # the last pushes reach the store
logidx retention --path "$d" --retention=744h --rule '{app="debug"}=2h' > /dev/null
expect_eq "logidx: every acknowledged live entry is still queryable" "$(cat "$d.acked")" "$(li_count "$url" '{app="live"}')"
expect_eq "logidx: the api entries that should stay are all there" 7 "$(li_count "$url" '{app="api"}')"
li_stop
li_start "$d" "$port"
expect_eq "logidx: after a restart too" "$(cat "$d.acked") 7" "$(li_count "$url" '{app="live"}') $(li_count "$url" '{app="api"}')"
li_stop
expect_eq "logidx: debug entries flushed during the runs are gone too" 0 "$(li_store_count "$d" '{app="debug"}')"
expect_status "logidx verify: the store is sound after the concurrent runs" 0 logidx verify --path "$d" --grace 0s
