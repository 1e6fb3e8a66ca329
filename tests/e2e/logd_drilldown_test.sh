# The endpoints Grafana's Logs Drilldown calls: index/volume and index/volume_range (answers from
# chunk metadata: head blocks first, then the store's index after a restart, and `logcli --store`
# on the data directory), detected_fields, detected_field/<name>/values, detected_labels, and
# query answers with the categorize-labels encoding flag. Each answer's shape is checked against
# a fixture written from Loki's API documentation (tests/e2e/fixtures/drilldown), its values
# against what was pushed; bad input is 400 with a message.
dd_pids=()
dd_cleanup() { for p in "${dd_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'dd_cleanup; rm -rf "$TMPDIR_E2E"' EXIT
dd_fixtures="$here/fixtures/drilldown"
dd_shape() { python3 "$here/../tools/json_shape.py" "$dd_fixtures/$1"; }  # fixture; the answer on stdin

dd_start() {  # dir port: logd with auth off on its defaults, waits for /ready
  logd -server.http-listen-port="$2" -common.path-prefix="$1" 2>>"$1.log" &
  dd_pids+=("$!")
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$2/ready" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "logd did not start: $(tail -3 "$1.log")" >&2
  return 1
}
dd_stop() { kill -TERM "${dd_pids[-1]}"; wait "${dd_pids[-1]}" 2>/dev/null; }
dd_get() {  # path [curl -G args...]: the body
  local path=$1
  shift
  curl -s -G "$url$path" --data-urlencode "start=$start" --data-urlencode "end=$end" "$@"
}
dd_status() {  # path [curl -G args...]: the HTTP status, the body in $TMPDIR_E2E/answer
  local path=$1
  shift
  curl -s -o "$TMPDIR_E2E/answer" -w '%{http_code}' -G "$url$path" "$@"
}
# "labels=value" per series, as `{a=b,c=d}=N` (sorted labels), one per line, in answer order;
# range answers sum their points.
dd_volumes() {
  python3 -c 'import json,sys
d = json.load(sys.stdin)["data"]
for s in d["result"]:
    m = ",".join("%s=%s" % kv for kv in sorted(s["metric"].items()))
    v = float(s["value"][1]) if "value" in s else sum(float(p[1]) for p in s["values"])
    print("{%s}=%d" % (m, v))'
}

d=$TMPDIR_E2E/drilldown
port=$(free_port)
url="http://127.0.0.1:$port"
dd_start "$d" "$port" || exit 1
now=$(date +%s)
t0=$(( (now - 600) * 1000000000 ))
start=$(( (now - 900) * 1000000000 ))
end=$(( (now + 60) * 1000000000 ))
# Loki's documented example: four streams of job, env and team. Line bytes: foo/prod 20, bar/prod
# 7, foo/dev 10, bar/dev 1.
push_body=$(cat <<JSON
{"streams":[
 {"stream":{"job":"foo","env":"prod","team":"alpha"},"values":[["$t0","GET /a 200"],["$((t0 + 1000000000))","GET /b 500"]]},
 {"stream":{"job":"bar","env":"prod","team":"beta"},"values":[["$t0","bar one"]]},
 {"stream":{"job":"foo","env":"dev","team":"alpha"},"values":[["$((t0 + 2000000000))","dev line x"]]},
 {"stream":{"job":"bar","env":"dev","team":"beta"},"values":[["$((t0 + 3000000000))","b"]]}
]}
JSON
)
expect_eq "drilldown: the push is accepted" "204" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$push_body" "$url/loki/api/v1/push")"

# ---- volume -------------------------------------------------------------------------------------
check_volumes() {  # where: the same answers from the head blocks and, after a restart, the store
  local where=$1 answer
  answer=$(dd_get /loki/api/v1/index/volume --data-urlencode 'query={job="foo", env=~".+"}')
  expect_eq "volume ($where): the answer has Loki's vector shape" "ok" "$(dd_shape volume.json <<<"$answer")"
  expect_eq "volume ($where): series of the selector's labels, bytes, largest first" \
    "$(printf '{env=prod,job=foo}=20\n{env=dev,job=foo}=10')" "$(dd_volumes <<<"$answer")"
  expect_eq "volume ($where): the value's time is the range's end (seconds)" "$((end / 1000000000))" \
    "$(python3 -c 'import json,sys; print(int(json.load(sys.stdin)["data"]["result"][0]["value"][0]))' <<<"$answer")"
  expect_eq "volume ($where): targetLabels aggregate into those labels" \
    "$(printf '{team=alpha}=20\n{team=beta}=7')" \
    "$(dd_get /loki/api/v1/index/volume --data-urlencode 'query={env="prod"}' --data-urlencode targetLabels=team | dd_volumes)"
  expect_eq "volume ($where): aggregateBy=labels gives each label name with an empty value" \
    "$(printf '{env=}=38\n{job=}=38\n{team=}=38')" \
    "$(dd_get /loki/api/v1/index/volume --data-urlencode 'query={job=~".+"}' --data-urlencode aggregateBy=labels | dd_volumes)"
  expect_eq "volume ($where): limit keeps the largest" "{env=prod,job=foo}=20" \
    "$(dd_get /loki/api/v1/index/volume --data-urlencode 'query={job=~".+", env=~".+"}' --data-urlencode limit=1 | dd_volumes)"
  expect_eq "volume ($where): {} selects every stream" "4" \
    "$(dd_get /loki/api/v1/index/volume --data-urlencode 'query={}' | dd_volumes | wc -l)"
  answer=$(dd_get /loki/api/v1/index/volume_range --data-urlencode 'query={job="foo", env=~".+"}' --data-urlencode step=60s)
  expect_eq "volume_range ($where): the answer has Loki's matrix shape" "ok" "$(dd_shape volume_range.json <<<"$answer")"
  expect_eq "volume_range ($where): the steps add up to the volume" \
    "$(printf '{env=prod,job=foo}=20\n{env=dev,job=foo}=10')" "$(dd_volumes <<<"$answer")"
  expect_eq "volume_range ($where): points are stamped at step ends (1 ms before a minute)" "59.999" \
    "$(python3 -c 'import json,sys; t = json.load(sys.stdin)["data"]["result"][0]["values"][0][0]; print("%.3f" % (t % 60))' <<<"$answer")"
}
check_volumes "head blocks"
logcli_volume=$(logcli --addr="$url" volume --from="$((now - 900))" --to="$((now + 60))" '{job="foo", env=~".+"}')
expect_eq "logcli volume: prints the vector as Loki's logcli does" \
  "$(printf '{env=prod,job=foo}=20\n{env=dev,job=foo}=10')" \
  "$(python3 -c 'import json,sys
for s in json.load(sys.stdin):
    print("{%s}=%s" % (",".join("%s=%s" % kv for kv in sorted(s["metric"].items())), s["value"][1]))' <<<"$logcli_volume")"
expect_contains "logcli volume_range: a matrix of steps" '"values": [' \
  "$(logcli --addr="$url" volume_range --step=1m --since=20m '{job="foo"}')"
expect_contains "logcli volume --aggregateByLabels --targetLabels" '"team": ""' \
  "$(logcli --addr="$url" volume --since=20m --aggregateByLabels --targetLabels=team '{job=~".+"}')"

# Bad input: 400 with a message.
expect_eq "volume: a query that is not a selector is 400" "400" \
  "$(dd_status /loki/api/v1/index/volume --data-urlencode 'query=sum(rate({job="foo"}[1m]))')"
expect_contains "volume: ... saying so" "volume needs a stream selector" "$(cat "$TMPDIR_E2E/answer")"
expect_eq "volume: no query is 400" "400" "$(dd_status /loki/api/v1/index/volume)"
expect_eq "volume_range: a bad step is 400" "400" \
  "$(dd_status /loki/api/v1/index/volume_range --data-urlencode 'query={job="foo"}' --data-urlencode step=-1s)"
expect_eq "volume_range: an unparsable step is 400" "400" \
  "$(dd_status /loki/api/v1/index/volume_range --data-urlencode 'query={job="foo"}' --data-urlencode step=often)"
expect_eq "volume: start after end is 400" "400" \
  "$(dd_status /loki/api/v1/index/volume --data-urlencode 'query={job="foo"}' --data-urlencode "start=$end" --data-urlencode "end=$start")"
expect_eq "volume: an unknown aggregateBy is 400" "400" \
  "$(dd_status /loki/api/v1/index/volume --data-urlencode 'query={job="foo"}' --data-urlencode aggregateBy=pods)"
expect_eq "volume: a bad limit is 400" "400" \
  "$(dd_status /loki/api/v1/index/volume --data-urlencode 'query={job="foo"}' --data-urlencode limit=-3)"

# After a restart (SIGTERM flushed every stream), the same answers come from the store's index.
dd_stop
stored_chunks=$(find "$d/store" -path '*chunks*' -type f | wc -l)
expect_eq "volume: the restart flushed the streams to the store" "true" "$([ "$stored_chunks" -ge 4 ] && echo true || echo false)"
dd_start "$d" "$port" || exit 1
check_volumes "store index"
expect_eq "logcli --store volume: the same answer from the data directory" \
  "$(printf '{env=prod,job=foo}=20\n{env=dev,job=foo}=10')" \
  "$(logcli --store="$d" volume --from="$((now - 900))" --to="$((now + 60))" '{job="foo", env=~".+"}' |
     python3 -c 'import json,sys
for s in json.load(sys.stdin):
    print("{%s}=%s" % (",".join("%s=%s" % kv for kv in sorted(s["metric"].items())), s["value"][1]))')"
