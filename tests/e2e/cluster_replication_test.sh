# A logd cluster on loopback: etcd, 3 ingesters, 2 distributors, a querier, a query-frontend and a
# backend (compactor + ruler),
# each a process with its own config, ports and path_prefix. Through the distributors and the
# frontend only: a steady multi-tenant push while one ingester is killed with -9 (every line
# answered 204 is then queryable exactly once), its restart (WAL replay, back in the ring, counts
# unchanged), the ring pages, /ready and the roles' metrics.
source "$here/cluster_lib.sh"
trap 'cl_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

if ! command -v etcd >/dev/null; then
  fail "cluster: etcd is installed" "scripts/setup.sh installs etcd-server"
elif cl_init repl; then
  for i in 1 2 3; do cl_config "ingester-$i" ingester; done
  for i in 1 2; do cl_config "distributor-$i" distributor; done
  cl_config frontend query-frontend
  cl_config querier querier "frontend_worker: {frontend_address: \"127.0.0.1:${cl_grpc[frontend]}\"}"
  started=0
  for n in ingester-1 ingester-2 ingester-3 distributor-1 distributor-2 frontend querier; do
    if [ "$n" == frontend ]; then
      # Not ready before a querier takes work from it.
      logd -config.file="$cl_dir/frontend.yaml" 2>>"$cl_dir/frontend.log" &
      cl_pid[frontend]=$!
      started=$((started + 1))
      continue
    fi
    cl_start "$n" && started=$((started + 1))
  done
  cl_wait_ready frontend 30 && started=$((started + 1))
  expect_eq "cluster: 3 ingesters, 2 distributors, a query-frontend and a querier start and are ready" 8 "$started"
  all3="ingester-1=ACTIVE ingester-2=ACTIVE ingester-3=ACTIVE"
  cl_wait_ring distributor-1 "$all3"
  expect_eq "cluster: the distributor's /ring shows three ACTIVE ingesters (JSON)" "$all3" "$(cl_ring_states distributor-1)"
  expect_eq "cluster: an ingester's /ring shows the same" "$all3" "$(cl_ring_states ingester-2)"
  expect_contains "cluster: /ring is also an HTML page" "<table" "$(curl -s "$(cl_url ingester-1)/ring")"
  expect_contains "cluster: each ingester registered its address (grpc_listen_port)" \
    "127.0.0.1:${cl_grpc[ingester-3]}" "$(cl_ring_json querier)"

  dists="$(cl_url distributor-1),$(cl_url distributor-2)"
  acked=$cl_dir/acked
  : >"$acked"
  # Steady push from three tenants through both distributors; ingester-2 is killed mid-stream.
  cl_load push --distributors "$dists" --tenants t1,t2,t3 --acked "$acked" --stop-file "$cl_dir/stop" \
    --lines 20 --pause 0.02 >"$cl_dir/push.out" 2>&1 &
  pusher=$!
  for _ in $(seq 1 100); do [ "$(wc -l <"$acked" 2>/dev/null || echo 0)" -ge 600 ] && break; sleep 0.1; done
  cl_kill ingester-2
  # UNHEALTHY lasts from the heartbeat timeout (3s) to the lease's expiry (6s), when the member
  # leaves the ring: look for it now, not after the slow checks below.
  cl_wait_ring querier "ingester-1=ACTIVE ingester-2=UNHEALTHY ingester-3=ACTIVE" 20
  unhealthy=$(cl_ring_states querier)
  for _ in $(seq 1 100); do [ "$(wc -l <"$acked")" -ge 2400 ] && break; sleep 0.1; done
  touch "$cl_dir/stop"
  wait "$pusher"
  push_out=$(cat "$cl_dir/push.out")
  expect_contains "cluster: with one ingester killed (-9) the pushes still succeed" "failed=0" "$push_out"
  cl_verify "$(cl_url frontend)" t1,t2,t3 "$acked" "cluster: every line answered 204 is queryable once through the frontend (one ingester down)"
  expect_eq "cluster: the killed ingester shows UNHEALTHY" "ingester-1=ACTIVE ingester-2=UNHEALTHY ingester-3=ACTIVE" \
    "$unhealthy"

  # Restart: the WAL replays, the ingester is back, and nothing is counted twice.
  cl_start ingester-2
  expect_eq "cluster: the restarted ingester is ready again" 0 $?
  cl_wait_ring distributor-2 "$all3"
  expect_eq "cluster: it is ACTIVE in the ring again" "$all3" "$(cl_ring_states distributor-2)"
  expect_contains "cluster: it replayed its WAL" "loki_ingester_wal_records_replayed_total" \
    "$(curl -s "$(cl_url ingester-2)/metrics" | grep -v '^#' | grep 'wal_records_replayed_total [1-9]')"
  cl_verify "$(cl_url frontend)" t1,t2,t3 "$acked" "cluster: after the restart, counts unchanged and no duplicates"
  cl_verify "$(cl_url querier)" t1,t2,t3 "$acked" "cluster: the querier answers the API directly too"

  # The ruler in a split cluster: a backend node (compactor + ruler) evaluates t1's rule with its
  # own querier over the ring's ingesters and the store, and finds what the frontend answers.
  mkdir -p "$cl_dir/rules/t1"
  cat >"$cl_dir/rules/t1/load.yaml" <<'YAML'
