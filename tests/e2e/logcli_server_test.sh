# logcli against a real logd on a free loopback port (pushes with curl), then --store on the data
# directory: every command and the main flags, compared with the exact expected text.
lcs_pids=()
lcs_cleanup() { for p in "${lcs_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'lcs_cleanup; rm -rf "$TMPDIR_E2E"' EXIT
lcs_port() { free_port; }
# lcs_start DIR PORT [FLAGS...]: starts logd and waits for /ready; sets lcs_pid.
lcs_start() { start_logd "$@" || return 1; lcs_pid=$started_logd_pid; lcs_pids+=("$lcs_pid"); }
lcs_push() {  # lcs_push URL BODY [CURL FLAGS...]
  local url=$1 body=$2
  shift 2
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$body" "$@" "$url/loki/api/v1/push"
}
utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

d=$TMPDIR_E2E/lcs
port=$(lcs_port)
lcs_start "$d" "$port"
url="http://127.0.0.1:$port"
# Whole seconds ten minutes ago, so the expected timestamps are easy to print.
b=$(( $(date +%s) - 600 ))
ns() { echo "$(( ($b + $1) * 1000000000 ))"; }
code=$(lcs_push "$url" '{"streams":[
 {"stream":{"app":"api","env":"prod"},"values":[["'$(ns 1)'","GET /a 200"],["'$(ns 3)'","GET /b 500"]]},
 {"stream":{"app":"db","env":"prod"},"values":[["'$(ns 2)'","slow query"]]}]}')
expect_eq "logcli server: push accepted" 204 "$code"
export LOKI_ADDR=$url

out=$(logcli query -q -z UTC '{env="prod"}')
expect_eq "logcli server: default output, newest first, common labels removed, labels padded" \
"$(utc $((b+3))) {app=\"api\"} GET /b 500
$(utc $((b+2))) {app=\"db\"}  slow query
$(utc $((b+1))) {app=\"api\"} GET /a 200" "$out"
err=$(logcli query -z UTC '{env="prod"}' 2>&1 >/dev/null)
expect_contains "logcli server: the request URL on stderr, as Loki's logcli prints it" \
  "$url/loki/api/v1/query_range?direction=BACKWARD&end=" "$err"
expect_contains "logcli server: common labels on stderr" 'Common labels: {env="prod"}' "$err"
expect_eq "logcli server: -q prints nothing on stderr" "" "$(logcli query -q '{env="prod"}' 2>&1 >/dev/null)"
out=$(logcli query -q -o raw --forward --limit 2 '{env="prod"}')
expect_eq "logcli server: raw, forward, limit" "GET /a 200
slow query" "$out"
out=$(logcli query -q -o jsonl -z UTC --limit 1 '{app="db"}')
expect_eq "logcli server: jsonl" "{\"labels\":{\"app\":\"db\",\"env\":\"prod\"},\"line\":\"slow query\",\"timestamp\":\"$(utc $((b+2)))\"}" "$out"
out=$(logcli query -q -z UTC --no-labels --limit 1 '{env="prod"}')
expect_eq "logcli server: --no-labels" "$(utc $((b+3))) GET /b 500" "$out"
out=$(logcli query -q -z UTC --forward --limit 1 --exclude-label app '{env="prod"}')
expect_eq "logcli server: --exclude-label" "$(utc $((b+1))) {} GET /a 200" "$out"
out=$(logcli query -q -z UTC --forward --include-label env --limit 1 '{env="prod"}')
expect_eq "logcli server: --include-label keeps a common label on the line" "$(utc $((b+1))) {env=\"prod\"} GET /a 200" "$out"
out=$(logcli query -q -o raw --from "$((b+2))" --to "$((b+3))" '{env="prod"}')
expect_eq "logcli server: --from/--to, end exclusive" "slow query" "$out"
out=$(logcli instant-query -q --now "$((b+10))" 'sum(count_over_time({env="prod"}[1m]))' | tr -d ' \n')
expect_eq "logcli server: instant-query vector" "[{\"metric\":{},\"value\":[$((b+10)),\"3\"]}]" "$out"
out=$(logcli query -q --from "$b" --to "$((b+60))" --step 60s 'sum(count_over_time({env="prod"}[1m]))' | tr -d ' \n')
expect_eq "logcli server: range metric query with --step" "[{\"metric\":{},\"values\":[[$((b+60)),\"3\"]]}]" "$out"
err=$(logcli query -q --stats --limit 1 '{env="prod"}' 2>&1 >/dev/null)
expect_contains "logcli server: --stats on stderr" "Summary.TotalLinesProcessed" "$err"

expect_eq "logcli server: labels" "app
env" "$(logcli labels -q)"
expect_eq "logcli server: label values" "api
db" "$(logcli labels -q app)"
expect_eq "logcli server: series" '{app="api", env="prod"}
{app="db", env="prod"}' "$(logcli series -q '{env="prod"}')"
expect_eq "logcli server: stats" "{
  bytes: 30B
  chunks: 2
  streams: 2
  entries: 3
}" "$(logcli stats -q '{env="prod"}')"

# --batch: 7 entries, three sharing the timestamp at the end of the first page of 4.
code=$(lcs_push "$url" '{"streams":[{"stream":{"app":"batch"},"values":[
 ["'$(ns 11)'","l1"],["'$(ns 12)'","l2"],["'$(ns 13)'","l3"],["'$(ns 14)'","l4a"],["'$(ns 14)'","l4b"],["'$(ns 14)'","l4c"],["'$(ns 15)'","l5"]]}]}')
