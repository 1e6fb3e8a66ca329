# A logd cluster on loopback (etcd, 3 ingesters, 2 distributors with the `global` rate strategy, a
# query-frontend, a querier), used only through the distributors and the frontend, as the clients
# of a single logd use it:
# - tenants: each sees only its own lines; no X-Scope-OrgID is 401 at both;
# - limits, from per-tenant overrides (runtime_config.file): a line over max_line_size is 400 with
#   Loki's message; an ingestion rate over the limit is 429, the limit being the tenant's rate
#   divided by the healthy distributors in the distributor ring (and whole again when one leaves);
#   max_global_streams_per_user is 429 through either distributor; a query split into more
#   pieces than max_outstanding_requests_per_tenant is 429 at the frontend;
# - logtail (promtail.yaml, clients[].url = a distributor) ships a file, and logcli through the
#   frontend finds every line exactly once; plain curl pushes and queries.
source "$here/cluster_lib.sh"
trap 'cl_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

# ct_push URL TENANT BODY: a JSON push; prints the status, the body in $cl_dir/body.
ct_push() {
  local hdr=()
  [ -n "$2" ] && hdr=(-H "X-Scope-OrgID: $2")
  curl -s --max-time 10 -o "$cl_dir/body" -w '%{http_code}' "${hdr[@]}" -H 'Content-Type: application/json' \
    --data-binary "$3" "$1/loki/api/v1/push"
}
# ct_body LABELS_JSON N SIZE: a push of N lines of SIZE bytes each (a distinct prefix per line).
ct_body() {
  python3 -c 'import json,sys,time
labels, n, size = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
now = time.time_ns()
vals = [[str(now + i), ("line-%d-" % i).ljust(size, "x")] for i in range(n)]
print(json.dumps({"streams": [{"stream": labels, "values": vals}]}))' "$@"
}
# ct_lines URL TENANT QUERY: every line QUERY finds in the last 20 minutes (at most 3 pieces of
# 10m at the frontend, under its limit of 4), sorted.
ct_lines() {
  curl -s --max-time 30 -G -H "X-Scope-OrgID: $2" "$1/loki/api/v1/query_range" --data-urlencode "query=$3" \
    --data-urlencode limit=5000 --data-urlencode since=20m | jq -r '.data.result[].values[][1]' | sort
}

if ! command -v etcd >/dev/null; then
  fail "cluster tenants: etcd is installed" "scripts/setup.sh installs etcd-server"
elif cl_init tenants; then
  # "slow": 52 bytes/s (0.00005 MiB), 10 KiB burst; "small": 100-byte lines, 3 streams.
  cat >"$cl_dir/overrides.yaml" <<'YAML'
overrides:
  slow: {ingestion_rate_mb: 0.00005, ingestion_burst_size_mb: 0.01}
  small: {max_line_size: 100, max_global_streams_per_user: 3}
YAML
  rc="runtime_config: {file: $cl_dir/overrides.yaml, period: 1s}"
  cl_limits="ingestion_rate_strategy: global"
  for i in 1 2 3; do cl_config "ingester-$i" ingester "$rc"; done
  for i in 1 2; do cl_config "distributor-$i" distributor "$rc"; done
  cl_config frontend query-frontend "$rc
query_scheduler: {max_outstanding_requests_per_tenant: 4}"
  cl_config querier querier "$rc
