# logd end to end: a real logd on a free loopback port, driven through Loki's HTTP API with curl
# (JSON, gzip, protobuf+snappy pushes; every query endpoint; tail over WebSocket; bad inputs;
# multi-tenancy). Every logd started here is killed by the trap.
logd_pids=()
logd_cleanup() { for p in "${logd_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'logd_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

logd_free_port() { free_port; }
# logd_start DIR PORT [FLAGS...]: starts logd, waits for /ready; sets logd_pid.
logd_start() { start_logd "$@" || return 1; logd_pid=$started_logd_pid; logd_pids+=("$logd_pid"); }

# A protobuf+snappy push body (logproto.PushRequest), encoded here so the test needs no extra
# tool: protobuf by hand, snappy as literal-only blocks (valid snappy).
cat > "$TMPDIR_E2E/pbpush.py" <<'PY'
import sys
def varint(n):
    out = b""
    while True:
        b = n & 0x7f; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])
def field(num, data): return varint(num << 3 | 2) + varint(len(data)) + data
def vfield(num, n): return varint(num << 3) + varint(n)
def snappy(raw):
    out = varint(len(raw))
    for i in range(0, len(raw), 65536):
        chunk = raw[i:i+65536]
        out += bytes([61 << 2]) + (len(chunk) - 1).to_bytes(2, "little") + chunk
    return out
labels, ns, line = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
ts = vfield(1, ns // 10**9) + vfield(2, ns % 10**9)
entry = field(1, ts) + field(2, line)
stream = field(1, labels.encode()) + field(2, entry)
body = snappy(field(1, stream))
if len(sys.argv) > 4 and sys.argv[4] == "truncate": body = snappy(field(1, stream)[:-3])
sys.stdout.buffer.write(body)
PY

# A minimal WebSocket client (RFC 6455) for /loki/api/v1/tail: prints each text message.
cat > "$TMPDIR_E2E/wstail.py" <<'PY'
import base64, os, socket, sys, time
port, path, want, timeout = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, key)).encode())
buf = b""
while b"\r\n\r\n" not in buf: buf += s.recv(4096)
head, buf = buf.split(b"\r\n\r\n", 1)
if b" 101 " not in head.split(b"\r\n")[0]: print("handshake failed:", head.split(b"\r\n")[0].decode()); sys.exit(1)
open(sys.argv[5], "w").write("connected\n")
def need(n):
    global buf
    while len(buf) < n:
        d = s.recv(65536)
        if not d: raise EOFError
        buf += d
    r, buf = buf[:n], buf[n:]; return r
got = 0; deadline = time.time() + timeout
while got < want and time.time() < deadline:
    b0, b1 = need(2); n = b1 & 0x7f
    if n == 126: n = int.from_bytes(need(2), "big")
    elif n == 127: n = int.from_bytes(need(8), "big")
    payload = need(n)
    if b0 & 0x0f == 1: print(payload.decode()); got += 1; sys.stdout.flush()
    elif b0 & 0x0f == 8: print("closed:", payload[2:].decode()); break
PY

d=$TMPDIR_E2E/logd1
port=$(logd_free_port)
cat > "$d.yaml" <<YAML
limits_config:
  max_line_size: 100
  max_entries_limit_per_query: 1000
YAML
logd_start "$d" "$port" -config.file="$d.yaml"
url="http://127.0.0.1:$port"
now=$(date +%s%N)
t1=$((now - 3000000000)) t2=$((now - 2000000000)) t3=$((now - 1000000000))

code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
  '{"streams":[{"stream":{"app":"api","level":"info"},"values":[["'$t1'","GET /a 200"],["'$t2'","GET /b 500",{"trace_id":"abc"}]]},{"stream":{"app":"api","level":"info"},"values":[["'$t3'","GET /c 200"]]}]}' \
  "$url/loki/api/v1/push")
