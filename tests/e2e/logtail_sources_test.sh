# logtail end to end, listening sources: Debian's `logger` sends syslog (TCP RFC 5424 with newline
# and octet-counting framing, UDP RFC 3164) to logtail, and curl pushes Loki JSON to logtail's
# loki_push_api; everything goes through the scrape config's relabeling and pipeline into a real
# logd. Unknown keys in these blocks fail at startup naming the key.
source "$here/logtail_lib.sh"

d=$TMPDIR_E2E/lt-sources
mkdir -p "$d/logd"
lp=$(lt_free_port)
sp=$(lt_free_port)
up=$(lt_free_port)
pp=$(lt_free_port)
lt_logd_start "$d/logd" "$lp"
cat >"$d/sources.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $d/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push", batchwait: 100ms}]
scrape_configs:
  - job_name: syslog-tcp
    syslog:
      listen_address: 127.0.0.1:$sp
      idle_timeout: 60s
      label_structured_data: true
      labels: {job: syslog}
    relabel_configs:
      - source_labels: [__syslog_message_app_name]
        target_label: app
      - source_labels: [__syslog_message_severity]
        target_label: level
      - source_labels: [__syslog_message_sd_zoo_32473_tiger]
        target_label: tiger
    pipeline_stages:
      - regex: {expression: 'n=(?P<n>\\d+)'}
      - labels: {n:}
  - job_name: syslog-udp
    syslog:
      listen_address: 127.0.0.1:$up
      listen_protocol: udp
      syslog_format: rfc3164
      labels: {job: syslog-udp}
    relabel_configs:
      - source_labels: [__syslog_message_facility]
        target_label: facility
  - job_name: push
    loki_push_api:
      server: {http_listen_address: 127.0.0.1, http_listen_port: $pp, grpc_listen_port: 0}
      labels: {pushserver: push1}
      use_incoming_timestamp: true
YAML
lt_start "$d/lt.log" -config.file="$d/sources.yaml"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$pp/ready" >/dev/null 2>&1 && break; sleep 0.05; done

logger --tcp --server 127.0.0.1 --port "$sp" --rfc5424 -t web -p local0.warning \
  --sd-id zoo@32473 --sd-param 'tiger="hungry"' 'newline framed n=1'
logger --tcp --octet-count --server 127.0.0.1 --port "$sp" --rfc5424 -t web -p local0.info 'octet counted n=2'
logger --udp --server 127.0.0.1 --port "$up" --rfc3164 -t bsd -p mail.err 'over udp'
now=$(date +%s%N)
curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-raw "{\"streams\":[{\"stream\":{\"app\":\"relayed\"},\"values\":[[\"$now\",\"pushed line\"]]}]}" \
  "http://127.0.0.1:$pp/loki/api/v1/push" >"$d/push.status"

# rsyslog (unprivileged, foreground) receives RFC 3164 over UDP and forwards it to logtail as
# RFC 5424 with octet-counted TCP framing, as a node's rsyslog would.
have_rsyslog=""
if command -v rsyslogd >/dev/null 2>&1; then
  have_rsyslog=1
  rsp=$(lt_free_port)
  mkdir -p "$d/rsyslog"
  cat >"$d/rsyslog.conf" <<CONF
global(workDirectory="$d/rsyslog")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$rsp")
action(type="omfwd" target="127.0.0.1" port="$sp" protocol="tcp" TCP_Framing="octet-counted"
       template="RSYSLOG_SyslogProtocol23Format")
CONF
  rsyslogd -n -f "$d/rsyslog.conf" -i "$d/rsyslog/pid" 2>>"$d/rsyslog.log" &
  lt_pids+=($!)
  sleep 1
  logger --udp --server 127.0.0.1 --port "$rsp" --rfc3164 -t viarsyslog -p local0.notice 'forwarded n=3'
else
  echo "rsyslogd not installed: rsyslog forwarding not tested" >&2
fi