groups:
  - name: load
    interval: 1s
    rules:
      - alert: LoadSeen
        expr: sum(count_over_time({app="load"}[30m])) > 0
YAML
  cl_config backend backend "ruler: {evaluation_interval: 1s, poll_interval: 1s, storage: {type: local, local: {directory: $cl_dir/rules}}}"
  cl_start backend
  expect_eq "cluster: a backend node (compactor + ruler) starts" 0 $?
  alert_value() {
    curl -s -H 'X-Scope-OrgID: t1' "$(cl_url backend)/prometheus/api/v1/alerts" | python3 -c 'import json,sys
for a in json.load(sys.stdin)["data"]["alerts"]:
    if a["labels"].get("alertname") == "LoadSeen" and a["state"] == "firing": print(int(float(a["value"])))' 2>/dev/null
  }
  for _ in $(seq 1 150); do [ -n "$(alert_value)" ] && break; sleep 0.2; done
  expected=$(curl -s -G -H 'X-Scope-OrgID: t1' --data-urlencode 'query=sum(count_over_time({app="load"}[30m]))' \
    "$(cl_url frontend)/loki/api/v1/query" |
    python3 -c 'import json,sys; print(int(float(json.load(sys.stdin)["data"]["result"][0]["value"][1])))' 2>/dev/null)
  expect_eq "cluster: the frontend counts t1's lines" 1 "$([ "${expected:-0}" -gt 0 ] && echo 1)"
  expect_eq "cluster: the backend's ruler fires on t1's lines, counted as the frontend counts them" "$expected" "$(alert_value)"
  expect_eq "cluster: the ruler serves no query API" 404 \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: t1' "$(cl_url backend)/loki/api/v1/labels")"

  # Per-role metrics.
  expect_contains "cluster: distributors count their calls to ingesters" "loki_distributor_ingester_appends_total" \
    "$(curl -s "$(cl_url distributor-1)/metrics")"
  expect_contains "cluster: ring members by state on every role" 'loki_ring_members{name="ingester",state="ACTIVE"} 3' \
    "$(curl -s "$(cl_url querier)/metrics")"
  expect_eq "cluster: a distributor does not serve queries" 404 \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: t1' "$(cl_url distributor-1)/loki/api/v1/labels")"
  expect_eq "cluster: a querier does not take pushes" 404 \
    "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: t1' -H 'Content-Type: application/json' \
      --data-binary '{"streams":[]}' "$(cl_url querier)/loki/api/v1/push")"
fi
cl_cleanup