expect_eq "logd: JSON push answered 204" 204 "$code"
code=$(printf '%s' '{"streams":[{"stream":{"app":"db"},"values":[["'$t2'","slow query"]]}]}' | gzip |
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary @- "$url/loki/api/v1/push")
expect_eq "logd: gzip JSON push answered 204" 204 "$code"
python3 "$TMPDIR_E2E/pbpush.py" '{app="worker"}' "$t3" 'job done' > "$TMPDIR_E2E/pb.bin"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-protobuf' --data-binary @"$TMPDIR_E2E/pb.bin" "$url/loki/api/v1/push")
expect_eq "logd: protobuf+snappy push answered 204" 204 "$code"

out=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app="api"}' --data-urlencode direction=forward)
expect_contains "logd: query_range logs shape" '{"status":"success","data":{"resultType":"streams","result":[{"stream":{"app":"api","level":"info"' "$out"
expect_contains "logd: repeated label sets merged, entries in direction order" "[\"$t1\",\"GET /a 200\"]" "$out"
expect_contains "logd: structured metadata is a label of its entry's stream" '"trace_id":"abc"' "$out"
expect_contains "logd: stats summary present" '"stats":{"summary":{' "$out"
out=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app="worker"}')
expect_contains "logd: protobuf entry queryable" "[\"$t3\",\"job done\"]" "$out"
out=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query=sum by (app) (count_over_time({app=~"api|db"}[1m]))' \
  --data-urlencode "start=$((now - 60000000000))" --data-urlencode "end=$now" --data-urlencode step=30s)
expect_contains "logd: metric query_range matrix shape" '"resultType":"matrix","result":[{"metric":{"app":"api"},"values":[[' "$out"
out=$(curl -s -G "$url/loki/api/v1/query" --data-urlencode 'query=count_over_time({app="api"}[1m])' --data-urlencode "time=$now")
expect_contains "logd: instant query vector" '"resultType":"vector","result":[{"metric":{"app":"api","level":"info"},"value":[' "$out"
expect_contains "logd: structured metadata makes its own series, as in Loki" '{"metric":{"app":"api","level":"info","trace_id":"abc"},"value":[' "$out"
out=$(curl -s -G "$url/loki/api/v1/query" --data-urlencode 'query=sum(count_over_time({app="api"}[1m]))' --data-urlencode "time=$now")
expect_contains "logd: instant count is 3" '[{"metric":{},"value":[' "$out"
expect_contains "logd: instant count value" ',"3"]}]' "$out"
out=$(curl -s -G "$url/loki/api/v1/query" --data-urlencode 'query={app="api"}')
expect_contains "logd: instant log query is refused as Loki does" 'log queries are not supported as an instant query type' "$out"

expect_eq "logd: labels" '{"status":"success","data":["app","level"]}' "$(curl -s "$url/loki/api/v1/labels")"
expect_eq "logd: label values" '{"status":"success","data":["api","db","worker"]}' "$(curl -s "$url/loki/api/v1/label/app/values")"
expect_eq "logd: series GET" '{"status":"success","data":[{"app":"api","level":"info"},{"app":"db"}]}' \
  "$(curl -s -G "$url/loki/api/v1/series" --data-urlencode 'match[]={app="api"}' --data-urlencode 'match[]={app="db"}')"
expect_eq "logd: series POST form" '{"status":"success","data":[{"app":"worker"}]}' \
  "$(curl -s "$url/loki/api/v1/series" --data-urlencode 'match[]={app="worker"}')"
out=$(curl -s -G "$url/loki/api/v1/index/stats" --data-urlencode 'query={app="api"}')
expect_contains "logd: index/stats shape" '"entries":3,' "$out"
expect_eq "logd: format_query" '{"status":"success","data":"{app=\"x\"} |= \"y\""}' \
  "$(curl -s -G "$url/loki/api/v1/format_query" --data-urlencode 'query={app="x"}|="y"')"
expect_contains "logd: buildinfo" '"version":' "$(curl -s "$url/loki/api/v1/status/buildinfo")"

