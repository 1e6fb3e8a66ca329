# logcli over standard input: the README's pipelines, exactly as written there.
d=$TMPDIR_E2E
cat > "$d/app.log" <<'LOG'
ts=2024-01-02T03:04:05Z level=info msg="started" component=api
ts=2024-01-02T03:04:06Z level=error msg="db timeout" component=db duration=1.5s
ts=2024-01-02T03:04:07Z level=warn msg="slow request" component=api duration=900ms
ts=2024-01-02T03:04:08Z level=error msg="panic: nil map" component=api duration=12ms
LOG

out=$(cat "$d/app.log" | logcli query --stdin --forward -o raw '{job="app"} | logfmt | level="error"')
expect_eq "logfmt + label filter keeps the error lines in order" \
  'ts=2024-01-02T03:04:06Z level=error msg="db timeout" component=db duration=1.5s
ts=2024-01-02T03:04:08Z level=error msg="panic: nil map" component=api duration=12ms' "$out"

out=$(logcli query --stdin -o raw '<job="app"> |= "panic" or "timeout" | logfmt | duration > 1s | line_format "{{.component}}: {{.msg}}"' < "$d/app.log")
expect_eq "angle-bracket selector, or-filter, duration filter, line_format" 'db: db timeout' "$out"



out=$(logcli instant-query --stdin 'sum by (level) (count_over_time({job="app"} | logfmt [1m]))' < "$d/app.log" | tr -d ' \n')
expect_contains "metric query counts by level (error)" '{"metric":{"level":"error"},"value":[' "$out"
expect_contains "metric query value for error is 2" '"error"},"value":[' "$out"
errs=$(logcli instant-query --stdin -q 'sum by (level) (count_over_time({job="app"} | logfmt [1m]))' < "$d/app.log" \
  | tr -d ' \n' | grep -o '"level":"error"},"value":\[[0-9.]*,"[0-9]*"' | sed 's/.*,"//; s/"//')
expect_eq "metric query: two errors" "2" "$errs"

# jsonl out of one logcli, into another: stream selectors then apply.
logcli query --stdin --forward -o jsonl '{job="app"} | logfmt | drop ts, msg, duration' < "$d/app.log" > "$d/app.jsonl"
expect_eq "jsonl output: one object per entry" "4" "$(wc -l < "$d/app.jsonl" | tr -d ' ')"
out=$(logcli query --stdin --stdin-format=jsonl --forward -o raw '{component="api", level!="info"}' < "$d/app.jsonl")
expect_eq "jsonl input: selectors apply to its labels" 'ts=2024-01-02T03:04:07Z level=warn msg="slow request" component=api duration=900ms
ts=2024-01-02T03:04:08Z level=error msg="panic: nil map" component=api duration=12ms' "$out"

# One result stream: all its labels are common, noted once on stderr (as Loki's logcli does).
err=$(logcli query --stdin '{job="app"} | logfmt | level="warn"' < "$d/app.log" 2>&1 >/dev/null)
expect_contains "default output notes the extracted labels as common labels" 'level="warn"' "$err"
# Raw lines are stamped with the time they were read: compare all but the timestamp column.
out=$(logcli query --stdin -q --forward '{job="app"} | logfmt | level=~"warn|info" | keep level' < "$d/app.log" | cut -d' ' -f2-)
expect_eq "default output: padded labels, then the line" \
'{level="info"} ts=2024-01-02T03:04:05Z level=info msg="started" component=api
{level="warn"} ts=2024-01-02T03:04:07Z level=warn msg="slow request" component=api duration=900ms' "$out"
out=$(echo '{"labels":{"app":"db"},"line":"db timeout","timestamp":"2024-01-02T03:04:06.5Z"}' |
  logcli query --stdin -q --stdin-format=jsonl -z UTC '{app="db"}')
expect_eq "default output: RFC3339 time in the chosen zone" '2024-01-02T03:04:06Z {} db timeout' "$out"
out=$(echo '{"labels":{"app":"db"},"line":"db timeout","ts":1704164646500000000}' |
  logcli query --stdin --stdin-format=jsonl -z UTC -o jsonl '{app="db"}')
expect_eq "jsonl output keeps nanoseconds and labels" \
  '{"labels":{"app":"db"},"line":"db timeout","timestamp":"2024-01-02T03:04:06.5Z"}' "$out"
out=$(logcli query --stdin --stdin-format=jsonl --limit=1 -o raw '{component="api"}' < "$d/app.jsonl")
expect_eq "limit and backward direction: newest entry first" 'ts=2024-01-02T03:04:08Z level=error msg="panic: nil map" component=api duration=12ms' "$out"

# Bad queries fail with a positioned message and a non-zero exit.
expect_status "empty selector is rejected" 1 logcli query --stdin '{}'
err=$(logcli query --stdin '{app="x"} | unknown_stage' < /dev/null 2>&1)
expect_contains "parse errors name line and column" "parse error at line 1, col" "$err"
expect_status "jsonl input must be JSON" 1 bash -c "echo 'not json' | logcli query --stdin --stdin-format=jsonl '{a=\"b\"}'"

# Start-up cost: a stdin query never loads libcurl and its ~28 libraries (the HTTP client loads
# them on its first request), and an HTTP request still finds it.
loaded=$(LD_DEBUG=files logcli query --stdin -q -o raw '{job="app"} |= "panic"' < "$d/app.log" 2>&1 >/dev/null | grep -c 'file=libcurl' || true)
expect_eq "stdin query does not load libcurl" "0" "$loaded"
loaded=$(LD_DEBUG=files logcli query --addr http://127.0.0.1:1 -q '{job="app"}' 2>&1 >/dev/null | grep -c 'file=libcurl.so.4 .*dynamically loaded' || true)
expect_eq "a server query loads libcurl on demand" "1" "$loaded"
