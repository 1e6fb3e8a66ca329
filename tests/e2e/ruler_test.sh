# The ruler end to end, with the real components: Debian's Alertmanager (0.25) and Prometheus
# (2.42, with its remote-write receiver) on free loopback ports with temp dirs, logtail shipping
# a file to a multi-tenant logd. The talk's rule
#   sum by (app) (count_over_time({app="some-app"} |= "panic" [1m])) > 0   for: 10s
# goes pending, fires and shows in Alertmanager with its labels and annotations; a recording
# rule's series is queryable in Prometheus with the right value; Alertmanager down does not stop
# evaluation and notifications resume when it is back; a restart keeps the alert's state; the
# rules API round-trips per tenant and tenants never see each other's rules or alerts; a bad rule
# file is reported while the others keep running; the alert resolves once the panics age out of
# the 1m window. Everything is polled with deadlines; every process started here is stopped by
# its PID (the trap kills what is left).
ru_pids=()
ru_cleanup() { for p in "${ru_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'ru_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

# ru_get TENANT PATH: a logd API answer for TENANT.
ru_get() { curl -s -H "X-Scope-OrgID: $1" "$ru_logd$2"; }
# ru_am_alerts: Alertmanager's active alerts, one line each: alertname app severity cluster | summary
ru_am_alerts() {
  curl -s "$ru_am/api/v2/alerts" | python3 -c 'import json,sys
for a in json.load(sys.stdin):
    l = a["labels"]
    print(l.get("alertname"), l.get("app"), l.get("severity"), l.get("cluster"), "|", a["annotations"].get("summary"),
          "|", a["status"]["state"], "|", a.get("generatorURL", ""))'
}
ru_am_has_alert() { ru_am_alerts | grep -q "^AppPanics some-app page e2e"; }
ru_am_no_alert() { ! ru_am_alerts | grep -q "^AppPanics"; }
# ru_alert_state TENANT: "<state> <activeAt>" of AppPanics from /prometheus/api/v1/alerts.
ru_alert_state() {
  ru_get "$1" /prometheus/api/v1/alerts | python3 -c 'import json,sys
for a in json.load(sys.stdin)["data"]["alerts"]:
    if a["labels"].get("alertname") == "AppPanics": print(a["state"], a["activeAt"])'
}
ru_state_is() { [ "$(ru_alert_state team-a | cut -d" " -f1)" == "$1" ]; }
ru_metric() {  # SERIES: its value from logd's /metrics, as an integer
  curl -s "$ru_logd/metrics" | python3 -c 'import sys
for l in sys.stdin:
    if l.startswith(sys.argv[1] + " "): print(int(float(l.split()[-1])))' "$1"
}
ru_metric_above() { [ "$(ru_metric "$1")" -gt "$2" ] 2>/dev/null; }
ru_prom_value() {  # QUERY: the first sample's value from Prometheus's instant query API
  curl -s -G "$ru_prom/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json,sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}
ru_prom_is() { [ "$(ru_prom_value "$1")" == "$2" ]; }
ru_start_logd() {
  logd -config.file="$d/logd.yaml" 2>>"$d/logd.log" &
  ru_logd_pid=$!
  ru_pids+=("$ru_logd_pid")
  wait_until 20 curl -sf "$ru_logd/ready"
}
ru_start_am() {
  prometheus-alertmanager --config.file="$d/am.yml" --storage.path="$d/am" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= 2>>"$d/am.log" &
  ru_am_pid=$!
  ru_pids+=("$ru_am_pid")
  wait_until 30 curl -sf "$ru_am/-/ready"
}

if ! command -v prometheus >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  fail "ruler: prometheus and prometheus-alertmanager are installed (scripts/setup.sh installs them)"
else
  d=$TMPDIR_E2E/ruler
  mkdir -p "$d/logs" "$d/rules/team-a" "$d/am" "$d/prom"
  port=$(free_port)
  am_port=$(free_port)
  prom_port=$(free_port)
  ru_logd="http://127.0.0.1:$port"
  ru_am="http://127.0.0.1:$am_port"
  ru_prom="http://127.0.0.1:$prom_port"

  cat >"$d/am.yml" <<YAML
route: {receiver: null-recv, group_wait: 0s, group_interval: 1s}
receivers: [{name: null-recv}]
YAML
  ru_start_am || fail "ruler: Alertmanager starts" "$(tail -5 "$d/am.log")"
  printf 'global: {scrape_interval: 1m}\n' >"$d/prom.yml"
  prometheus --config.file="$d/prom.yml" --storage.tsdb.path="$d/prom" --web.listen-address="127.0.0.1:$prom_port" \
    --web.enable-remote-write-receiver 2>>"$d/prom.log" &
  ru_pids+=($!)
  wait_until 30 curl -sf "$ru_prom/-/ready" || fail "ruler: Prometheus starts" "$(tail -5 "$d/prom.log")"

  # Intervals of a second, so that the test takes seconds, not minutes; the rule is the talk's.
  cat >"$d/logd.yaml" <<YAML
auth_enabled: true
server: {http_listen_address: 127.0.0.1, http_listen_port: $port}
common: {path_prefix: $d/data}
ruler:
  evaluation_interval: 1s
  poll_interval: 1s
  alertmanager_url: $ru_am
  enable_alertmanager_v2: true
  external_url: http://logd.example:3100
  external_labels: {cluster: e2e}
  resend_delay: 2s
  storage: {type: local, local: {directory: $d/rules}}
  rule_path: $d/rules-temp
  remote_write:
    enabled: true
    clients:
      prom:
        url: $ru_prom/api/v1/write
        queue_config: {batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s}
YAML
  cat >"$d/rules/team-a/panics.yaml" <<'YAML'
groups:
  - name: panics
    interval: 1s
    rules:
      - alert: AppPanics
        expr: sum by (app) (count_over_time({app="some-app"} |= "panic" [1m])) > 0
        for: 10s
        labels:
          severity: page
        annotations:
          summary: '{{ $labels.app }} logged {{ $value }} panics'
      - record: app:requests:count10m
        expr: sum by (app) (count_over_time({app="some-app"} |= "request" [10m]))
YAML
  ru_start_logd || fail "ruler: logd starts with the ruler configured" "$(tail -5 "$d/logd.log")"

  cat >"$d/logtail.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $d/positions.yaml, sync_period: 200ms}
clients:
  - url: $ru_logd/loki/api/v1/push
    tenant_id: team-a
    batchwait: 100ms
scrape_configs:
  - job_name: app
    static_configs:
      - targets: [localhost]
        labels: {app: some-app, __path__: $d/logs/*.log}
YAML
  logtail -config.file="$d/logtail.yaml" 2>>"$d/logtail.log" &
  ru_pids+=($!)
  for i in 1 2 3 4 5 6 7; do echo "level=info msg=\"request $i served\""; done >"$d/logs/app.log"
  for i in 1 2 3; do echo "level=error msg=\"panic: nil map $i\""; done >>"$d/logs/app.log"

  # Pending first (for: 10s), then firing, then in Alertmanager with labels and annotations.
  wait_until 30 ru_state_is pending
  expect_eq "ruler: the alert goes pending first" 0 $?
  wait_until 40 ru_state_is firing
  expect_eq "ruler: ...and fires once for: 10s has passed" 0 $?
  wait_until 30 ru_am_has_alert
  expect_eq "ruler: the alert is active in Alertmanager" 0 $?
  am=$(ru_am_alerts)
  expect_contains "ruler: Alertmanager has its labels (external label included) and expanded annotation" \
    "AppPanics some-app page e2e | some-app logged 3 panics | active" "$am"
  expect_contains "ruler: generatorURL points at external_url" \
    "http://logd.example:3100/graph?g0.expr=sum+by+%28app%29" "$am"

  # The recording rule's series, remote-written, has the right value in Prometheus.
  wait_until 30 ru_prom_is 'app:requests:count10m{app="some-app"}' 7
  expect_eq "ruler: the recording rule's series is in Prometheus with the right value" \
    "7" "$(ru_prom_value 'app:requests:count10m{app="some-app"}')"
  wait_until 20 ru_prom_is 'ALERTS{alertname="AppPanics",alertstate="firing"}' 1
  expect_eq "ruler: ALERTS{alertstate=\"firing\"} is recorded too" 0 $?

  # Tenants: team-b's rules and alerts are its own.
  group_b=$'name: b-group\nrules:\n  - record: b:lines:count1m\n    expr: count_over_time({app="other"}[1m])\n'
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-Scope-OrgID: team-b' -H 'Content-Type: application/yaml' \
    --data-binary "$group_b" "$ru_logd/loki/api/v1/rules/ns-b")
  expect_eq "ruler API: POST a group answers 202" 202 "$code"
  expect_contains "ruler API: GET returns it to its tenant" "b:lines:count1m" "$(ru_get team-b /loki/api/v1/rules)"
  expect_contains "ruler API: GET of one group" "name: b-group" "$(ru_get team-b /loki/api/v1/rules/ns-b/b-group)"
  a_rules=$(ru_get team-a /loki/api/v1/rules)
  expect_contains "ruler API: team-a sees its own namespaces" "panics:" "$a_rules"
  [[ "$a_rules" != *b-group* ]]
  expect_eq "ruler API: team-a never sees team-b's rules" 0 $?
  [[ "$(ru_get team-a /prometheus/api/v1/rules)" != *b-group* ]]
  expect_eq "ruler API: ...nor in /prometheus/api/v1/rules" 0 $?
  expect_contains "ruler API: team-b's rules are in its /prometheus/api/v1/rules" '"name":"b-group"' \
    "$(ru_get team-b /prometheus/api/v1/rules)"
  expect_eq "ruler API: team-b sees none of team-a's alerts" '{"data":{"alerts":[]},"status":"success"}' \
    "$(ru_get team-b /prometheus/api/v1/alerts)"
  code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H 'X-Scope-OrgID: team-b' "$ru_logd/loki/api/v1/rules/ns-b/b-group")
  expect_eq "ruler API: DELETE a group answers 202" 202 "$code"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: team-b' "$ru_logd/loki/api/v1/rules")
  expect_eq "ruler API: ...and then the tenant has no rule groups (404)" 404 "$code"
  code=$(curl -s -o /dev/null -w '%{http_code}' "$ru_logd/loki/api/v1/rules")
  expect_eq "ruler API: without X-Scope-OrgID it is 401" 401 "$code"
  out=$(curl -s -w ' %{http_code}' -X POST -H 'X-Scope-OrgID: team-b' --data-binary \
    $'name: bad\nrules:\n  - alert: X\n    expr: sum(rate({a="b"}[1m])\n' "$ru_logd/loki/api/v1/rules/ns-b")
  expect_contains "ruler API: an invalid group is refused (400) with the LogQL error" 'rule 1 ("X"): expr: parse error' "$out"
  expect_contains "ruler API: ...status 400" " 400" "$out"

  # A bad rule file is reported with its place while the good one keeps running.
  printf 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(count_over_time({app="x"}[1m]) >\n' \
    >"$d/rules/team-a/broken.yaml"
  wait_until 20 grep -q 'broken.yaml:4:9: group \\"broken\\", rule 1 (\\"Broken\\"): expr: parse error' "$d/logd.log"
  expect_eq "ruler: a bad rule file is logged with file, line, group, rule and the LogQL error" 0 $?
  wait_until 20 ru_metric_above loki_ruler_rule_file_errors 0
  expect_eq "ruler: /metrics counts the rule file problem" 0 $?
  evals='loki_prometheus_rule_evaluations_total{rule_group="panics;panics",user="team-a"}'
  before=$(ru_metric "$evals")
  wait_until 20 ru_metric_above "$evals" "$((before + 2))"
  expect_eq "ruler: ...while the good file keeps being evaluated" 0 $?
  rm "$d/rules/team-a/broken.yaml"

  # Alertmanager down: evaluation goes on, failures are counted; notifications resume after.
  kill -TERM "$ru_am_pid"
  wait "$ru_am_pid" 2>/dev/null
  errs='loki_prometheus_notifications_errors_total{alertmanager="'$ru_am'",user="team-a"}'
  wait_until 30 ru_metric_above "$errs" 0
  expect_eq "ruler: with Alertmanager down, failed notifications are counted" 0 $?
  before=$(ru_metric "$evals")
  wait_until 20 ru_metric_above "$evals" "$((before + 2))"
  expect_eq "ruler: ...and evaluation continues" 0 $?
  rm -rf "$d/am" && mkdir -p "$d/am"  # a fresh Alertmanager knows no alerts
  ru_start_am || fail "ruler: Alertmanager restarts" "$(tail -5 "$d/am.log")"
  wait_until 30 ru_am_has_alert
  expect_eq "ruler: notifications resume when Alertmanager is back" 0 $?

  # A restart keeps the alert's state: still firing, same activeAt (for is not reset).
  before=$(ru_alert_state team-a)
  kill -TERM "$ru_logd_pid"
  wait "$ru_logd_pid" 2>/dev/null
  ru_start_logd || fail "ruler: logd restarts"
  after=$(ru_alert_state team-a)
  expect_eq "ruler: after a restart the alert is still firing with the same activeAt" "$before" "$after"
  expect_contains "ruler: ...restored from the state file" 'msg="alert state restored"' "$(cat "$d/logd.log")"

  # The panics age out of the 1m window: the alert resolves, in logd and in Alertmanager.
  wait_until 90 ru_am_no_alert
  expect_eq "ruler: the alert resolves in Alertmanager once the panics stop" 0 $?
  expect_eq "ruler: ...and logd holds no alert any more" "" "$(ru_alert_state team-a)"
  kill -TERM "$ru_logd_pid"
  wait "$ru_logd_pid" 2>/dev/null
  ru_cleanup
fi
