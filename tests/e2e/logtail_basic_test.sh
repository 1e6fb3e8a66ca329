# logtail end to end, basics: the talk's promtail.yaml ships a directory's *log files into a real
# logd (job and filename labels); the talk's three pipelines; /metrics, /ready, /targets; an
# unknown key fails with its path; -dry-run and -stdin print entries.
source "$here/logtail_lib.sh"

d=$TMPDIR_E2E/lt-basic
mkdir -p "$d/logs" "$d/logd"
lp=$(lt_free_port)
lt_logd_start "$d/logd" "$lp"

# (a) the talk's config.
lt_seq a 1 50 >"$d/logs/app.log"
lt_seq s 1 20 >"$d/logs/sys.log"
lt_seq x 1 5 >"$d/logs/ignored.txt"
lt_config "$d/talk.yaml" "$lp" "$d"
lt_start "$d/lt.log" -config.file="$d/talk.yaml"
lt_seq a 51 100 >>"$d/logs/app.log"
lt_wait_lines "$lp" '{job="varlogs"}' 120
expect_eq "logtail: every line of every *log file arrives once" \
  "$( (lt_seq a 1 100; lt_seq s 1 20) | sort)" "$(lt_lines "$lp" '{job="varlogs"}')"
expect_eq "logtail: filename label names the file" "$(lt_seq s 1 20 | sort)" \
  "$(lt_lines "$lp" "{job=\"varlogs\", filename=\"$d/logs/sys.log\"}")"
expect_eq "logtail: files not matching the glob are not read" "" "$(lt_lines "$lp" '{job="varlogs"} |= "x-"')"
expect_eq "logtail: /ready answers Ready" "Ready" "$(curl -s "http://$lt_http/ready")"
out=$(curl -s "http://$lt_http/targets")
expect_contains "logtail: /targets lists the job" "system" "$out"
expect_contains "logtail: /targets lists files with their labels" "$d/logs/app.log  {filename=\"$d/logs/app.log\", job=\"varlogs\"}" "$out"
lt_wait_metric "http://$lt_http/metrics" "promtail_sent_entries_total{host=\"127.0.0.1:$lp\"}" 120
expect_eq "logtail: promtail_sent_entries_total counts shipped entries" 120 \
  "$(lt_metric "http://$lt_http/metrics" "promtail_sent_entries_total{host=\"127.0.0.1:$lp\"}")"
out=$(curl -s "http://$lt_http/metrics")
expect_contains "logtail: promtail_read_lines_total per path" "promtail_read_lines_total{path=\"$d/logs/app.log\"} 100" "$out"
expect_contains "logtail: promtail_read_bytes_total per path" "promtail_read_bytes_total{path=\"$d/logs/sys.log\"} 160" "$out"
expect_contains "logtail: promtail_file_bytes_total per path" "promtail_file_bytes_total{path=\"$d/logs/sys.log\"} 160" "$out"
expect_contains "logtail: request durations" "promtail_request_duration_seconds_count{status_code=\"204\",host=\"127.0.0.1:$lp\"}" "$out"
kill -TERM "$lt_pid"
wait "$lt_pid"
expect_eq "logtail: SIGTERM exits 0" 0 $?
expect_contains "logtail: positions file records acknowledged offsets" "$d/logs/sys.log: \"160\"" "$(cat "$d/positions.yaml")"

