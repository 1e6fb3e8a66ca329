# GET /loki/api/v1/patterns: log patterns mined (Drain) from the lines as they are pushed, with
# pattern_ingester enabled. The answer's shape is checked against a fixture written from Loki's
# API documentation (tests/e2e/fixtures/patterns), its patterns and counts against what was
# pushed; the query forms Loki refuses are 400, and with the pattern ingester off the endpoint is
# 404, as in Loki.
pt_fixtures="$here/fixtures/patterns"
pt_shape() { python3 "$here/../tools/json_shape.py" "$pt_fixtures/$1"; }  # fixture; the answer on stdin
pt_get() {  # query [curl -G args...]: the body
  local q=$1
  shift
  curl -s -G "$url/loki/api/v1/patterns" --data-urlencode "query=$q" --data-urlencode "start=$start" \
    --data-urlencode "end=$end" "$@"
}
pt_status() {  # query-string: the HTTP status
  curl -s -o "$TMPDIR_E2E/answer" -w '%{http_code}' "$url/loki/api/v1/patterns?$1"
}
# "level pattern=total" per pattern, in answer order.
pt_totals() {
  python3 -c 'import json,sys
for p in json.load(sys.stdin)["data"]:
    print("%s %s=%d" % (p.get("level", ""), p["pattern"], sum(s[1] for s in p["samples"])))'
}

d=$TMPDIR_E2E/patterns
port=$(free_port)
url="http://127.0.0.1:$port"
start_logd "$d" "$port" -pattern-ingester.enabled=true || exit 1
pid_on=$started_logd_pid
now=$(date +%s)
t0=$(( (now - 600) * 1000000000 ))
start=$(( (now - 900) * 1000000000 ))
end=$(( (now + 60) * 1000000000 ))

# Stream app=api: 40 requests and 35 cache misses, interleaved; app=db: 50 slow queries at level
# error (structured metadata detected_level, as Loki's distributor sets it); app=api also has 5
# lines of a rare shape, fewer than Loki's minimum of 30 per pattern.
python3 - "$t0" >"$TMPDIR_E2E/push.json" <<'PY'
import json, sys
t0 = int(sys.argv[1])
sec = 1_000_000_000
api, db = [], []
for i in range(40):
    api.append([str(t0 + i * sec), "GET /api/users/%d returned 200 in %dms" % (i, 3 * i + 1)])
    if i < 35:
        api.append([str(t0 + i * sec + 1), "cache miss for key session-%d in region eu" % i])
    if i < 5:
        api.append([str(t0 + i * sec + 2), "rare event number %d happened here" % i])
for i in range(50):
    db.append([str(t0 + i * sec), "query took %d ms on replica %d" % (100 + i, i % 3), {"detected_level": "error"}])
print(json.dumps({"streams": [{"stream": {"app": "api"}, "values": api}, {"stream": {"app": "db"}, "values": db}]}))
PY
expect_eq "patterns: the push is accepted" "204" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$TMPDIR_E2E/push.json" \
    "$url/loki/api/v1/push")"

answer=$(pt_get '{app=~"api|db"}' --data-urlencode step=60s)
expect_eq "patterns: the answer has the shape of Loki's documented answer" "ok" "$(pt_shape patterns.json <<<"$answer")"
expect_eq "patterns: each pattern once, with its level and its total, most frequent first; rare ones left out" \
  "$(printf '%s\n' 'error query took <_> ms on replica <_>=50' 'unknown GET <_> returned 200 in <_>=40' \
    'unknown cache miss for key <_> in region eu=35')" "$(pt_totals <<<"$answer")"
expect_contains "patterns: the pattern text is HTML-escaped as Loki's encoder writes it" '\u003c_\u003e' "$answer"
expect_eq "patterns: sample times are Unix seconds at the start of each step" "ok" \
  "$(python3 -c 'import json,sys
ok = all(s[0] % 60 == 0 and '"$(( start / 1000000000 - 60 ))"' <= s[0] <= '"$(( end / 1000000000 ))"'
         for p in json.load(sys.stdin)["data"] for s in p["samples"])
print("ok" if ok else "bad")' <<<"$answer")"
expect_eq "patterns: a 10s step splits the same counts finer" \
  "$(pt_totals <<<"$answer")" "$(pt_get '{app=~"api|db"}' --data-urlencode step=10s | pt_totals)"
expect_eq "patterns: 10s steps hold at most 10 lines of a one-per-second stream" "10" \
  "$(pt_get '{app="db"}' --data-urlencode step=10s | python3 -c 'import json,sys; print(max(s[1] for p in json.load(sys.stdin)["data"] for s in p["samples"]))')"
