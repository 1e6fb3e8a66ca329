# Label categories (Loki's X-Loki-Response-Encoding-Flags: categorize-labels): logd answers
# query_range with stream labels, structured metadata and parsed labels kept apart (and the plain
# shape, unchanged, without the header; metric answers ignore it); logcli asks for them, so
# `logcli query -o jsonl | logcli push` carries structured metadata from one logd to another as
# metadata; and logcli reads Loki's categorized answer (a fixture server answering what Loki's
# API documentation shows) and a server's plain answer alike.
cat_pids=()
cat_cleanup() { for p in "${cat_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'cat_cleanup; rm -rf "$TMPDIR_E2E"' EXIT
cat_fixtures="$here/fixtures/categorize"

pa=$(free_port)
pb=$(free_port)
start_logd "$TMPDIR_E2E/cat-a" "$pa" || exit 1
cat_pids+=("$started_logd_pid")
start_logd "$TMPDIR_E2E/cat-b" "$pb" || exit 1
cat_pids+=("$started_logd_pid")
ua="http://127.0.0.1:$pa"
ub="http://127.0.0.1:$pb"

now=$(date +%s%N)
t() { echo $((now - 600000000000 + $1 * 1000000000)); }  # ten minutes ago plus $1 seconds
cat > "$TMPDIR_E2E/cat.push.json" <<EOF
{"streams":[
 {"stream":{"app":"web","env":"prod"},"values":[
   ["$(t 1)","level=info msg=one",{"trace_id":"abc"}],
   ["$(t 2)","level=error msg=two",{"trace_id":"def","user":"u1"}],
   ["$(t 3)","level=info msg=three"],
   ["$(t 4)","{\"not\":\"logfmt",{"app":"shadow"}]]},
 {"stream":{"app":"db","env":"prod"},"values":[["$(t 5)","plain line"]]}]}
EOF
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @"$TMPDIR_E2E/cat.push.json" "$ua/loki/api/v1/push")
expect_eq "categorize: JSON push with structured metadata accepted" 204 "$code"

cq() {  # url query [extra curl args...]: query_range over the last hour, forward
  local u=$1 q=$2
  shift 2
  curl -s -G "$u/loki/api/v1/query_range" --data-urlencode "query=$q" --data-urlencode "start=$((now - 3600000000000))" \
    --data-urlencode "end=$now" --data-urlencode direction=forward "$@"
}
flag=(-H 'X-Loki-Response-Encoding-Flags: categorize-labels')

cq "$ua" '{env="prod"}' "${flag[@]}" > "$TMPDIR_E2E/cat.json"
expect_eq "categorize: the answer has the shape of Loki's categorized answer" ok \
  "$(python3 "$here/../tools/json_shape.py" "$cat_fixtures/query_range.json" "$TMPDIR_E2E/cat.json")"
expect_eq "categorize: streams by stream labels only; metadata per entry, empty categories left out" \
  'flags=["categorize-labels"]
{"app": "db", "env": "prod"} ["plain line", {}]
{"app": "web", "env": "prod"} ["level=info msg=one", {"structuredMetadata": {"trace_id": "abc"}}] ["level=error msg=two", {"structuredMetadata": {"trace_id": "def", "user": "u1"}}] ["level=info msg=three", {}] ["{\"not\":\"logfmt", {"structuredMetadata": {"app_extracted": "shadow"}}]' \
  "$(python3 - "$TMPDIR_E2E/cat.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["data"]
print("flags=" + json.dumps(d.get("encodingFlags")))
for s in d["result"]:
    print(json.dumps(s["stream"], sort_keys=True), " ".join(json.dumps(v[1:], sort_keys=True) for v in s["values"]))
PY
)"