# Bad inputs: a clear 4xx each, and nothing accepted before is lost.
status_of() { curl -s -o "$TMPDIR_E2E/body" -w '%{http_code}' "$@"; }
expect_eq "logd: malformed JSON is 400" 400 "$(status_of -H 'Content-Type: application/json' --data-binary '{"streams":[' "$url/loki/api/v1/push")"
expect_eq "logd: wrong content type is 415" 415 "$(status_of -H 'Content-Type: text/plain' --data-binary 'x' "$url/loki/api/v1/push")"
python3 "$TMPDIR_E2E/pbpush.py" '{app="worker"}' "$t3" 'job done' truncate > "$TMPDIR_E2E/pbt.bin"
expect_eq "logd: truncated protobuf is 400" 400 "$(status_of -H 'Content-Type: application/x-protobuf' --data-binary @"$TMPDIR_E2E/pbt.bin" "$url/loki/api/v1/push")"
expect_eq "logd: bad snappy is 400" 400 "$(status_of -H 'Content-Type: application/x-protobuf' --data-binary 'not snappy at all' "$url/loki/api/v1/push")"
printf '{"streams":[{"stream":{"app":"x"},"values":[["%s","bad \xff\xfe utf8"]]}]}' "$t1" > "$TMPDIR_E2E/badutf8.json"
expect_eq "logd: invalid UTF-8 is 400" 400 "$(status_of -H 'Content-Type: application/json' --data-binary @"$TMPDIR_E2E/badutf8.json" "$url/loki/api/v1/push")"
long=$(printf 'x%.0s' $(seq 1 150))
expect_eq "logd: oversized line is 400" 400 "$(status_of -H 'Content-Type: application/json' --data-binary '{"streams":[{"stream":{"app":"x"},"values":[["'$t1'","'$long'"]]}]}' "$url/loki/api/v1/push")"
expect_contains "logd: oversized line message is Loki's" "Max entry size '100' bytes exceeded" "$(cat "$TMPDIR_E2E/body")"
expect_eq "logd: GET push is 405" 405 "$(status_of "$url/loki/api/v1/push")"
expect_eq "logd: limit over max_entries_limit_per_query is 400" 400 "$(status_of -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app="api"}' --data-urlencode limit=5000)"
expect_eq "logd: max entries message" 'max entries limit per query exceeded, limit > max_entries_limit_per_query (5000 > 1000)' "$(cat "$TMPDIR_E2E/body")"
expect_eq "logd: bad query is 400" 400 "$(status_of -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app=')"
expect_eq "logd: bad time is 400" 400 "$(status_of -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app="api"}' --data-urlencode start=yesterday)"
out=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app="api"}')
expect_contains "logd: earlier data intact after bad inputs" 'GET /c 200' "$out"

# Tail: the client connects, then a push reaches it.
python3 "$TMPDIR_E2E/wstail.py" "$port" '/loki/api/v1/tail?query=%7Bapp%3D%22tailme%22%7D&limit=10' 1 10 "$TMPDIR_E2E/tail.ready" > "$TMPDIR_E2E/tail.out" 2>&1 &
tail_pid=$!
for _ in $(seq 1 100); do [ -s "$TMPDIR_E2E/tail.ready" ] && break; sleep 0.05; done
sleep 0.3
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary \
  '{"streams":[{"stream":{"app":"tailme"},"values":[["'$(date +%s%N)'","live line"]]}]}' "$url/loki/api/v1/push"
wait "$tail_pid"
expect_contains "logd: tail delivers pushed entries" '{"streams":[{"stream":{"app":"tailme"},"values":[["' "$(cat "$TMPDIR_E2E/tail.out")"
expect_contains "logd: tail line" '"live line"]]}]}' "$(cat "$TMPDIR_E2E/tail.out")"

out=$(curl -s "$url/metrics")
expect_contains "logd: /metrics lines received per tenant" 'loki_distributor_lines_received_total{tenant="fake"}' "$out"
expect_contains "logd: /metrics discarded by reason" 'loki_discarded_samples_total{reason="line_too_long",tenant="fake"} 1' "$out"
expect_contains "logd: /metrics WAL bytes" 'loki_ingester_wal_bytes_written_total' "$out"
kill "$logd_pid"; wait "$logd_pid" 2>/dev/null