lt_wait_lines "$lp" '{job="syslog"}' 2
lt_wait_lines "$lp" '{job="syslog-udp"}' 1
lt_wait_lines "$lp" '{pushserver="push1"}' 1
expect_eq "logtail sources: syslog TCP newline framing, structured data and severity labels, pipeline label" \
  "newline framed n=1" "$(lt_lines "$lp" '{job="syslog", app="web", level="warning", tiger="hungry", n="1"}')"
expect_eq "logtail sources: syslog TCP octet counting" \
  "octet counted n=2" "$(lt_lines "$lp" '{job="syslog", app="web", level="informational", n="2"}')"
if [ -n "$have_rsyslog" ]; then
  lt_wait_lines "$lp" '{job="syslog", app="viarsyslog"}' 1
  # rsyslog keeps the space that followed the RFC 3164 tag in MSG.
  expect_eq "logtail sources: rsyslog forwarding (RFC 5424, octet counting) into logtail" \
    " forwarded n=3" "$(lt_lines "$lp" '{job="syslog", app="viarsyslog", level="notice", n="3"}')"
fi
expect_eq "logtail sources: syslog UDP RFC 3164 with facility label" \
  "over udp" "$(lt_lines "$lp" '{job="syslog-udp", facility="mail"}')"
expect_eq "logtail sources: loki_push_api answers 204" "204" "$(cat "$d/push.status")"
expect_eq "logtail sources: a push relayed through logtail to logd, with the configured labels" \
  "pushed line" "$(lt_lines "$lp" '{app="relayed", pushserver="push1"}')"
kill "$lt_pid"
wait "$lt_pid" 2>/dev/null

# Syslog over TLS (tls_config): certificates from the openssl CLI. openssl s_client sends
# newline-framed messages; rsyslog (gtls driver) forwards octet-counted ones with a client
# certificate to the listener that has ca_file, which refuses a client without one.
t=$TMPDIR_E2E/lt-syslog-tls
mkdir -p "$t"
(
  cd "$t" || exit 1
  key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >san.ext
  openssl req -x509 $key -keyout ca.key -out ca.crt -days 2 -subj /CN=e2e-ca
  for n in server client; do
    openssl req $key -keyout $n.key -out $n.csr -subj /CN=$n
    openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out $n.crt
  done
) >/dev/null 2>&1
tp=$(lt_free_port)
mp=$(lt_free_port)
cat >"$t/lt.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $t/positions.yaml}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push", batchwait: 100ms}]
scrape_configs:
  - job_name: syslog-tls
    syslog:
      listen_address: 127.0.0.1:$tp
      labels: {job: syslog-tls}
      tls_config: {cert_file: $t/server.crt, key_file: $t/server.key}
    relabel_configs:
      - {source_labels: [__syslog_message_app_name], target_label: app}
      - {source_labels: [__syslog_message_severity], target_label: level}
  - job_name: syslog-mtls
    syslog:
      listen_address: 127.0.0.1:$mp
      labels: {job: syslog-mtls}
      tls_config: {cert_file: $t/server.crt, key_file: $t/server.key, ca_file: $t/ca.crt}
    relabel_configs:
      - {source_labels: [__syslog_message_app_name], target_label: app}
YAML
lt_start "$t/lt.log" -config.file="$t/lt.yaml"
s_client() {  # PORT [OPENSSL ARGS...]: stdin to the listener, closing at its end
  local port=$1
  shift
  openssl s_client -quiet -no_ign_eof -connect "127.0.0.1:$port" -CAfile "$t/ca.crt" -verify_return_error "$@" \
    >/dev/null 2>&1
}
printf '<165>1 2024-05-06T07:08:09Z h1 tlsapp - - - first over tls\n<165>1 2024-05-06T07:08:10Z h1 tlsapp - - - second over tls\n' |
  s_client "$tp"
printf '<14>1 2024-05-06T07:08:09Z h1 nocert - - - without a client certificate\n' | s_client "$mp"
printf '<14>1 2024-05-06T07:08:09Z h1 withcert - - - with a client certificate\n' |
  s_client "$mp" -cert "$t/client.crt" -key "$t/client.key"
