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
  expect_contains "volume ($where): {} selects every stream, with all its labels" "{env=dev,job=bar,team=beta}=1" \
    "$(dd_get /loki/api/v1/index/volume --data-urlencode 'query={}' | dd_volumes)"
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

# ---- detected fields and labels -----------------------------------------------------------------
# logfmt lines, JSON lines and structured metadata in the streams of app="api".
api_body=$(cat <<JSON
{"streams":[
 {"stream":{"app":"api","env":"prod"},"values":[
   ["$t0","level=error status=500 took=250ms size=10MB msg=\"upstream failed\""],
   ["$((t0 + 1000000000))","level=info status=200 took=1.5s size=2kB msg=ok",{"trace_id":"abc"}],
   ["$((t0 + 2000000000))","level=info status=200 took=12ms size=512B msg=ok",{"trace_id":"def"}]]},
 {"stream":{"app":"api","env":"dev"},"values":[
   ["$((t0 + 3000000000))","{\"status\":404,\"user\":{\"id\":7},\"ratio\":0.5,\"cached\":true}"]]}
]}
JSON
)
expect_eq "detected: the push is accepted" "204" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$api_body" "$url/loki/api/v1/push")"
dd_fields() {  # the fields of an answer as label:type:cardinality:parsers, one per line
  python3 -c 'import json,sys
for f in json.load(sys.stdin)["fields"]:
    print("%s:%s:%d:%s" % (f["label"], f["type"], f["cardinality"], ",".join(sorted(f["parsers"])) if f["parsers"] else "-"))'
}
check_detected() {  # where
  local where=$1 answer
  answer=$(dd_get /loki/api/v1/detected_fields --data-urlencode 'query={app="api"}')
  expect_eq "detected_fields ($where): the answer has Loki's shape" "ok" "$(dd_shape detected_fields.json <<<"$answer")"
  expect_eq "detected_fields ($where): types, cardinality and parsers of logfmt, JSON and metadata fields" \
    "$(printf '%s\n' cached:boolean:1:json level:string:2:logfmt msg:string:2:logfmt ratio:float:1:json \
      size:bytes:3:logfmt status:int:3:json,logfmt took:duration:3:logfmt trace_id:string:2:- user_id:int:1:json)" \
    "$(dd_fields <<<"$answer" | sort)"
  expect_eq "detected_fields ($where): a line filter narrows the lines read" \
    "$(printf '%s\n' level:string:1:logfmt msg:string:1:logfmt size:bytes:1:logfmt status:int:1:logfmt took:duration:1:logfmt)" \
    "$(dd_get /loki/api/v1/detected_fields --data-urlencode 'query={app="api"} |= "upstream"' | dd_fields | sort)"
  expect_eq "detected_fields ($where): limit caps the fields" "2" \
    "$(dd_get /loki/api/v1/detected_fields --data-urlencode 'query={app="api"}' --data-urlencode limit=2 | dd_fields | wc -l)"
  answer=$(dd_get /loki/api/v1/detected_field/status/values --data-urlencode 'query={app="api"}')
  expect_eq "detected_field values ($where): the answer has Loki's shape" "ok" \
    "$(dd_shape detected_field_values.json <<<"$answer")"
  expect_eq "detected_field values ($where): the distinct values" '["200", "404", "500"]' \
    "$(python3 -c 'import json,sys; print(json.dumps(sorted(json.load(sys.stdin)["values"])))' <<<"$answer")"
  answer=$(dd_get /loki/api/v1/detected_labels --data-urlencode 'query={app=~".+"}')
  expect_eq "detected_labels ($where): the answer has Loki's shape" "ok" "$(dd_shape detected_labels.json <<<"$answer")"
  expect_eq "detected_labels ($where): stream labels and their cardinality" "app=1 env=2" \
    "$(python3 -c 'import json,sys; print(" ".join("%s=%d" % (l["label"], l["cardinality"]) for l in json.load(sys.stdin)["detectedLabels"]))' <<<"$answer")"
  expect_eq "detected_labels ($where): without a query, every stream" "app=1 env=2 job=2 team=2" \
    "$(dd_get /loki/api/v1/detected_labels | python3 -c 'import json,sys; print(" ".join("%s=%d" % (l["label"], l["cardinality"]) for l in json.load(sys.stdin)["detectedLabels"]))')"
}
check_detected "head blocks"
expect_eq "logcli detected-fields: Loki's logcli lines" \
  "$(printf 'label: level\t\ttype: string\t\tcardinality: 2\nlabel: msg\t\ttype: string\t\tcardinality: 2')" \
  "$(logcli -q --addr="$url" detected-fields --since=20m '{app="api"} |= "level="' | grep -E '^label: (level|msg)\b')"
expect_eq "logcli detected-fields FIELD: the values, sorted" "$(printf '1.5s\n12ms\n250ms')" \
  "$(logcli -q --addr="$url" detected-fields --since=20m '{app="api"}' took)"
expect_eq "detected_fields: a metric query is 400" "400" \
  "$(dd_status /loki/api/v1/detected_fields --data-urlencode 'query=rate({app="api"}[1m])')"
expect_contains "detected_fields: ... saying so" "need a log query" "$(cat "$TMPDIR_E2E/answer")"
expect_eq "detected_fields: no query is 400" "400" "$(dd_status /loki/api/v1/detected_fields)"
expect_eq "detected_fields: a bad line_limit is 400" "400" \
  "$(dd_status /loki/api/v1/detected_fields --data-urlencode 'query={app="api"}' --data-urlencode line_limit=-1)"
expect_eq "detected_fields: start after end is 400" "400" \
  "$(dd_status /loki/api/v1/detected_fields --data-urlencode 'query={app="api"}' --data-urlencode "start=$end" --data-urlencode "end=$start")"
expect_eq "detected_field values: not a selector is 400" "400" \
  "$(dd_status /loki/api/v1/detected_field/status/values --data-urlencode 'query=status')"
expect_eq "detected_labels: not a selector is 400" "400" \
  "$(dd_status /loki/api/v1/detected_labels --data-urlencode 'query=app')"

# After a restart (SIGTERM flushed every stream), the same answers come from the store's index.
dd_stop
# Chunks in the store, whether chunk files or packed in segment files.
stored_chunks=$(logchunk verify "$d" 2>/dev/null | grep -c ': ok$')
expect_eq "volume: the restart flushed the streams to the store" "true" "$([ "$stored_chunks" -ge 4 ] && echo true || echo false)"
dd_start "$d" "$port" || exit 1
check_volumes "store index"
check_detected "store"
expect_eq "logcli --store volume: the same answer from the data directory" \
  "$(printf '{env=prod,job=foo}=20\n{env=dev,job=foo}=10')" \
  "$(logcli --store="$d" volume --from="$((now - 900))" --to="$((now + 60))" '{job="foo", env=~".+"}' |
     python3 -c 'import json,sys
for s in json.load(sys.stdin):
    print("{%s}=%s" % (",".join("%s=%s" % kv for kv in sorted(s["metric"].items())), s["value"][1]))')"