expect_eq "logcli server: batch entries pushed" 204 "$code"
out=$(logcli query -o raw --forward --limit 100 --batch 4 '{app="batch"}' 2>"$d.batch.err")
expect_eq "logcli server: --batch forward pages print every entry once, in order" "l1 l2 l3 l4a l4b l4c l5" "$(echo $out)"
pages=$(grep -c 'query_range' "$d.batch.err")
[ "$pages" -ge 3 ]; expect_eq "logcli server: --batch made several requests ($pages)" 0 $?
expect_contains "logcli server: the second page starts at the shared timestamp" "start=$(ns 14)" "$(cat "$d.batch.err")"
out=$(logcli query -q -o raw --limit 100 --batch 4 '{app="batch"}' | sort | tr '\n' ' ')
expect_eq "logcli server: --batch backward across the tie, nothing lost or repeated" "l1 l2 l3 l4a l4b l4c l5 " "$out"
out=$(logcli query -q -o raw --limit 5 --batch 3 --forward '{app="batch"}' | tr '\n' ' ')
expect_eq "logcli server: --batch stops at the limit" "l1 l2 l3 l4a l4b " "$out"
logcli query -q -o raw --limit 100 --batch 2 --forward '{app="batch"}' >/dev/null 2>"$d.err"
expect_eq "logcli server: a batch smaller than a tie fails" 1 $?
expect_contains "logcli server: ...naming the batch size to use" "--batch=3" "$(cat "$d.err")"

# Errors: exit 1 with the server's message.
logcli instant-query -q '{env="prod"}' 2>"$d.err"
expect_eq "logcli server: a server error exits 1" 1 $?
expect_contains "logcli server: ...with the server's message" "log queries are not supported as an instant query type" "$(cat "$d.err")"
logcli query -q --addr http://127.0.0.1:1 '{env="prod"}' 2>"$d.err"
expect_eq "logcli server: connection refused exits 1" 1 $?
expect_contains "logcli server: ...saying so" "Query failed: error sending request" "$(cat "$d.err")"
logcli query -q '{env="prod"' 2>"$d.err"
expect_eq "logcli server: a bad query exits 1 before any request" 1 $?
expect_contains "logcli server: ...with the parse error" "Query failed: parse error" "$(cat "$d.err")"
logcli query -q --username u --bearer-token t '{env="prod"}' 2>"$d.err"
expect_contains "logcli server: basic auth and a bearer token conflict" "at most one of" "$(cat "$d.err")"