lt_wait_lines "$lp" '{job="syslog-tls"}' 2
expect_eq "logtail syslog TLS: newline-framed messages over TLS, with their __syslog_* labels" \
  "$(printf 'first over tls\nsecond over tls')" "$(lt_lines "$lp" '{job="syslog-tls", app="tlsapp", level="notice"}')"
if [ -n "$have_rsyslog" ] && ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1; then
  rtp=$(lt_free_port)
  mkdir -p "$t/rsyslog"
  cat >"$t/rsyslog.conf" <<CONF
global(workDirectory="$t/rsyslog" DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="$t/ca.crt"
       DefaultNetstreamDriverCertFile="$t/client.crt" DefaultNetstreamDriverKeyFile="$t/client.key")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$rtp")
action(type="omfwd" target="127.0.0.1" port="$mp" protocol="tcp" TCP_Framing="octet-counted"
       StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/certvalid"
       template="RSYSLOG_SyslogProtocol23Format")
CONF
  rsyslogd -n -f "$t/rsyslog.conf" -i "$t/rsyslog/pid" 2>>"$t/rsyslog.log" &
  lt_pids+=($!)
  sleep 1
  logger --udp --server 127.0.0.1 --port "$rtp" --rfc3164 -t viagtls -p local0.notice 'forwarded over tls'
  lt_wait_lines "$lp" '{job="syslog-mtls", app="viagtls"}' 1
  expect_eq "logtail syslog TLS: rsyslog's gtls forwarding (octet counting, client certificate)" \
    " forwarded over tls" "$(lt_lines "$lp" '{job="syslog-mtls", app="viagtls"}')"
else
  echo "rsyslog's gtls driver (rsyslog-gnutls) not installed: rsyslog TLS forwarding not tested" >&2
fi
lt_wait_lines "$lp" '{job="syslog-mtls", app="withcert"}' 1
expect_eq "logtail syslog TLS: with ca_file, a client certificate from the CA is served" \
  "with a client certificate" "$(lt_lines "$lp" '{job="syslog-mtls", app="withcert"}')"
expect_eq "logtail syslog TLS: with ca_file, a client without a certificate is refused" \
  "" "$(lt_lines "$lp" '{job="syslog-mtls", app="nocert"}')"
kill "$lt_pid"
wait "$lt_pid" 2>/dev/null

# Strict keys: a typo in a syslog block is an error naming it; nothing starts.
cat >"$d/bad.yaml" <<YAML
server: {http_listen_port: 0}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push"}]
scrape_configs:
  - job_name: s
    syslog: {listen_address: "127.0.0.1:$sp", lables: {job: x}}
YAML
out=$(logtail -config.file="$d/bad.yaml" 2>&1)
expect_contains "logtail sources: unknown syslog key is named" 'scrape_configs[0].syslog: unknown field "lables"' "$out"

# Reloading: SIGHUP swaps in a config with one more file and the same syslog port; positions carry
# over (every line exactly once); a bad config over POST /reload is a 500 naming the key and the
# running config keeps shipping.
r=$TMPDIR_E2E/lt-reload
mkdir -p "$r/logs"
rp=$(lt_free_port)
lt_seq ra 1 20 >"$r/logs/a.log"
lt_seq rb 1 10 >"$r/logs/b.log"
reload_config() {  # FILE GLOB
  cat >"$1" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0, enable_runtime_reload: true}
