# The ruler's rule groups on the object store (s3rver): logd A (rules from common.storage.s3, as
# Loki applies it) takes a group through the rules API; logd B (ruler.storage.type: s3 with Loki's
# ruler.storage.s3 keys, the same bucket, poll_interval 1s) lists it and evaluates it; the object
# is where Loki's ruler keeps it (rules/<tenant>/<base64url ns>/<base64url group>). A bad rule put
# straight into the bucket is reported by B with its object, group and rule while the good group
# keeps running; a delete through A stops it in B.
rs_dir=$TMPDIR_E2E/ruler-s3
mkdir -p "$rs_dir"
rs_pids=()
rs_cleanup() { for p in "${rs_pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rs_pids=(); }
trap 'rs_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

# rs_bucket ARGS...: objstore-tool on the bucket; output in $rs_out, exit status in $rs_rc.
rs_bucket() {
  rs_out=$(AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 \
    AWS_ENDPOINT_URL="http://127.0.0.1:$started_s3rver_port" timeout 60 objstore-tool --store s3://e2e-bucket "$@" 2>&1)
  rs_rc=$?
}
rs_alert_names() {  # URL: the alertnames of /prometheus/api/v1/alerts, sorted, one line
  curl -s "$1/prometheus/api/v1/alerts" | python3 -c 'import json,sys
print(" ".join(sorted(a["labels"]["alertname"] for a in json.load(sys.stdin)["data"]["alerts"])))'
}
rs_alerting() { [[ "$(rs_alert_names "$1")" == *"$2"* ]]; }
rs_not_alerting() { [[ "$(rs_alert_names "$1")" != *"$2"* ]]; }
rs_has() { [[ "$(curl -s "$1$2")" == *"$3"* ]]; }

if ! start_s3rver "$rs_dir/s3"; then
  fail "ruler s3: s3rver starts" "$(cat "$rs_dir/s3.log" 2>/dev/null)"
else
  rs_pids+=("$started_s3rver_pid")
  endpoint=127.0.0.1:$started_s3rver_port
  cat >"$rs_dir/a.yaml" <<YAML
auth_enabled: false
common:
  path_prefix: $rs_dir/a
  storage:
    s3:
      s3: s3://S3RVER:S3RVER@$endpoint/e2e-bucket
      s3forcepathstyle: true
ruler:
  poll_interval: 1s
  evaluation_interval: 1s
YAML
  cat >"$rs_dir/b.yaml" <<YAML
auth_enabled: false
common:
  path_prefix: $rs_dir/b
ruler:
  poll_interval: 1s
  evaluation_interval: 1s
  storage:
    type: s3
    s3:
      bucketnames: e2e-bucket
      endpoint: $endpoint
      region: us-east-1
      access_key_id: S3RVER
      secret_access_key: S3RVER
      insecure: true
      s3forcepathstyle: true
YAML
  port_a=$(free_port)
  port_b=$(free_port)
  start_logd "$rs_dir/a" "$port_a" -config.file="$rs_dir/a.yaml" && rs_pids+=("$started_logd_pid")
  expect_eq "ruler s3: logd A starts with its rules in common.storage.s3's bucket" 0 $?
  start_logd "$rs_dir/b" "$port_b" -config.file="$rs_dir/b.yaml" && rs_pids+=("$started_logd_pid")
  expect_eq "ruler s3: logd B starts with ruler.storage.type: s3" 0 $?
  a=http://127.0.0.1:$port_a
  b=http://127.0.0.1:$port_b
  expect_contains "ruler s3: A logs the bucket it keeps rules in" 'msg="ruler storage opened" store="s3://e2e-bucket' \
    "$(cat "$rs_dir/a.log")"

  now=$(date +%s)
  curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary \
    '{"streams":[{"stream":{"app":"s3r"},"values":[["'"${now}000000000"'","panic: boom"]]}]}' "$b/loki/api/v1/push"
  group=$'name: app alerts\ninterval: 1s\nrules:\n  - alert: S3RulePanics\n    expr: sum(count_over_time({app="s3r"} |= "panic" [10m])) > 0\n    labels: {severity: page}\n'
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/yaml' --data-binary "$group" \
    "$a/loki/api/v1/rules/team%20app")
  expect_eq "ruler s3: POST a group to A answers 202" 202 "$code"

  # Loki's layout: rules/<tenant>/<base64url(namespace)>/<base64url(group)>.
  ns_key=$(printf 'team app' | base64 | tr '+/' '-_')
  group_key=$(printf 'app alerts' | base64 | tr '+/' '-_')
  rs_bucket list rules/
  expect_contains "ruler s3: the group is one object where Loki's ruler keeps it" "rules/fake/$ns_key/$group_key" "$rs_out"

  wait_until 20 rs_has "$b" /loki/api/v1/rules "S3RulePanics"
  expect_eq "ruler s3: B's rules API lists the group from the bucket" 0 $?
  wait_until 20 rs_alerting "$b" S3RulePanics
  expect_eq "ruler s3: B evaluates it (the alert is active in B)" 0 $?
  expect_contains "ruler s3: ...under its namespace in /prometheus/api/v1/rules" '"file":"team app"' \
    "$(curl -s "$b/prometheus/api/v1/rules")"

  # A bad rule written straight into the bucket (a RuleGroupDesc whose expr does not parse).
  bad_key=rules/fake/$(printf 'badns' | base64 | tr '+/' '-_')/$(printf 'bad' | base64 | tr '+/' '-_')
  rs_bucket put "$bad_key" $'\x0a\x03bad\x12\x05badns\x22\x0b\x0a\x04sum(\x1a\x03Bad\x32\x04fake'
  expect_eq "ruler s3: a bad group object is put into the bucket" 0 "$rs_rc"
  wait_until 20 grep -q "rules/fake/.*: group \\\\\"bad\\\\\", rule 1 (\\\\\"Bad\\\\\"): expr: parse error" "$rs_dir/b.log"
  expect_eq "ruler s3: B reports the bad rule with its object, group, rule and the LogQL error" 0 $?
  wait_until 10 rs_has "$b" /metrics "loki_ruler_rule_file_errors 1"
  expect_eq "ruler s3: ...and counts it" 0 $?
  rs_alerting "$b" S3RulePanics
  expect_eq "ruler s3: ...while the good group keeps running" 0 $?
  rs_bucket rm "$bad_key"

  code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$a/loki/api/v1/rules/team%20app/app%20alerts")
  expect_eq "ruler s3: DELETE the group through A answers 202" 202 "$code"
  rs_bucket list rules/
  [[ "$rs_out" != *"$group_key"* ]]
  expect_eq "ruler s3: ...and its object is gone from the bucket" 0 $?
  wait_until 20 rs_not_alerting "$b" S3RulePanics
  expect_eq "ruler s3: B stops evaluating it at its next poll" 0 $?
  code=$(curl -s -o /dev/null -w '%{http_code}' "$b/loki/api/v1/rules")
  expect_eq "ruler s3: ...and B's rules API has no groups left (404)" 404 "$code"
fi
rs_cleanup
