# logtail end to end, the gelf source: GELF messages sent over UDP (plain, gzip, and a zlib
# message in chunks sent out of order) reach logd with the job's labels and relabeled
# __gelf_message_* labels; the line is the message as go-gelf writes it; a luhn stage in the
# pipeline redacts a card number; a datagram that is not GELF is skipped.
source "$here/logtail_lib.sh"

g=$TMPDIR_E2E/lt-gelf
mkdir -p "$g/logd"
gp=$(lt_free_port)
lt_logd_start "$g/logd" "$gp"
udp=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$g/lt.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0}
positions: {filename: $g/positions.yaml}
clients: [{url: "http://127.0.0.1:$gp/loki/api/v1/push", batchwait: 100ms}]
scrape_configs:
  - job_name: gelf
    gelf:
      listen_address: 127.0.0.1:$udp
      labels: {job: gelf}
    relabel_configs:
      - {source_labels: [__gelf_message_host], target_label: host}
      - {source_labels: [__gelf_message_level], target_label: level}
    pipeline_stages:
      - luhn: {}
YAML
lt_start "$g/lt.log" -config.file="$g/lt.yaml"
lt_wait_http "http://$lt_http/ready" "" || true

python3 - "$udp" <<'PY'
import gzip, json, socket, sys, time, zlib
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
send = lambda b: s.sendto(b, ("127.0.0.1", port))
send(json.dumps({"version": "1.1", "host": "web-1", "short_message": "plain one", "level": 6,
                 "timestamp": 1385053862.3072, "_request_id": 42}).encode())
send(gzip.compress(json.dumps({"version": "1.1", "host": "web-2", "short_message": "paid with 4111111111111111",
                               "level": 3}).encode()))
send(b"this is not gelf")
big = zlib.compress(json.dumps({"version": "1.1", "host": "web-3", "short_message": "chunked " + "x" * 4000,
                                "level": 4}).encode())
n = 3
per = (len(big) + n - 1) // n
chunks = [b"\x1e\x0f" + b"MSGID-01" + bytes([i, n]) + big[i * per:(i + 1) * per] for i in range(n)]
for i in (2, 0, 1):
    send(chunks[i])
PY

lt_wait_lines "$gp" '{job="gelf"}' 3
expect_eq "logtail gelf: a plain message, written back as go-gelf writes it" \
  '{"version":"1.1","host":"web-1","short_message":"plain one","timestamp":1385053862.3072,"level":6,"_request_id":42}' \
  "$(lt_lines "$gp" '{job="gelf", host="web-1", level="informational"}')"
expect_eq "logtail gelf: a gzip message, its card number redacted by the luhn stage" \
  '{"version":"1.1","host":"web-2","short_message":"paid with **REDACTED**","timestamp":0,"level":3}' \
  "$(lt_lines "$gp" '{job="gelf", host="web-2", level="error"}')"
expect_eq "logtail gelf: a zlib message in chunks sent out of order" \
  "1" "$(lt_lines "$gp" '{job="gelf", host="web-3", level="warning"} |= "chunked xxxx"' | wc -l)"
expect_eq "logtail gelf: what is not GELF is skipped" "3" "$(lt_lines "$gp" '{job="gelf"}' | wc -l)"

kill -TERM "$lt_pid"
wait "$lt_pid"
expect_eq "logtail gelf: SIGTERM exits 0" 0 $?