positions: {filename: $r/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push", batchwait: 100ms}]
scrape_configs:
  - job_name: files
    static_configs: [{labels: {job: reload, __path__: "$2"}}]
  - job_name: syslog
    syslog: {listen_address: "127.0.0.1:$rp", labels: {job: reload-syslog}}
YAML
}
reload_config "$r/lt.yaml" "$r/logs/a.log"
lt_start "$r/lt.log" -config.file="$r/lt.yaml"
lt_wait_lines "$lp" '{job="reload"}' 20
reload_config "$r/lt.yaml" "$r/logs/*.log"
kill -HUP "$lt_pid"
lt_seq ra 21 30 >>"$r/logs/a.log"
lt_wait_lines "$lp" '{job="reload", filename=~".*/b.log"}' 10
lt_wait_lines "$lp" '{job="reload", filename=~".*/a.log"}' 30
sleep 1
expect_eq "logtail reload: SIGHUP adds a file; the kept file resumes at its position (each line once)" \
  "$(lt_seq ra 1 30 | sort)" "$(lt_lines "$lp" '{job="reload", filename=~".*/a.log"}')"
expect_eq "logtail reload: the file added by the reload is shipped" \
  "$(lt_seq rb 1 10 | sort)" "$(lt_lines "$lp" '{job="reload", filename=~".*/b.log"}')"
expect_contains "logtail reload: logged" 'msg="reloaded config file"' "$(cat "$r/lt.log")"
logger --tcp --server 127.0.0.1 --port "$rp" --rfc5424 -t x 'after reload'
lt_wait_lines "$lp" '{job="reload-syslog"}' 1
expect_eq "logtail reload: the syslog listener is bound again after the reload" \
  "after reload" "$(lt_lines "$lp" '{job="reload-syslog"}')"

printf 'scrape_configs:\n  - job_name: x\n    syslog: {listen_address: ":1", lables: {}}\n' >"$r/lt.yaml"
status=$(curl -s -o "$r/reload.out" -w '%{http_code}' -X POST "http://$lt_http/reload")
expect_eq "logtail reload: a bad config over POST /reload is a 500" "500" "$status"
expect_contains "logtail reload: the error names the key" 'scrape_configs[0].syslog: unknown field "lables"' "$(cat "$r/reload.out")"
lt_seq ra 31 35 >>"$r/logs/a.log"
lt_wait_lines "$lp" '{job="reload", filename=~".*/a.log"}' 35
expect_eq "logtail reload: after a failed reload the running config keeps shipping" \
  "$(lt_seq ra 1 35 | sort)" "$(lt_lines "$lp" '{job="reload", filename=~".*/a.log"}')"
kill "$lt_pid"
wait "$lt_pid" 2>/dev/null

# Journal: journal files written by systemd-journal-remote from export-format input (no running
# journald); entries reach logd with relabeled __journal_* labels; the cursor is kept in the
# positions file, so a restart ships only what was appended meanwhile.
jr=/lib/systemd/systemd-journal-remote
if [ -x "$jr" ]; then
  j=$TMPDIR_E2E/lt-journal
  mkdir -p "$j/journal"
  journal_entries() {  # FROM TO: export-format entries "journal line N", one microsecond apart
    local base
    base=$(($(date +%s) * 1000000))
    for i in $(seq "$1" "$2"); do
      printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\nMESSAGE=journal line %s\nPRIORITY=4\n_SYSTEMD_UNIT=demo.service\n\n' \
        $((base + i)) "$i" "$i"
    done
  }
  journal_entries 1 5 | "$jr" -o "$j/journal/one.journal" - 2>/dev/null
  cat >"$j/lt.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $j/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push", batchwait: 100ms}]
scrape_configs:
  - job_name: journal
    journal: {path: "$j/journal", labels: {job: systemd-journal}}
    relabel_configs:
      - source_labels: [__journal__systemd_unit]
        target_label: unit
      - source_labels: [__journal_priority_keyword]
        target_label: level
