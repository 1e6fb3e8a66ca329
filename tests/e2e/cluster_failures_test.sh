# A logd cluster on loopback (etcd, 3 ingesters, 2 distributors, a query-frontend splitting by
# 10m, a querier taking work from it), read through the frontend:
# - the frontend's split and merged answers are exactly the querier's unsplit ones (log queries
#   both directions with limits, metric range and instant queries, labels, series);
# - a stuck ingester (SIGSTOP past heartbeat_timeout): writes go on, it shows UNHEALTHY, and after
#   SIGCONT it is ACTIVE again;
# - etcd stopped for a few seconds: pushes and queries go on from the cached ring, a warn line and
#   logd_ring_store_stale say so; etcd back: the ring is fresh and heartbeats resume;
# - a rolling restart (SIGTERM, restart) of the three ingesters one at a time under a steady push:
#   every line answered 204 is queryable exactly once;
# - tenant isolation and the 400/401 answers through the distributors and the frontend;
# - logcli queries and tails (WebSocket) through the frontend.
source "$here/cluster_lib.sh"
trap 'cl_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

# cl_wait_metric NAME LINE_PREFIX VALUE SECS: waits until NAME's metric has VALUE.
cl_wait_metric() {
  for _ in $(seq 1 $(($4 * 10))); do
    [ "$(cl_metric "$1" "$2")" == "$3" ] && return 0
    sleep 0.1
  done
  return 1
}

if ! command -v etcd >/dev/null; then
  fail "cluster failures: etcd is installed" "scripts/setup.sh installs etcd-server"