cq "$ua" '{app="web"} | logfmt' "${flag[@]}" > "$TMPDIR_E2E/cat.logfmt.json"
expect_eq "categorize: parser labels are 'parsed'; the stream keeps its labels" \
  '{"app": "web", "env": "prod"} {"parsed": {"level": "info", "msg": "one"}, "structuredMetadata": {"trace_id": "abc"}}
{"app": "web", "env": "prod"} {"parsed": {"level": "error", "msg": "two"}, "structuredMetadata": {"trace_id": "def", "user": "u1"}}
{"app": "web", "env": "prod"} {"parsed": {"level": "info", "msg": "three"}}
{"app": "web", "env": "prod"} {"structuredMetadata": {"app_extracted": "shadow"}}' \
  "$(python3 - "$TMPDIR_E2E/cat.logfmt.json" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["data"]["result"]:
    for v in s["values"]:
        print(json.dumps(s["stream"], sort_keys=True), json.dumps(v[2], sort_keys=True))
PY
)"

cq "$ua" '{app="web"} | json' "${flag[@]}" > "$TMPDIR_E2E/cat.json_err.json"
expect_eq "categorize: a parser's __error__ and __error_details__ are parsed labels" \
  '4 entries in {"app": "web", "env": "prod"}: JSONParserErr with details' \
  "$(python3 - "$TMPDIR_E2E/cat.json_err.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
errs = {v[2]["parsed"]["__error__"] + (" with details" if v[2]["parsed"].get("__error_details__") else "")
        for s in r for v in s["values"]}
print("%d entries in %s: %s" % (sum(len(s["values"]) for s in r), " ".join(json.dumps(s["stream"], sort_keys=True) for s in r),
                                ",".join(sorted(errs))))
PY
)"

cq "$ua" '{env="prod"}' > "$TMPDIR_E2E/plain.json"
expect_eq "categorize: without the header, Loki's plain answer: labels merged, [ts, line] values" \
  '5 streams, values of 2, no encodingFlags, trace_id in stream labels: True' \
  "$(python3 - "$TMPDIR_E2E/plain.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["data"]
lens = {len(v) for s in d["result"] for v in s["values"]}
print("%d streams, values of %s, %s, trace_id in stream labels: %s" % (
    len(d["result"]), ",".join(map(str, sorted(lens))),
    "encodingFlags" if "encodingFlags" in d else "no encodingFlags",
    any("trace_id" in s["stream"] for s in d["result"])))
PY
)"

metric='sum by (app) (count_over_time({env="prod"}[1h]))'
result_of() { python3 -c 'import json,sys; d=json.load(sys.stdin)["data"]; print(json.dumps(d["result"]), "encodingFlags" in d)'; }
expect_eq "categorize: a metric query ignores the flag, as Loki does" \
  "$(curl -s -G "$ua/loki/api/v1/query" --data-urlencode "query=$metric" --data-urlencode "time=$now" | result_of)" \
  "$(curl -s -G "$ua/loki/api/v1/query" --data-urlencode "query=$metric" --data-urlencode "time=$now" "${flag[@]}" | result_of)"

# logcli asks for the categories: jsonl keeps structured metadata apart, so push gives it back
# as metadata, and the copy answers exactly what the original does.
jsonl() { logcli --addr="$1" --quiet -o jsonl -z UTC query '{env="prod"}' --forward --since=1h --limit=0; }
jsonl "$ua" > "$TMPDIR_E2E/a.jsonl"
expect_contains "categorize: logcli -o jsonl prints structured_metadata apart from the labels" \
  '{"labels":{"app":"web","env":"prod"},"line":"level=info msg=one","structured_metadata":{"trace_id":"abc"},"timestamp":' \
  "$(cat "$TMPDIR_E2E/a.jsonl")"
logcli --addr="$ub" --quiet push < "$TMPDIR_E2E/a.jsonl" > "$TMPDIR_E2E/push.out" 2>&1
expect_eq "categorize: query -o jsonl | push exits 0" 0 "$?"
expect_eq "categorize: the copy's stream labels are the original's (no metadata turned into labels)" "app env" \
  "$(logcli --addr="$ub" --quiet labels --since=1h | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "categorize: the copy answers the same entries, labels, metadata and timestamps" \
  "$(cat "$TMPDIR_E2E/a.jsonl")" "$(jsonl "$ub")"