YAML
  lt_start "$j/lt.log" -config.file="$j/lt.yaml"
  lt_wait_lines "$lp" '{job="systemd-journal"}' 5
  kill "$lt_pid"
  wait "$lt_pid" 2>/dev/null
  expect_eq "logtail journal: entries with their relabeled __journal_* labels" \
    "$(for i in 1 2 3 4 5; do echo "journal line $i"; done | sort)" \
    "$(lt_lines "$lp" '{job="systemd-journal", unit="demo.service", level="warning"}')"
  expect_contains "logtail journal: the cursor is kept in the positions file" "journal-journal:" "$(cat "$j/positions.yaml")"
  journal_entries 6 8 | "$jr" -o "$j/journal/two.journal" - 2>/dev/null
  lt_start "$j/lt2.log" -config.file="$j/lt.yaml"
  lt_wait_lines "$lp" '{job="systemd-journal"}' 8
  sleep 1
  kill "$lt_pid"
  wait "$lt_pid" 2>/dev/null
  expect_eq "logtail journal: a restart resumes after the cursor (every entry once)" \
    "$(for i in 1 2 3 4 5 6 7 8; do echo "journal line $i"; done | sort)" \
    "$(lt_lines "$lp" '{job="systemd-journal"}')"

  # matches: only entries with every matched field are shipped. Positions advance only on
  # acknowledgement: while logd is down the journal cursor stays out of the positions file; once
  # logd is up and has the entries, it is the cursor of the last one shipped.
  k=$TMPDIR_E2E/lt-journal-ack
  mkdir -p "$k/journal" "$k/logd"
  kp=$(lt_free_port)  # logd starts here only later
  base=$(($(date +%s) * 1000000))
  for e in "1 3 demo" "2 4 demo" "3 3 other" "4 3 demo" "5 6 demo"; do
    read -r i prio unit <<<"$e"
    printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\nMESSAGE=entry %s\nPRIORITY=%s\n_SYSTEMD_UNIT=%s.service\n\n' \
      $((base + i)) "$i" "$i" "$prio" "$unit"
  done | "$jr" -o "$k/journal/m.journal" - 2>/dev/null
  cat >"$k/lt.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $k/positions.yaml, sync_period: 100ms}
clients:
  - url: "http://127.0.0.1:$kp/loki/api/v1/push"
    batchwait: 100ms
    backoff_config: {min_period: 100ms, max_period: 300ms, max_retries: 1000}
scrape_configs:
  - job_name: journal-ack
    journal:
      path: "$k/journal"
      matches: "_SYSTEMD_UNIT=demo.service PRIORITY=3 PRIORITY=6"
      labels: {job: journal-ack}
YAML
  lt_start "$k/lt.log" -config.file="$k/lt.yaml"
  # The entries were read and pushed at least once (and failed: nothing listens on $kp).
  for _ in $(seq 1 100); do
    curl -s "http://$lt_http/metrics" | grep -Eq '^promtail_batch_retries_total\{.*\} [1-9]' && break
    sleep 0.1
  done
  sleep 0.5  # several positions sync periods
  expect_eq "logtail journal: logd down, the entries were read and retried" "1" \
    "$(curl -s "http://$lt_http/metrics" | grep -Ec '^promtail_batch_retries_total\{.*\} [1-9]')"
  expect_eq "logtail journal: logd down, the positions file is written without the cursor" "yes:" \
    "$([ -f "$k/positions.yaml" ] && echo yes):$(grep -F journal-journal-ack "$k/positions.yaml")"
  lt_logd_start "$k/logd" "$kp"
  lt_wait_lines "$kp" '{job="journal-ack"}' 3
  last_cursor=$(journalctl -D "$k/journal" -o export -n 1 2>/dev/null | sed -n 's/^__CURSOR=//p')
  for _ in $(seq 1 100); do
    grep -qF "$last_cursor" "$k/positions.yaml" 2>/dev/null && break
    sleep 0.1
  done
  expect_contains "logtail journal: once logd has the entries, the last one's cursor is saved" \
    "journal-journal-ack: \"$last_cursor\"" "$(cat "$k/positions.yaml")"
  expect_eq "logtail journal: matches (AND across fields, OR within one) ship only matching entries" \
    "$(printf 'entry 1\nentry 4\nentry 5')" "$(lt_lines "$kp" '{job="journal-ack"}')"
  kill "$lt_pid"
  wait "$lt_pid" 2>/dev/null
else
  echo "systemd-journal-remote not installed: journal e2e skipped" >&2
fi