frontend_worker: {frontend_address: \"127.0.0.1:${cl_grpc[frontend]}\"}"
  started=0
  for n in ingester-1 ingester-2 ingester-3 distributor-1 distributor-2 querier frontend; do
    cl_start "$n" && started=$((started + 1))
  done
  expect_eq "cluster tenants: the cluster starts and is ready" 7 "$started"
  cl_wait_ring distributor-1 "ingester-1=ACTIVE ingester-2=ACTIVE ingester-3=ACTIVE"
  d1=$(cl_url distributor-1) d2=$(cl_url distributor-2) fe=$(cl_url frontend)

  # --- Tenancy: curl pushes through both distributors, queries through the frontend.
  now=$(date +%s%N)
  push1='{"streams":[{"stream":{"app":"shared"},"values":[["'$now'","from a"]]}]}'
  push2='{"streams":[{"stream":{"app":"shared"},"values":[["'$now'","from b"]]}]}'
  expect_eq "cluster tenants: tenant a pushes with curl through distributor-1" 204 "$(ct_push "$d1" a "$push1")"
  expect_eq "cluster tenants: tenant b pushes with curl through distributor-2" 204 "$(ct_push "$d2" b "$push2")"
  expect_eq "cluster tenants: a push without X-Scope-OrgID is 401" 401 "$(ct_push "$d2" "" "$push1")"
  expect_eq "cluster tenants: ... saying so, as Loki does" "no org id" "$(cat "$cl_dir/body")"
  expect_eq "cluster tenants: tenant a sees only its line through the frontend" "from a" \
    "$(ct_lines "$fe" a '{app="shared"}')"
  expect_eq "cluster tenants: tenant b sees only its line" "from b" "$(ct_lines "$fe" b '{app="shared"}')"
  expect_eq "cluster tenants: a third tenant sees nothing, not even label values" '{"status":"success","data":[]}' \
    "$(curl -s --max-time 10 -H 'X-Scope-OrgID: c' "$fe/loki/api/v1/label/app/values")"
  expect_eq "cluster tenants: a query without X-Scope-OrgID is 401 at the frontend" 401 \
    "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$fe/loki/api/v1/query_range?query=%7Bapp%3D%22shared%22%7D")"
  expect_eq "cluster tenants: logcli --org-id through the frontend sees its tenant's line only" "from a" \
    "$(timeout 60 logcli --addr="$fe" --org-id=a -q -o raw query --since=20m '{app="shared"}' 2>&1)"

  # --- max_line_size (small: 100 bytes).
  expect_eq "cluster tenants: a line over the tenant's max_line_size is 400" 400 \
    "$(ct_push "$d1" small "$(ct_body '{"app":"s1"}' 1 150)")"
  expect_contains "cluster tenants: ... with Loki's message" "Max entry size '100' bytes exceeded" "$(cat "$cl_dir/body")"
  expect_eq "cluster tenants: another tenant's 150-byte line is accepted" 204 \
    "$(ct_push "$d1" a "$(ct_body '{"app":"s1"}' 1 150)")"

  # --- max_global_streams_per_user (small: 3), through either distributor.
  for s in s1 s2 s3; do ct_push "$d1" small "$(ct_body "{\"app\":\"$s\"}" 1 50)" >"$cl_dir/code.$s"; done
  expect_eq "cluster tenants: three streams of small through distributor-1" "204 204 204" \
    "$(cat "$cl_dir/code.s1") $(cat "$cl_dir/code.s2") $(cat "$cl_dir/code.s3")"
  expect_eq "cluster tenants: a fourth stream through distributor-2 is 429" 429 \
    "$(ct_push "$d2" small "$(ct_body '{"app":"s4"}' 1 50)")"
  expect_contains "cluster tenants: ... with Loki's message" \
    "Maximum active stream limit exceeded when trying to create stream {app=\"s4\"}" "$(cat "$cl_dir/body")"
  expect_eq "cluster tenants: ... and through distributor-1" 429 "$(ct_push "$d1" small "$(ct_body '{"app":"s5"}' 1 50)")"
  expect_eq "cluster tenants: a stream small has is still accepted through distributor-2" 204 \
    "$(ct_push "$d2" small "$(ct_body '{"app":"s2"}' 1 50)")"
  expect_eq "cluster tenants: small holds exactly its 3 streams (series through the frontend)" \
    '{app="s1"} {app="s2"} {app="s3"}' \
    "$(curl -s --max-time 10 -G -H 'X-Scope-OrgID: small' "$fe/loki/api/v1/series" --data-urlencode 'match[]={app=~".+"}' \
      --data-urlencode since=1h | jq -r '[.data[] | "{app=\"\(.app)\"}"] | sort | join(" ")')"

  # --- The ingestion rate with the global strategy: 52 bytes/s shared by 2 distributors.
  cl_wait_dring() {  # N: waits (20 s at most) until distributor-1 sees N healthy distributors
    for _ in $(seq 1 200); do
      [ "$(curl -s --max-time 5 -H 'Accept: application/json' "$d1/distributor/ring" |
        jq '[.shards[] | select(.state == "ACTIVE")] | length')" == "$1" ] && return 0
      sleep 0.1
    done
    return 1
  }
  # ct_wait_rate LIMIT: waits (10 s at most) until distributor-1 enforces LIMIT bytes/s for slow.
  # The probe is over the burst: refused whatever the bucket holds, and it takes no tokens.
  ct_wait_rate() {
    for _ in $(seq 1 100); do
      [ "$(ct_push "$d1" slow "$(ct_body '{"app":"r"}' 110 100)")" == 429 ] &&
        grep -q "limit: $1 bytes/sec" "$cl_dir/body" && return 0
      sleep 0.1
    done
    return 1
  }
  cl_wait_dring 2
  expect_eq "cluster tenants: the distributor ring holds both distributors" 0 $?
  ct_wait_rate 26
  # The first two 4000-byte pushes fit the 10,485-byte burst; the third would need 58 s of
  # refill at 26 bytes/s (29 s at 52).
  codes=""
  for _ in 1 2 3; do codes+="$(ct_push "$d1" slow "$(ct_body '{"app":"r"}' 40 100)") "; done
  expect_eq "cluster tenants: pushes over the tenant's ingestion rate are 429 once the burst is spent" "204 204 429 " "$codes"
  expect_contains "cluster tenants: ... with Loki's message, the limit being 52 bytes/s / 2 distributors" \
    "Ingestion rate limit exceeded for user slow (limit: 26 bytes/sec) while attempting to ingest '40' lines totaling '4000' bytes" \
    "$(cat "$cl_dir/body")"
  expect_eq "cluster tenants: the other distributor has its own share (its burst)" 204 \
    "$(ct_push "$d2" slow "$(ct_body '{"app":"r"}' 40 100)")"
  cl_term distributor-2
  cl_wait_dring 1
  expect_eq "cluster tenants: a distributor stopped, it leaves the distributor ring" 0 $?
  ct_wait_rate 52
  expect_contains "cluster tenants: ... and the one left enforces the whole rate" "(limit: 52 bytes/sec)" "$(cat "$cl_dir/body")"
  expect_eq "cluster tenants: slow holds exactly the pushes answered 204 (120 lines)" 120 \
    "$(ct_lines "$fe" slow '{app="r"}' | wc -l)"

  # --- The frontend's queue: a 1h query splits into 7 pieces of 10m, more than the 4 allowed.
  code=$(curl -s --max-time 30 -o "$cl_dir/body" -w '%{http_code}' -G -H 'X-Scope-OrgID: a' "$fe/loki/api/v1/query_range" \
    --data-urlencode 'query={app="shared"}' --data-urlencode since=1h)
  expect_eq "cluster tenants: a query of more pieces than max_outstanding_requests_per_tenant is 429" 429 "$code"
  expect_contains "cluster tenants: ... too many outstanding requests" "too many outstanding requests" "$(cat "$cl_dir/body")"
  expect_eq "cluster tenants: a 20m query (at most 3 pieces) is answered" "from a" \
    "$(curl -s --max-time 30 -G -H 'X-Scope-OrgID: a' "$fe/loki/api/v1/query_range" --data-urlencode 'query={app="shared"}' \
      --data-urlencode since=20m | jq -r '.data.result[].values[][1]')"

  # --- logtail shipping a file to a distributor; logcli through the frontend finds each line once.
  lt=$cl_dir/logtail
  mkdir -p "$lt"
  for i in $(seq 1 300); do echo "tailed line $i"; done >"$lt/app.log"
  cat >"$lt/promtail.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0}