cq "$ub" '{env="prod"}' "${flag[@]}" > "$TMPDIR_E2E/b.cat.json"
expect_eq "categorize: ... and the same categorized answer (stats aside)" \
  "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["data"]["result"]))' "$TMPDIR_E2E/cat.json")" \
  "$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["data"]["result"]))' "$TMPDIR_E2E/b.cat.json")"
expect_eq "categorize: logcli's default output shows the metadata among the labels, as before" 1 \
  "$(logcli --addr="$ua" --quiet -z UTC query '{env="prod"}' --since=1h --limit=0 2>/dev/null | grep -c 'trace_id="abc"')"

# Loki's categorized answer from a fixture server; the header logcli sent is recorded.
fport=$(free_port)
cat > "$TMPDIR_E2E/fixture_server.py" <<'PY'
import http.server, sys, urllib.parse
port, answer, plain, seen = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query).get("query", [""])[0]
        with open(seen, "a") as f:
            f.write("%s %s\n" % (u.path, self.headers.get("X-Loki-Response-Encoding-Flags", "-")))
        body = open(plain if "plain" in q else answer, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
python3 "$TMPDIR_E2E/fixture_server.py" "$fport" "$cat_fixtures/loki_answer.json" "$cat_fixtures/loki_answer_plain.json" \
  "$TMPDIR_E2E/seen" &
cat_pids+=("$!")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$fport/" && break; sleep 0.05; done
furl="http://127.0.0.1:$fport"
# --limit=3: one page (the fixture answers the same whatever the range).
fq() { logcli --addr="$furl" --quiet -z UTC "$@" --limit=3 --from=2023-11-14T22:00:00Z --to=2023-11-14T23:00:00Z; }
expect_eq "categorize: logcli -o jsonl on Loki's categorized answer" \
  '{"labels":{"env":"prod","level":"error","msg":"card declined","service_name":"checkout"},"line":"level=error msg=\"card declined\"","structured_metadata":{"span_id":"00f067aa","trace_id":"4bf92f35"},"timestamp":"2023-11-14T22:13:22Z"}
{"labels":{"env":"prod","level":"info","msg":"paid","service_name":"checkout"},"line":"level=info msg=paid","timestamp":"2023-11-14T22:13:21Z"}
{"labels":{"env":"prod","service_name":"cart"},"line":"item added","structured_metadata":{"trace_id":"a3ce929d"},"timestamp":"2023-11-14T22:13:20Z"}' \
  "$(fq -o jsonl query '{env="prod"} | logfmt')"
expect_eq "categorize: logcli sent the categorize-labels flag" "/loki/api/v1/query_range categorize-labels" \
  "$(grep query_range "$TMPDIR_E2E/seen" | head -1)"
expect_eq "categorize: default output merges the categories into the labels, as Loki's logcli prints them" \
  '2023-11-14T22:13:22Z {level="error", msg="card declined", service_name="checkout", span_id="00f067aa", trace_id="4bf92f35"} level=error msg="card declined"
2023-11-14T22:13:21Z {level="info", msg="paid", service_name="checkout"} level=info msg=paid
2023-11-14T22:13:20Z {service_name="cart", trace_id="a3ce929d"} item added' \
  "$(fq query '{env="prod"} | logfmt' 2>/dev/null | tr -s ' ')"
expect_eq "categorize: a server's plain answer still reads (labels merged, nothing apart)" \
  '{"labels":{"env":"prod","service_name":"cart","trace_id":"a3ce929d"},"line":"item added","timestamp":"2023-11-14T22:13:20Z"}' \
  "$(fq -o jsonl query '{env="plain"}')"
summary