# (e) the talk's three pipelines, one scrape config each.
e=$d/talk3
mkdir -p "$e"
now_s=$(date -u +%s)
ts=$(date -u -d "@$((now_s - 120))" +%Y-%m-%dT%H:%M:%SZ)
cat >"$e.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0}
positions: {filename: $e/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push", batchwait: 100ms}]
scrape_configs:
  - job_name: regex
    static_configs: [{labels: {job: regexjob, __path__: $e/regex.log}}]
    pipeline_stages:
      - regex:
          expression: '^(?P<ts>\S+) level=(?P<level>\w+) msg=(?P<msg>.*)$'
      - labels:
          level:
      - timestamp:
          source: ts
          format: RFC3339
  - job_name: json
    static_configs: [{labels: {job: nginx, __path__: $e/access.log}}]
    pipeline_stages:
      - json:
          expressions:
            remote_ip: remote_ip
            status: status
      - labels:
          remote_ip:
          status:
  - job_name: panics
    static_configs: [{labels: {app: some-app, __path__: $e/app.log}}]
    pipeline_stages:
      - match:
          selector: '{app="some-app"} != "info"'
          stages:
          - regex:
              expression: ".*panic: (?P<panic>.*)"
          - metrics:
              panic_total:
                type: Counter
                description: "total count of panic"
                source: panic
                config:
                  action: inc
YAML
echo "$ts level=error msg=disk full" >"$e/regex.log"
echo '{"remote_ip":"10.1.2.3","status":404,"path":"/x"}' >"$e/access.log"
printf '%s\n' "level=error panic: runtime error" "level=error panic: nil map" "level=info panic: says info" \
  "level=error no panic here" >"$e/app.log"
lt_start "$e.log" -config.file="$e.yaml"
lt_wait_lines "$lp" '{app="some-app"}' 4
lt_wait_lines "$lp" '{job="nginx"}' 1
lt_wait_lines "$lp" '{job="regexjob"}' 1
out=$(curl -s -G "http://127.0.0.1:$lp/loki/api/v1/query_range" --data-urlencode 'query={job="regexjob", level="error"}' \
  --data-urlencode "start=$(((now_s - 3600) * 1000000000))" --data-urlencode "end=$(((now_s + 60) * 1000000000))")
expect_contains "logtail: talk pipeline 1: level label and the line's timestamp" \
  "[\"$(((now_s - 120) * 1000000000))\",\"$ts level=error msg=disk full\"]" "$out"
expect_eq "logtail: talk pipeline 2: remote_ip and status labels" '{"remote_ip":"10.1.2.3","status":404,"path":"/x"}' \
  "$(lt_lines "$lp" '{job="nginx", remote_ip="10.1.2.3", status="404"}')"
# The counter's labels are the entry's: the target's labels and filename, as in Promtail.
series="promtail_custom_panic_total{app=\"some-app\",filename=\"$e/app.log\"}"
lt_wait_metric "http://$lt_http/metrics" "$series" 2
expect_eq "logtail: talk pipeline 3: promtail_custom_panic_total on /metrics counts the 2 panics" 2 \
  "$(lt_metric "http://$lt_http/metrics" "$series")"
kill -TERM "$lt_pid"
wait "$lt_pid"

# (f) an unknown key fails, naming its path.
printf 'server:\n  http_listen_port: 0\nscrape_configs:\n  - job_name: x\n    static_configs:\n      - lables: {a: b}\n' >"$d/bad.yaml"
out=$(logtail -config.file="$d/bad.yaml" 2>&1)
expect_eq "logtail: unknown key exits 1" 1 $?
expect_contains "logtail: unknown key error names its path" 'scrape_configs[0].static_configs[0]: unknown field "lables"' "$out"
out=$(logtail -config.fil=x 2>&1)
expect_contains "logtail: unknown flag is an error" "flag provided but not defined: -config.fil" "$out"

# (g) -dry-run prints entries (Promtail's format) and leaves positions alone; -stdin reads a pipe.
lt_seq dry 1 3 >"$d/logs/dry.log"
cp "$d/positions.yaml" "$d/positions.before"
lt_start "$d/dry.log.err" -config.file="$d/talk.yaml" -dry-run >"$d/dry.out"
for _ in $(seq 1 100); do grep -q 'dry-00003' "$d/dry.out" && break; sleep 0.2; done
kill -TERM "$lt_pid"
wait "$lt_pid"
expect_contains "logtail: -dry-run prints time, labels and line" \
  "	{filename=\"$d/logs/dry.log\", job=\"varlogs\"}	dry-00001" "$(cat "$d/dry.out")"
expect_eq "logtail: -dry-run timestamp layout" 1 \
  "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?[+-][0-9]{4}	.*dry-00002$' "$d/dry.out")"
expect_eq "logtail: -dry-run does not write positions" "$(cat "$d/positions.before")" "$(cat "$d/positions.yaml")"
out=$(printf 'one\n\ntwo\r\nthree' | logtail -stdin -dry-run -config.file="$d/talk.yaml" 2>/dev/null | cut -f2-)
expect_eq "logtail: -stdin -dry-run: first scrape config's labels, empty lines skipped" \
  "$(printf '{job="varlogs"}\tone\n{job="varlogs"}\ttwo\n{job="varlogs"}\tthree')" "$out"
out=$(printf 'hello\n' | logtail -stdin -dry-run 2>/dev/null | cut -f2-)
expect_eq "logtail: -stdin without a config: job=stdin and hostname" "{hostname=\"$(hostname)\", job=\"stdin\"}	hello" "$out"
printf 'piped-1\npiped-2\n' | logtail -stdin -config.file="$d/talk.yaml" 2>/dev/null
expect_eq "logtail: -stdin pushes to the client and exits at end of input" "$(printf 'piped-1\npiped-2')" \
  "$(lt_lines "$lp" '{job="varlogs"} |= "piped-"')"
out=$(logtail -stdin -dry-run -print-config-stderr -config.file="$d/talk.yaml" </dev/null 2>&1 >/dev/null)
expect_contains "logtail: -print-config-stderr prints the effective config" "job_name: system" "$out"
sed 's/job: varlogs/job: ${LT_JOB:-fallback}/' "$d/talk.yaml" >"$d/env.yaml"
out=$(echo hi | LT_JOB=fromenv logtail -stdin -dry-run -config.expand-env=true -config.file="$d/env.yaml" 2>/dev/null | cut -f2-)
expect_eq "logtail: -config.expand-env expands \${VAR:-default}" "{job=\"fromenv\"}	hi" "$out"
out=$(echo hi | logtail -stdin -dry-run -config.file="$d/env.yaml" 2>/dev/null | cut -f2-)
expect_eq "logtail: without -config.expand-env the text stays" "{job=\"\${LT_JOB:-fallback}\"}	hi" "$out"
printf 'ext-1\n' | logtail -stdin -client.external-labels=dc=eu1,team=core -config.file="$d/talk.yaml" 2>/dev/null
expect_eq "logtail: -client.external-labels are added to pushed streams" "ext-1" "$(lt_lines "$lp" '{dc="eu1", team="core", job="varlogs"}')"
kill -TERM "$lt_logd_pid"
wait "$lt_logd_pid" 2>/dev/null