# --tail: entries pushed after it starts arrive over the WebSocket; SIGINT ends it with 0.
logcli query --tail -q -o raw --since 1s '{app="tail"}' > "$d.tail" 2>"$d.tail.err" &
tail_pid=$!
lcs_pids+=("$tail_pid")
sleep 0.7
lcs_push "$url" '{"streams":[{"stream":{"app":"tail"},"values":[["'$(date +%s%N)'","live 1"]]}]}' >/dev/null
lcs_push "$url" '{"streams":[{"stream":{"app":"tail"},"values":[["'$(date +%s%N)'","live 2"]]}]}' >/dev/null
for _ in $(seq 1 60); do [ "$(wc -l < "$d.tail")" -ge 2 ] && break; sleep 0.1; done
kill -INT "$tail_pid"
wait "$tail_pid"
expect_eq "logcli server: --tail exits 0 on SIGINT" 0 $?
expect_eq "logcli server: --tail printed the live entries" "live 1
live 2" "$(cat "$d.tail")"

# Auth: with auth enabled the org ID is required and selects the tenant.
d2=$TMPDIR_E2E/lcs-auth
port2=$(lcs_port)
lcs_start "$d2" "$port2" -auth.enabled
url2="http://127.0.0.1:$port2"
lcs_push "$url2" '{"streams":[{"stream":{"app":"a"},"values":[["'$(ns 1)'","tenant a line"]]}]}' -H 'X-Scope-OrgID: team-a' >/dev/null
logcli --addr "$url2" query -q '{app="a"}' 2>"$d.err"
expect_eq "logcli auth: no org id exits 1" 1 $?
expect_contains "logcli auth: ...with the server's message" "no org id" "$(cat "$d.err")"
expect_eq "logcli auth: --org-id selects the tenant" "tenant a line" "$(logcli --addr "$url2" --org-id team-a query -q -o raw '{app="a"}')"
expect_eq "logcli auth: LOKI_ORG_ID too" "tenant a line" "$(LOKI_ORG_ID=team-a logcli --addr "$url2" query -q -o raw '{app="a"}')"
expect_eq "logcli auth: another tenant sees nothing" "" "$(logcli --addr "$url2" --org-id team-b query -q -o raw '{app="a"}')"
kill -TERM "$lcs_pid"; wait "$lcs_pid" 2>/dev/null

# --store: after SIGTERM (logd flushes everything), then while a new logd runs on the same data.
server_out=$(logcli query -q -z UTC --limit 100 '{env="prod"}')
kill -TERM "${lcs_pids[0]}"
wait "${lcs_pids[0]}"
expect_eq "logcli store: logd stopped cleanly" 0 $?
unset LOKI_ADDR
out=$(logcli --store "$d" query -q -z UTC --from "$b" --limit 100 '{env="prod"}')
expect_eq "logcli store: the same answer as the server" "$server_out" "$out"
expect_eq "logcli store: labels" "app
env" "$(logcli --store "$d" labels -q --since 24h)"
expect_eq "logcli store: series" '{app="batch"}' "$(logcli --store "$d" series -q --since 24h '{app="batch"}')"
expect_contains "logcli store: stats" "entries: 3" "$(logcli --store "$d" stats -q --since 24h '{env="prod"}')"
out=$(logcli --store "$d" instant-query -q --now "$((b+10))" 'sum(count_over_time({env="prod"}[1m]))' | tr -d ' \n')
expect_eq "logcli store: instant-query" "[{\"metric\":{},\"value\":[$((b+10)),\"3\"]}]" "$out"
out=$(logcli --store "$d" query -q -o raw --forward --limit 100 --batch 4 --since 24h '{app="batch"}' | tr '\n' ' ')
expect_eq "logcli store: --batch pages the same way" "l1 l2 l3 l4a l4b l4c l5 " "$out"
expect_eq "logcli store: another tenant is empty" "" "$(logcli --store "$d" --org-id other query -q -o raw --since 24h '{app="batch"}')"
logcli --store "$TMPDIR_E2E/nowhere" labels -q 2>"$d.err"
expect_eq "logcli store: a directory without store/ exits 1" 1 $?
[ ! -e "$TMPDIR_E2E/nowhere" ]; expect_eq "logcli store: ...and creates nothing (read-only)" 0 $?
lcs_start "$d" "$port"
out=$(logcli --store "$d" query -q -z UTC --from "$b" --limit 100 '{env="prod"}')
expect_eq "logcli store: reads while logd runs on the same directory" "$server_out" "$out"
kill -TERM "$lcs_pid"; wait "$lcs_pid" 2>/dev/null
