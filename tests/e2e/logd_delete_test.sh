# The delete API (POST/GET/DELETE /loki/api/v1/delete): requests hide lines from queries at once,
# per tenant; bad queries are 400; cancellation; deletion_mode disabled is 403; with
# filter-and-delete the compactor pass removes the matched lines from the stored chunks (seen
# by a logd that does not filter), leaving the other lines and tenants alone.
dl_pids=()
dl_cleanup() { for p in "${dl_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'dl_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

dl_start() {  # dir port yaml-extra...: starts logd with auth on, waits for /ready
  local dir=$1 port=$2
  shift 2
  cat >"$dir.yaml" <<YAML
auth_enabled: true
server: {http_listen_address: 127.0.0.1, http_listen_port: $port}
common: {path_prefix: $dir}
$(printf '%s\n' "$@")
YAML
  logd -config.file="$dir.yaml" 2>>"$dir.log" &
  dl_pids+=("$!")
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "logd did not start: $(tail -3 "$dir.log")" >&2
  return 1
}
dl_stop() { kill -TERM "${dl_pids[-1]}"; wait "${dl_pids[-1]}" 2>/dev/null; }
dl_lines() {  # url tenant selector: the lines of the last hour, sorted
  logcli --addr="$1" --org-id="$2" query --quiet --output=raw --since=1h --limit=1000 "$3" | sort
}
dl_delete() {  # url tenant method [curl -G args...]: prints the status
  local url=$1 tenant=$2 method=$3
  shift 3
  curl -s -o "$TMPDIR_E2E/delete.answer" -w '%{http_code}' -X "$method" -H "X-Scope-OrgID: $tenant" -G "$@" \
    "$url/loki/api/v1/delete"
}

d=$TMPDIR_E2E/delete
port=$(free_port)
url="http://127.0.0.1:$port"
dl_start "$d" "$port" || exit 1
now=$(date +%s%N)
hour_ago=$(( $(date +%s) - 3600 ))
for tenant in t1 t2; do
  curl -s -o /dev/null -H "X-Scope-OrgID: $tenant" -H 'Content-Type: application/json' --data-binary \
    "{\"streams\":[{\"stream\":{\"app\":\"web\"},\"values\":[[\"$((now - 3000000000))\",\"GET /home\"],[\"$((now - 2000000000))\",\"password=hunter2\"]]},{\"stream\":{\"app\":\"db\"},\"values\":[[\"$((now - 2000000000))\",\"password=db\"]]}]}" \
    "$url/loki/api/v1/push"
done
expect_eq "delete: a request is accepted" "204" \
  "$(dl_delete "$url" t1 POST --data-urlencode 'query={app="web"} |= "password"' --data-urlencode "start=$hour_ago")"
expect_eq "delete: the matched line is hidden at once, other streams stay" \
  "$(printf 'GET /home\npassword=db')" "$(dl_lines "$url" t1 '{app=~"web|db"}')"
expect_eq "delete: another tenant is untouched" \
  "$(printf 'GET /home\npassword=db\npassword=hunter2')" "$(dl_lines "$url" t2 '{app=~"web|db"}')"
list=$(curl -s -H 'X-Scope-OrgID: t1' "$url/loki/api/v1/delete")
expect_eq "delete: GET lists the request in Loki's shape" \
  "query={app=\"web\"} |= \"password\" status=received start=$hour_ago keys=created_at,end_time,query,request_id,start_time,status" \
  "$(python3 -c 'import json,sys
r = json.loads(sys.argv[1]); assert len(r) == 1; r = r[0]
print("query=%s status=%s start=%s keys=%s" % (r["query"], r["status"], r["start_time"], ",".join(sorted(r))))' "$list")"
expect_eq "delete: the other tenant lists nothing" "[]" "$(curl -s -H 'X-Scope-OrgID: t2' "$url/loki/api/v1/delete")"
expect_eq "delete: a metric query is 400" "400" \
  "$(dl_delete "$url" t1 POST --data-urlencode 'query=rate({app="web"}[1m])' --data-urlencode "start=$hour_ago")"
expect_contains "delete: the 400 says why" "invalid query expression" "$(cat "$TMPDIR_E2E/delete.answer")"
expect_eq "delete: a parser stage is 400" "400" \
  "$(dl_delete "$url" t1 POST --data-urlencode 'query={app="web"} | json' --data-urlencode "start=$hour_ago")"
expect_eq "delete: a missing start is 400" "400" "$(dl_delete "$url" t1 POST --data-urlencode 'query={app="web"}')"
expect_eq "delete: no tenant is 401" "401" "$(curl -s -o /dev/null -w '%{http_code}' "$url/loki/api/v1/delete")"

# Cancel: a second request (made with logcli), cancelled, stops hiding its lines; an unknown id is 404.
expect_eq "delete: logcli delete create" "delete request created" \
  "$(logcli --addr="$url" --org-id=t1 --quiet delete create --query='{app="db"}' --since=1h 2>&1)"
expect_eq "delete: the db request hides db lines" "GET /home" "$(dl_lines "$url" t1 '{app=~"web|db"}')"
listed=$(logcli --addr="$url" --org-id=t1 --quiet delete list)
expect_contains "delete: logcli delete list shows it" "$(printf 'received\t')" "$(grep 'app="db"' <<<"$listed")"
db_id=$(grep 'app="db"' <<<"$listed" | cut -f1)
expect_eq "delete: another tenant cannot cancel it" "404" "$(dl_delete "$url" t2 DELETE --data-urlencode "request_id=$db_id")"
expect_eq "delete: logcli delete cancel" "delete request $db_id cancelled" \
  "$(logcli --addr="$url" --org-id=t1 --quiet delete cancel "$db_id" 2>&1)"
expect_status "delete: logcli cancel of an unknown id fails" 1 logcli --addr="$url" --org-id=t1 --quiet delete cancel nope
expect_eq "delete: the cancelled request hides nothing" "$(printf 'GET /home\npassword=db')" \
  "$(dl_lines "$url" t1 '{app=~"web|db"}')"
expect_eq "delete: unknown id is 404" "404" "$(dl_delete "$url" t1 DELETE --data-urlencode "request_id=nope")"
dl_stop  # flushes the chunks to the store

# filter-and-delete: with a zero cancel period the compactor pass carries the request out.
dl_start "$d" "$port" "compactor: {retention_enabled: true, compaction_interval: 1s, delete_request_cancel_period: 0s}" || exit 1
status=""
for _ in $(seq 1 100); do
  status=$(curl -s -H 'X-Scope-OrgID: t1' "$url/loki/api/v1/delete" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["status"])')
  [ "$status" == processed ] && break
  sleep 0.1
done
expect_eq "delete: the compactor processes the request" "processed" "$status"
expect_contains "delete: the compactor logged it" "delete request processed" "$(cat "$d.log")"
dl_stop
# A logd that does not filter at query time shows what the chunks hold now.
dl_start "$d" "$port" "limits_config: {deletion_mode: disabled}" || exit 1
expect_eq "delete: the line is gone from the chunks, the rest kept" "$(printf 'GET /home\npassword=db')" \
  "$(dl_lines "$url" t1 '{app=~"web|db"}')"
expect_eq "delete: the other tenant's chunks are untouched" \
  "$(printf 'GET /home\npassword=db\npassword=hunter2')" "$(dl_lines "$url" t2 '{app=~"web|db"}')"
expect_eq "delete: deletion_mode disabled is 403" "403" "$(dl_delete "$url" t1 GET)"
dl_stop
