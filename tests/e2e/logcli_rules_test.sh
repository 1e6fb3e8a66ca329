# logcli rules: lint/check rule files offline (every problem with its place, exit 1) and eval a
# rule file once over stdin or a logd data directory (--store), as a CI step would.
d=$TMPDIR_E2E/logcli-rules
mkdir -p "$d"
cat >"$d/rules.yaml" <<'YAML'
groups:
  - name: panics
    rules:
      - alert: AppPanics
        expr: sum by (app) (count_over_time({app="some-app"} |= "panic" [1m])) > 0
        for: 10s
        labels: {severity: page}
        annotations:
          summary: '{{ $labels.app }} logged {{ $value }} panics'
      - alert: ManyPanics
        expr: sum(count_over_time({app="some-app"} |= "panic" [1m])) > 2
      - record: app:lines:count1m
        expr: sum by (app) (count_over_time({app="some-app"}[1m]))
YAML
printf 'groups:\n  - name: b\n    rules:\n      - alert: X\n        expr: sum(rate({a="b"}[1m])\n      - record: "a b"\n        expr: vector(1)\n' >"$d/bad.yaml"

out=$(logcli rules lint "$d/rules.yaml" 2>&1)
expect_eq "logcli rules lint: a valid file" "$d/rules.yaml: 1 group, 3 rules: OK" "$out"
out=$(logcli rules check "$d/rules.yaml" "$d/bad.yaml" 2>&1)
rc=$?
expect_eq "logcli rules check: exit 1 when a file is bad" 1 "$rc"
expect_contains "logcli rules check: the LogQL error with file:line:col, group and rule" \
  "$d/bad.yaml:4:9: group \"b\", rule 1 (\"X\"): expr: parse error at line 1, col 22" "$out"
expect_contains "logcli rules check: every problem is listed" 'rule 2 ("a b"): invalid recording rule name: "a b"' "$out"
expect_contains "logcli rules check: the good file is still checked" "rules.yaml: 1 group, 3 rules: OK" "$out"

for i in 1 2 3; do echo '{"labels":{"app":"some-app"},"line":"panic '$i'","timestamp":"2026-01-01T00:00:0'$i'Z"}'; done >"$d/in.jsonl"
echo '{"labels":{"app":"some-app"},"line":"ok","timestamp":"2026-01-01T00:00:05Z"}' >>"$d/in.jsonl"
out=$(logcli rules eval "$d/rules.yaml" --stdin --stdin-format=jsonl <"$d/in.jsonl")
expect_contains "logcli rules eval --stdin: an alert with for is pending after one evaluation" \
  'pending {alertname="AppPanics", app="some-app", severity="page"} value=3' "$out"
expect_contains "logcli rules eval --stdin: annotations are expanded" "summary: some-app logged 3 panics" "$out"
expect_contains "logcli rules eval --stdin: an alert without for fires" 'firing {alertname="ManyPanics"} value=3' "$out"
expect_contains "logcli rules eval --stdin: recorded samples" 'app:lines:count1m{app="some-app"} 4' "$out"
out=$(logcli rules eval "$d/rules.yaml" --stdin --stdin-format=jsonl --time 2026-01-01T00:05:00Z <"$d/in.jsonl")
expect_contains "logcli rules eval --time: later, nothing is active" "alert AppPanics: inactive" "$out"
expect_status "logcli rules eval: needs --stdin or --store" 2 logcli rules eval "$d/rules.yaml"

# --store: a logd data directory, after logd flushed it.
port=$(free_port)
start_logd "$d/data" "$port" || fail "logcli rules: logd starts"
now=$(date +%s%N)
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary \
  '{"streams":[{"stream":{"app":"some-app"},"values":[["'"$now"'","panic: boom"],["'"$((now + 1))"'","fine"]]}]}' \
  "http://127.0.0.1:$port/loki/api/v1/push"
kill -TERM "$started_logd_pid"
wait "$started_logd_pid"
out=$(logcli rules eval "$d/rules.yaml" --store "$d/data" --time "$((now + 1000))")
expect_contains "logcli rules eval --store: evaluates over the data directory" 'app:lines:count1m{app="some-app"} 2' "$out"
expect_contains "logcli rules eval --store: ...and its alerts" 'pending {alertname="AppPanics", app="some-app", severity="page"} value=1' "$out"
