# The delete API when the roles run apart: a querier with common.compactor_address forwards
# POST/GET/DELETE /loki/api/v1/delete to the compactor and hides what its requests delete at
# query time (asking the compactor, as Loki's querier does); a role without the address answers
# 404 naming the key instead of accepting a request nothing would carry out; with the compactor
# away and no list fetched yet, a query fails with 503 rather than showing deleted lines.
source "$here/cluster_lib.sh"
trap 'cl_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

cd_lines() {  # NAME TENANT: the lines of {app="a"} in the last hour as NAME answers, sorted
  curl -s -G -H "X-Scope-OrgID: $2" --data-urlencode 'query={app="a"}' --data-urlencode "start=$(( $(date +%s) - 3600 ))" \
    --data-urlencode limit=1000 "$(cl_url "$1")/loki/api/v1/query_range" |
    python3 -c 'import json,sys
d = json.load(sys.stdin)
print("\n".join(sorted(v[1] for s in d["data"]["result"] for v in s["values"])))' 2>/dev/null
}
cd_delete() {  # NAME TENANT METHOD [curl -G args...]: prints the status; the body is in $cl_dir/answer
  local name=$1 tenant=$2 method=$3
  shift 3
  curl -s -o "$cl_dir/answer" -w '%{http_code}' -X "$method" -H "X-Scope-OrgID: $tenant" -G "$@" \
    "$(cl_url "$name")/loki/api/v1/delete"
}

if ! command -v etcd >/dev/null; then
  fail "cluster deletes: etcd is installed" "scripts/setup.sh installs etcd-server"
elif cl_init deletes; then
  cl_rf=1
  cl_config ingester-1 ingester
  cl_config distributor-1 distributor
  cl_config backend compactor
  cl_config querier querier
  cl_config plain querier
  started=0
  for n in ingester-1 distributor-1 backend plain; do cl_start "$n" && started=$((started + 1)); done
  logd -config.file="$cl_dir/querier.yaml" -common.compactor-address="$(cl_url backend)" 2>>"$cl_dir/querier.log" &
  cl_pid[querier]=$!
  cl_wait_ready querier 30 && started=$((started + 1))
  expect_eq "cluster deletes: an ingester, a distributor, a compactor and two queriers start" 5 "$started"
  cl_wait_ring distributor-1 "ingester-1=ACTIVE"

  now=$(date +%s%N)
  for tenant in t1 t2; do
    curl -s -o /dev/null -H "X-Scope-OrgID: $tenant" -H 'Content-Type: application/json' --data-binary \
      "{\"streams\":[{\"stream\":{\"app\":\"a\"},\"values\":[[\"$((now - 3000000000))\",\"keep 1\"],[\"$((now - 2000000000))\",\"secret 2\"],[\"$((now - 1000000000))\",\"keep 3\"]]}]}" \
      "$(cl_url distributor-1)/loki/api/v1/push"
  done
  all=$(printf 'keep 1\nkeep 3\nsecret 2')
  for _ in $(seq 1 50); do [ "$(cd_lines plain t1)" == "$all" ] && break; sleep 0.1; done
  expect_eq "cluster deletes: the pushed lines are queryable" "$all" "$(cd_lines plain t1)"

  hour_ago=$(( $(date +%s) - 3600 ))
  expect_eq "cluster deletes: a delete sent to the querier is accepted (forwarded to the compactor)" 204 \
    "$(cd_delete querier t1 POST --data-urlencode 'query={app="a"} |= "secret"' --data-urlencode "start=$hour_ago")"
  expect_contains "cluster deletes: the compactor holds it" '"query":"{app=\"a\"} |= \"secret\""' \
    "$(curl -s -H 'X-Scope-OrgID: t1' "$(cl_url backend)/loki/api/v1/delete")"
  expect_eq "cluster deletes: the querier lists it (forwarded GET)" \
    "$(curl -s -H 'X-Scope-OrgID: t1' "$(cl_url backend)/loki/api/v1/delete")" \
    "$(curl -s -H 'X-Scope-OrgID: t1' "$(cl_url querier)/loki/api/v1/delete")"
  expect_eq "cluster deletes: the querier hides the deleted line at once" "$(printf 'keep 1\nkeep 3')" "$(cd_lines querier t1)"
  expect_eq "cluster deletes: another tenant's lines stay" "$all" "$(cd_lines querier t2)"
  expect_eq "cluster deletes: bad delete queries are 400 through the forward" 400 \
    "$(cd_delete querier t1 POST --data-urlencode 'query={app="a"} | json' --data-urlencode "start=$hour_ago")"
  expect_contains "cluster deletes: with the compactor's message" "invalid query expression" "$(cat "$cl_dir/answer")"

  expect_eq "cluster deletes: a role without common.compactor_address answers 404" 404 \
    "$(cd_delete plain t1 POST --data-urlencode 'query={app="a"}' --data-urlencode "start=$hour_ago")"
  expect_contains "cluster deletes: naming the key" "common.compactor_address" "$(cat "$cl_dir/answer")"
  expect_eq "cluster deletes: so does a distributor" 404 "$(cd_delete distributor-1 t1 GET)"
  expect_contains "cluster deletes: a querier without the address warns at start" \
    "delete requests do not hide lines from this role's queries" "$(cat "$cl_dir/plain.log")"

  id=$(curl -s -H 'X-Scope-OrgID: t1' "$(cl_url querier)/loki/api/v1/delete" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["request_id"])' 2>/dev/null)
  expect_eq "cluster deletes: cancel through the querier" 204 "$(cd_delete querier t1 DELETE --data-urlencode "request_id=$id")"
  expect_eq "cluster deletes: the cancelled request hides nothing on the querier at once" "$all" "$(cd_lines querier t1)"
  expect_eq "cluster deletes: the compactor lists nothing for t1" "[]" \
    "$(curl -s -H 'X-Scope-OrgID: t1' "$(cl_url backend)/loki/api/v1/delete")"

  cl_term backend
  expect_eq "cluster deletes: with the compactor away and nothing fetched for the tenant, a query is 503" 503 \
    "$(curl -s -o "$cl_dir/answer" -w '%{http_code}' -G -H 'X-Scope-OrgID: t3' --data-urlencode 'query={app="a"}' \
      "$(cl_url querier)/loki/api/v1/query_range")"
  expect_contains "cluster deletes: the 503 names the compactor" "$(cl_url backend)" "$(cat "$cl_dir/answer")"
  expect_eq "cluster deletes: a tenant whose list was fetched still queries" "$all" "$(cd_lines querier t2)"
  expect_eq "cluster deletes: a forwarded delete with the compactor away is 502" 502 "$(cd_delete querier t1 GET)"
fi
cl_cleanup
