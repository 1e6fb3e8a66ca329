# The Logs Drilldown endpoints through a split cluster: the query-frontend forwards index/volume,
# index/volume_range, detected_fields, detected_field/<name>/values, detected_labels and patterns to a
# querier, which reads the ingesters. Each answer must equal, value for value, what a single
# process answers for the same push (tests/e2e/logd_drilldown_test.sh checks those against Loki's
# documented shapes), and must be tenant-scoped.
source "$here/cluster_lib.sh"
cd_single_pid=
trap 'cl_cleanup; [ -n "$cd_single_pid" ] && kill -9 "$cd_single_pid" 2>/dev/null; rm -rf "$TMPDIR_E2E"' EXIT

# The answer to GET PATH on URL for TENANT, as canonical JSON (sorted keys).
dd_canon() {
  local url=$1 tenant=$2 path=$3
  shift 3
  curl -s -G -H "X-Scope-OrgID: $tenant" "$url$path" --data-urlencode "start=$start" --data-urlencode "end=$end" "$@" |
    python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))' 2>/dev/null
}

if ! command -v etcd >/dev/null; then
  fail "cluster drilldown: etcd is installed" "scripts/setup.sh installs etcd-server"
elif cl_init drilldown; then
  cl_rf=1
  patterns="pattern_ingester: {enabled: true}"
  cl_config ingester-1 ingester "$patterns"
  cl_config distributor-1 distributor
  cl_config frontend query-frontend "$patterns"
  cl_config querier querier "frontend_worker: {frontend_address: \"127.0.0.1:${cl_grpc[frontend]}\"}
$patterns"
  started=0
  for n in ingester-1 distributor-1; do cl_start "$n" && started=$((started + 1)); done
  logd -config.file="$cl_dir/frontend.yaml" 2>>"$cl_dir/frontend.log" &
  cl_pid[frontend]=$!
  cl_start querier && started=$((started + 1))
  cl_wait_ready frontend 30 && started=$((started + 1))
  # The single process, auth on as the cluster has it.
  single_port=$(free_port)
  printf 'auth_enabled: true\nserver: {http_listen_port: %s}\ncommon: {path_prefix: %s}\npattern_ingester: {enabled: true}\n' \
    "$single_port" "$cl_dir/single" >"$cl_dir/single.yaml"
  logd -config.file="$cl_dir/single.yaml" 2>>"$cl_dir/single.log" &
  cd_single_pid=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$single_port/ready" >/dev/null 2>&1 && break; sleep 0.05; done
  single="http://127.0.0.1:$single_port"
  expect_eq "cluster drilldown: an ingester, a distributor, a frontend, a querier start" 4 "$started"
  cl_wait_ring distributor-1 "ingester-1=ACTIVE"

  now=$(date +%s)
  t0=$(( (now - 600) * 1000000000 ))
  start=$(( (now - 900) * 1000000000 ))
  end=$(( (now + 60) * 1000000000 ))
  # Streams of distinct sizes (no ties in volume order); logfmt, JSON and structured metadata.
  body=$(cat <<JSON
{"streams":[
 {"stream":{"job":"foo","env":"prod","team":"alpha"},"values":[["$t0","GET /a 200 level=info took=12ms"],["$((t0 + 1000000000))","GET /b 500 level=error took=1.5s"]]},
 {"stream":{"job":"bar","env":"prod","team":"beta"},"values":[["$t0","bar one"]]},
 {"stream":{"job":"foo","env":"dev","team":"alpha"},"values":[["$((t0 + 2000000000))","{\"status\":404,\"user\":{\"id\":7},\"cached\":true}",{"trace_id":"abc"}]]},
 {"stream":{"job":"bar","env":"dev","team":"beta"},"values":[["$((t0 + 3000000000))","b"]]},
 {"stream":{"job":"pat"},"values":[$(for i in $(seq 1 40); do printf '%s["%s","user %d logged in from 10.0.0.%d"]' \
   "$([ "$i" -gt 1 ] && echo ,)" "$((t0 + i * 1000000000))" "$i" "$i"; done)]}
]}
JSON
)
  for target in "$(cl_url distributor-1)" "$single"; do
    expect_eq "cluster drilldown: the push is accepted ($target)" 204 \
      "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: t1' -H 'Content-Type: application/json' \
        --data-binary "$body" "$target/loki/api/v1/push")"
  done
  fe=$(cl_url frontend)
  for _ in $(seq 1 50); do
    [ "$(dd_canon "$fe" t1 /loki/api/v1/index/volume --data-urlencode 'query={job=~".+"}')" == \
      "$(dd_canon "$single" t1 /loki/api/v1/index/volume --data-urlencode 'query={job=~".+"}')" ] && break
    sleep 0.1
  done
  check() {  # name path [curl args...]: the frontend's answer equals the single process's
    local name=$1 path=$2
    shift 2
    local want got
    want=$(dd_canon "$single" t1 "$path" "$@")
    got=$(dd_canon "$fe" t1 "$path" "$@")
    if [ -n "$want" ] && [ "$want" != "null" ] && [ "$got" == "$want" ]; then
      pass "cluster drilldown: $name through the frontend equals the single process"
    else
      fail "cluster drilldown: $name through the frontend equals the single process" "want: $want" "got:  $got"
    fi
  }
  check "index/volume" /loki/api/v1/index/volume --data-urlencode 'query={job=~".+"}'
  check "index/volume with targetLabels" /loki/api/v1/index/volume --data-urlencode 'query={env="prod"}' \
    --data-urlencode targetLabels=team
  check "index/volume aggregateBy=labels" /loki/api/v1/index/volume --data-urlencode 'query={job=~".+"}' \
    --data-urlencode aggregateBy=labels
  check "index/volume_range" /loki/api/v1/index/volume_range --data-urlencode 'query={job="foo"}' --data-urlencode step=60s
  check "detected_fields" /loki/api/v1/detected_fields --data-urlencode 'query={job="foo"}'
  check "detected_field values" /loki/api/v1/detected_field/level/values --data-urlencode 'query={job="foo"}'
  check "detected_labels" /loki/api/v1/detected_labels --data-urlencode 'query={job=~".+"}'
  check "patterns" /loki/api/v1/patterns --data-urlencode 'query={job="pat"}' --data-urlencode step=60s
  expect_contains "cluster drilldown: the frontend's patterns hold the mined one" '"pattern": "user <_> logged in from <_>"' \
    "$(dd_canon "$fe" t1 /loki/api/v1/patterns --data-urlencode 'query={job="pat"}')"
  expect_contains "cluster drilldown: the volume holds the pushed streams (bytes of job=foo's lines)" \
    '{"metric": {"job": "foo"}, "value": ['"$((end / 1000000000))"', "107"]}' \
    "$(dd_canon "$fe" t1 /loki/api/v1/index/volume --data-urlencode 'query={job=~".+"}')"
  expect_eq "cluster drilldown: another tenant sees no volume" '[]' \
    "$(dd_canon "$fe" t2 /loki/api/v1/index/volume --data-urlencode 'query={job=~".+"}' |
      python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["data"]["result"]))')"
  expect_eq "cluster drilldown: a bad selector is 400 through the frontend" 400 \
    "$(curl -s -o /dev/null -w '%{http_code}' -G -H 'X-Scope-OrgID: t1' --data-urlencode 'query={job=' "$fe/loki/api/v1/index/volume")"
fi
cl_cleanup