positions: {filename: $lt/positions.yaml, sync_period: 200ms}
clients: [{url: "$d1/loki/api/v1/push", tenant_id: tailer, batchwait: 100ms}]
scrape_configs:
  - job_name: app
    static_configs: [{labels: {job: tailed, __path__: $lt/app.log}}]
YAML
  logtail -config.file="$lt/promtail.yaml" 2>"$lt/logtail.log" &
  cl_pid[logtail]=$!
  for _ in $(seq 1 200); do
    [ "$(timeout 30 logcli --addr="$fe" --org-id=tailer -q -o raw query --limit=1000 --since=20m '{job="tailed"}' 2>/dev/null |
      wc -l)" -ge 300 ] && break
    sleep 0.1
  done
  for i in $(seq 301 400); do echo "tailed line $i"; done >>"$lt/app.log"
  for _ in $(seq 1 200); do
    got=$(timeout 30 logcli --addr="$fe" --org-id=tailer -q -o raw query --limit=1000 --since=20m '{job="tailed"}' 2>&1 | sort)
    [ "$(wc -l <<<"$got")" -ge 400 ] && break
    sleep 0.1
  done
  expect_eq "cluster tenants: logtail -> distributor, logcli -> frontend: every line of the file exactly once" \
    "$(sort "$lt/app.log")" "$got"
  expect_eq "cluster tenants: ... in its tenant only" "" \
    "$(timeout 30 logcli --addr="$fe" --org-id=a -q -o raw query --since=20m '{job="tailed"}' 2>&1)"
  cl_term logtail
fi
cl_cleanup