elif cl_init fail; then
  for i in 1 2 3; do cl_config "ingester-$i" ingester; done
  for i in 1 2; do cl_config "distributor-$i" distributor; done
  cl_config frontend query-frontend
  cl_config querier querier "frontend_worker: {frontend_address: \"127.0.0.1:${cl_grpc[frontend]}\"}"
  started=0
  for n in ingester-1 ingester-2 ingester-3 distributor-1 distributor-2 querier; do
    cl_start "$n" && started=$((started + 1))
  done
  cl_start frontend && started=$((started + 1))
  expect_eq "cluster failures: the cluster starts and is ready" 7 "$started"
  all3="ingester-1=ACTIVE ingester-2=ACTIVE ingester-3=ACTIVE"
  cl_wait_ring distributor-1 "$all3"
  dists="$(cl_url distributor-1),$(cl_url distributor-2)"
  fe=$(cl_url frontend)

  # Lines spread over the last 50 minutes: the frontend cuts a 1h query into 7 pieces.
  acked=$cl_dir/acked
  out=$(cl_load push --distributors "$dists" --tenants t1,t2 --acked "$acked" --batches 60 --lines 20 --streams 4 \
    --spread 3000)
  expect_contains "cluster failures: a push spread over 50 minutes is accepted" "failed=0" "$out"
  out=$(cl_load compare --a "$fe" --b "$(cl_url querier)" --tenant t1 --since 3600 2>&1)
  if [ $? -eq 0 ]; then pass "cluster failures: the frontend's split and merged answers equal the querier's"
  else fail "cluster failures: the frontend's split and merged answers equal the querier's" "$out"; fi
  pieces=$(cl_metric frontend logd_query_frontend_pieces_total)
  expect_eq "cluster failures: the frontend split the range queries into pieces ($pieces)" 1 \
    "$([ "${pieces:-0}" -ge 35 ] && echo 1 || echo 0)"
  cl_verify "$fe" t1,t2 "$acked" "cluster failures: every line through the frontend, once"

  # A live tail through the frontend (WebSocket), fed through the distributors.
  timeout 30 logcli --addr="$fe" --org-id=t1 -q -o raw query --tail '{app="load"}' >"$cl_dir/tail.out" 2>&1 &
  tailer=$!
  sleep 2
  cl_load push --distributors "$dists" --tenants t1 --acked "$cl_dir/tail.acked" --batches 3 --lines 5 >/dev/null
  want=$(cut -f2 "$cl_dir/tail.acked" | sort)
  for _ in $(seq 1 100); do
    got=$(grep -F -x -f <(cut -f2 "$cl_dir/tail.acked") "$cl_dir/tail.out" | sort -u)
    [ "$got" == "$want" ] && break
    sleep 0.1
  done
  kill "$tailer" 2>/dev/null
  wait "$tailer" 2>/dev/null
  expect_eq "cluster failures: logcli --tail through the frontend sees each line pushed meanwhile ($(wc -l <"$cl_dir/tail.acked"))" \
    "$want" "$(grep -F -x -f <(cut -f2 "$cl_dir/tail.acked") "$cl_dir/tail.out" | sort)"
  cat "$cl_dir/tail.acked" >>"$acked"

  # A stuck ingester.
  kill -STOP "${cl_pid[ingester-3]}"
  cl_wait_ring distributor-1 "ingester-1=ACTIVE ingester-2=ACTIVE ingester-3=UNHEALTHY" 20
  expect_eq "cluster failures: a stopped ingester shows UNHEALTHY past heartbeat_timeout" \
    "ingester-1=ACTIVE ingester-2=ACTIVE ingester-3=UNHEALTHY" "$(cl_ring_states distributor-1)"
  out=$(cl_load push --distributors "$dists" --tenants t1,t2 --acked "$acked" --batches 20 --lines 10)
  expect_contains "cluster failures: writes go on while it is stopped" "failed=0" "$out"
  cl_verify "$fe" t1,t2 "$acked" "cluster failures: reads go on while it is stopped"
  kill -CONT "${cl_pid[ingester-3]}"
  cl_wait_ring distributor-1 "$all3" 20
  expect_eq "cluster failures: after SIGCONT it is ACTIVE again" "$all3" "$(cl_ring_states distributor-1)"

  # etcd away for a few seconds.
  cl_etcd_stop
  cl_wait_metric querier 'logd_ring_store_stale{name="ingester"}' 1 20
  expect_eq "cluster failures: with etcd stopped the querier says its ring is stale" 1 \
    "$(cl_metric querier 'logd_ring_store_stale{name="ingester"}')"
  out=$(cl_load push --distributors "$dists" --tenants t1,t2 --acked "$acked" --batches 20 --lines 10)
  expect_contains "cluster failures: with etcd stopped, writes go on on the cached ring" "failed=0" "$out"
  cl_verify "$fe" t1,t2 "$acked" "cluster failures: with etcd stopped, reads go on"
  expect_contains "cluster failures: a warn line says the ring store is away" "ring store unreachable" \
    "$(cat "$cl_dir/distributor-1.log" "$cl_dir/querier.log")"
  cl_etcd_start
  cl_wait_metric querier 'logd_ring_store_stale{name="ingester"}' 0 30
  expect_eq "cluster failures: etcd back, the ring is fresh again" 0 \
    "$(cl_metric querier 'logd_ring_store_stale{name="ingester"}')"
  hb=$(cl_metric ingester-1 logd_ring_heartbeats_total)
  sleep 2.5
  expect_eq "cluster failures: etcd back, heartbeats resume" 1 \
    "$([ "$(cl_metric ingester-1 logd_ring_heartbeats_total)" -gt "${hb:-0}" ] && echo 1 || echo 0)"
  cl_wait_ring distributor-1 "$all3" 20
  expect_eq "cluster failures: etcd back, every ingester is ACTIVE" "$all3" "$(cl_ring_states distributor-1)"

  # Rolling restart under a steady push.
  rm -f "$cl_dir/stop"
  cl_load push --distributors "$dists" --tenants t1,t2,t3 --acked "$acked" --lines 10 --pause 0.05 \
    --stop-file "$cl_dir/stop" >"$cl_dir/push.out" 2>&1 &
  pusher=$!
  restarted=0
  for n in ingester-1 ingester-2 ingester-3; do
    sleep 1
    cl_term "$n"
    cl_start "$n" && cl_wait_ring distributor-1 "$all3" 20 && restarted=$((restarted + 1))
  done
  sleep 1
  touch "$cl_dir/stop"
  wait "$pusher"
  expect_eq "cluster failures: the three ingesters restart one at a time" 3 "$restarted"
  echo "     rolling restart push: $(cat "$cl_dir/push.out")"
  cl_verify "$fe" t1,t2,t3 "$acked" "cluster failures: after a rolling restart nothing is lost or doubled"

  # Tenancy and client errors through the cluster's public addresses.
  expect_eq "cluster failures: a push without X-Scope-OrgID is 401" 401 \
    "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      --data-binary '{"streams":[]}' "$(cl_url distributor-1)/loki/api/v1/push")"
  expect_eq "cluster failures: a push with an invalid label is 400" 400 \
    "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: t1' -H 'Content-Type: application/json' \
      --data-binary '{"streams":[{"stream":{"0bad":"x"},"values":[["1","x"]]}]}' "$(cl_url distributor-2)/loki/api/v1/push")"
  expect_eq "cluster failures: a query without X-Scope-OrgID is 401 at the frontend" 401 \
    "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$fe/loki/api/v1/query_range?query=%7Bapp%3D%22load%22%7D")"
  expect_eq "cluster failures: a bad query is 400 through the frontend" 400 \
    "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: t1' "$fe/loki/api/v1/query_range?query=%7Bapp%3D")"
  expect_eq "cluster failures: a tenant sees only its own streams through the frontend" "" \
    "$(curl -s --max-time 10 -H 'X-Scope-OrgID: t9' "$fe/loki/api/v1/query_range?query=%7Bapp%3D%22load%22%7D&limit=5" |
      jq -r '.data.result[].values[][1]')"
  expect_eq "cluster failures: logcli queries the frontend unchanged" 5 \
    "$(timeout 60 logcli --addr="$fe" --org-id=t1 -q -o raw query --limit=5 --since=2h '{app="load"}' 2>&1 | wc -l)"
fi
cl_cleanup