expect_eq "patterns: the selector chooses the streams" \
  "$(printf '%s\n' 'unknown GET <_> returned 200 in <_>=40' 'unknown cache miss for key <_> in region eu=35')" \
  "$(pt_get '{app="api"}' | pt_totals)"
expect_eq "patterns: a range before the lines has none" '{"status":"success","data":[]}' \
  "$(curl -s -G "$url/loki/api/v1/patterns" --data-urlencode 'query={app="api"}' \
    --data-urlencode "start=$(( start - 7200000000000 ))" --data-urlencode "end=$(( start - 3600000000000 ))")"
expect_eq "patterns: POST with a form body answers the same" "$(pt_get '{app="db"}' | pt_totals)" \
  "$(curl -s "$url/loki/api/v1/patterns" --data-urlencode 'query={app="db"}' --data-urlencode "start=$start" \
    --data-urlencode "end=$end" | pt_totals)"
# ---- logcli patterns ------------------------------------------------------------------------------
expect_eq "patterns: logcli patterns prints lines, level and pattern, most frequent first" \
  "$(printf '%s\t%s\t%s\n' 50 error 'query took <_> ms on replica <_>' 40 unknown 'GET <_> returned 200 in <_>' \
    35 unknown 'cache miss for key <_> in region eu')" \
  "$(logcli --addr="$url" -q patterns --since=30m '{app=~"api|db"}')"
expect_eq "patterns: logcli patterns --json --step=10s keeps the total over 5 or 6 ten-second samples" "50 True" \
  "$(logcli --addr="$url" -q patterns --since=30m --step=10s --json '{app="db"}' | python3 -c 'import json,sys
p = json.loads(sys.stdin.readline()); print(p["total"], len(p["samples"]) in (5, 6))')"
logcli --addr="$url" -q patterns --since=30m '{app="api"} |= "x"' >/dev/null 2>"$TMPDIR_E2E/err"
expect_eq "patterns: logcli patterns reports the server's 400" "1" "$?"
expect_contains "patterns: ... with its message" "stream selector" "$(cat "$TMPDIR_E2E/err")"
logcli --store "$d" -q patterns '{app="api"}' >/dev/null 2>"$TMPDIR_E2E/err"
expect_contains "patterns: logcli --store says patterns live in the server" "ask the server" "$(cat "$TMPDIR_E2E/err")"

expect_contains "patterns: /metrics counts the lines mined" "logd_pattern_lines_mined_total 130" \
  "$(curl -s "$url/metrics")"

# ---- bad input ------------------------------------------------------------------------------------
expect_eq "patterns: a query with a line filter is 400 (Loki takes a stream selector only)" "400" \
  "$(pt_status 'query=%7Bapp%3D%22api%22%7D%20%7C%3D%20%22GET%22')"
expect_eq "patterns: a missing query is 400" "400" "$(pt_status "start=$start")"
expect_contains "patterns: the 400 names the problem" "query parameter is required" "$(cat "$TMPDIR_E2E/answer")"
expect_eq "patterns: a selector matching everything is 400" "400" "$(pt_status 'query=%7Bapp%3D~%22.*%22%7D')"
expect_eq "patterns: a zero step is 400" "400" "$(pt_status 'query=%7Bapp%3D%22api%22%7D&step=0')"

kill -TERM "$pid_on"; wait "$pid_on" 2>/dev/null

# ---- disabled (Loki's default) --------------------------------------------------------------------
port=$(free_port)
url="http://127.0.0.1:$port"
start_logd "$d" "$port" || exit 1
pid_off=$started_logd_pid
expect_eq "patterns: with the pattern ingester off the endpoint is 404, as in Loki" "404" \
  "$(pt_status 'query=%7Bapp%3D%22api%22%7D')"
expect_contains "patterns: the 404 says how to turn it on" "pattern_ingester.enabled" "$(cat "$TMPDIR_E2E/answer")"
kill -TERM "$pid_off"; wait "$pid_off" 2>/dev/null

# ---- config ---------------------------------------------------------------------------------------
printf 'pattern_ingester:\n  enabled: true\n  tee_config:\n    batch_size: 10\n' >"$TMPDIR_E2E/bad.yaml"
out=$(logd -config.file="$TMPDIR_E2E/bad.yaml" -common.path-prefix="$TMPDIR_E2E/bad" 2>&1 </dev/null)
expect_contains "patterns: a pattern_ingester key logd does not honour is an error naming it" \
  "pattern_ingester.tee_config" "$out"