# Multi-tenancy: auth_enabled requires X-Scope-OrgID; tenants are isolated; a|b queries both.
d=$TMPDIR_E2E/logd2
port=$(logd_free_port)
logd_start "$d" "$port" -auth.enabled
url="http://127.0.0.1:$port"
push_as() { status_of -H 'Content-Type: application/json' -H "X-Scope-OrgID: $1" --data-binary \
  '{"streams":[{"stream":{"app":"shared"},"values":[["'$t1'","'"$2"'"]]}]}' "$url/loki/api/v1/push"; }
expect_eq "logd auth: push without org id is 401" 401 "$(status_of -H 'Content-Type: application/json' --data-binary '{"streams":[]}' "$url/loki/api/v1/push")"
expect_eq "logd auth: no org id message" 'no org id' "$(cat "$TMPDIR_E2E/body")"
expect_eq "logd auth: tenant a push" 204 "$(push_as a 'from a')"
expect_eq "logd auth: tenant b push" 204 "$(push_as b 'from b')"
expect_eq "logd auth: hostile tenant ../x is 400" 400 "$(push_as '../x' 'evil')"
expect_eq "logd auth: hostile tenant a/b is 400" 400 "$(push_as 'a/b' 'evil')"
expect_eq "logd auth: too long tenant is 400" 400 "$(push_as "$(printf 'a%.0s' $(seq 1 151))" 'evil')"
out=$(curl -s -G -H 'X-Scope-OrgID: a' "$url/loki/api/v1/query_range" --data-urlencode 'query={app="shared"}')
expect_contains "logd auth: tenant a sees its line" 'from a' "$out"
[[ "$out" != *"from b"* ]]; expect_eq "logd auth: tenant a does not see b's line" 0 $?
out=$(curl -s -G -H 'X-Scope-OrgID: a|b' "$url/loki/api/v1/query_range" --data-urlencode 'query={app="shared"}')
expect_contains "logd auth: a|b query labels streams with __tenant_id__ (a)" '{"__tenant_id__":"a","app":"shared"}' "$out"
expect_contains "logd auth: a|b query labels streams with __tenant_id__ (b)" '{"__tenant_id__":"b","app":"shared"}' "$out"
out=$(curl -s -G -H 'X-Scope-OrgID: a|b' "$url/loki/api/v1/query_range" --data-urlencode 'query={app="shared", __tenant_id__="b"}')
[[ "$out" != *"from a"* && "$out" == *"from b"* ]]; expect_eq "logd auth: __tenant_id__ matcher selects tenants" 0 $?
expect_eq "logd auth: label values of another tenant are empty" '{"status":"success","data":[]}' \
  "$(curl -s -H 'X-Scope-OrgID: c' "$url/loki/api/v1/label/app/values")"
kill "$logd_pid"; wait "$logd_pid" 2>/dev/null

expect_status "logd: -target=read without a ring is refused" 1 logd -target=read
out=$(logd -print-config -server.http-listen-port=4100)
expect_contains "logd: -print-config prints the effective YAML" 'http_listen_port: 4100' "$out"

# -log.level filters logd's own log lines; debug adds a line per request.
lvd=$TMPDIR_E2E/loglevel
lvp=$(free_port)
start_logd "$lvd-warn" "$lvp" -log.level=warn
curl -s "http://127.0.0.1:$lvp/loki/api/v1/labels" >/dev/null
kill "$started_logd_pid"; wait "$started_logd_pid"
expect_eq "logd: -log.level=warn writes no info lines" "" "$(grep 'level=info' "$lvd-warn.log")"
start_logd "$lvd-debug" "$lvp" -log.level=debug
curl -s "http://127.0.0.1:$lvp/loki/api/v1/labels" >/dev/null
kill "$started_logd_pid"; wait "$started_logd_pid"
expect_contains "logd: -log.level=debug logs each request" \
  'level=debug' "$(grep 'msg="request" method=GET path="/loki/api/v1/labels" status=200' "$lvd-debug.log")"
expect_contains "logd: -log.level=debug keeps the info lines" 'msg="logd listening"' \
  "$(grep 'level=info' "$lvd-debug.log")"
expect_status "logd: an unknown -log.level is refused" 1 logd -log.level=verbose -server.http-listen-port=0 \
  -common.path-prefix="$lvd-bad"
