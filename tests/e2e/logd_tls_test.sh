# logd serving HTTPS (server.http_tls_config): curl, logcli (query, labels, series, --tail over
# wss://) and logtail (clients[].tls_config) against it, with certificates made here by the
# openssl CLI; plain HTTP on the TLS port; client certificates (RequireAndVerifyClientCert).
tls_pids=()
tls_cleanup() { for p in "${tls_pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; tls_pids=(); }
trap 'tls_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

t=$TMPDIR_E2E/logd-tls
mkdir -p "$t"
(
  cd "$t" || exit 1
  key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
  printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
  openssl req -x509 $key -keyout ca.key -out ca.crt -days 2 -subj /CN=logd-e2e-ca
  for n in server client; do
    openssl req $key -keyout $n.key -out $n.csr -subj /CN=$n
    openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out $n.crt
  done
  # A certificate from another CA: a client presenting it must be refused.
  openssl req -x509 $key -keyout other.key -out other.crt -days 2 -subj /CN=stranger
) >/dev/null 2>&1

# tls_start NAME PORT [YAML LINES FOR server.http_tls_config]: logd with TLS on PORT; waits until
# /ready answers over https (with the client certificate, which every policy accepts).
tls_start() {
  local name=$1 port=$2
  shift 2
  cat >"$t/$name.yaml" <<YAML
server:
  http_listen_address: 127.0.0.1
  http_listen_port: $port
  http_tls_config:
    cert_file: $t/server.crt
    key_file: $t/server.key
$(printf '    %s\n' "$@")
common:
  path_prefix: $t/$name-data
YAML
  logd -config.file="$t/$name.yaml" 2>>"$t/$name.log" &
  tls_pid=$!
  tls_pids+=("$tls_pid")
  for _ in $(seq 1 200); do
    curl -sf --cacert "$t/ca.crt" --cert "$t/client.crt" --key "$t/client.key" "https://127.0.0.1:$port/ready" \
      >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "logd did not become ready over https on port $port: $(cat "$t/$name.log")" >&2
  return 1
}
tls_push() {  # tls_push URL LINE [CURL FLAGS...]: one JSON push of LINE to {app="tls"}, prints the status
  local url=$1 line=$2
  shift 2
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary '{"streams":[{"stream":{"app":"tls"},"values":[["'$(date +%s%N)'","'"$line"'"]]}]}' \
    "$@" "$url/loki/api/v1/push"
}

port=$(free_port)
tls_start plain-auth "$port"
url="https://127.0.0.1:$port"
expect_eq "logd tls: push over https with curl --cacert" 204 "$(tls_push "$url" "first over tls" --cacert "$t/ca.crt")"
out=$(curl -s -o /dev/null -w '%{http_code}' "$url/ready" 2>&1)
expect_eq "logd tls: curl without the CA does not trust the server" 000 "$out"

out=$(logcli --addr "$url" --ca-cert "$t/ca.crt" query -q -o raw --since 1h '{app="tls"}' 2>&1)
expect_eq "logd tls: logcli query over https with --ca-cert" "first over tls" "$out"
expect_eq "logd tls: logcli labels over https" "app" "$(logcli --addr "$url" --ca-cert "$t/ca.crt" labels -q 2>&1)"
expect_eq "logd tls: logcli series over https" '{app="tls"}' \
  "$(logcli --addr "$url" --ca-cert "$t/ca.crt" series -q --since 1h '{app="tls"}' 2>&1)"
out=$(logcli --addr "$url" query -q -o raw --since 1h '{app="tls"}' 2>&1)
expect_contains "logd tls: logcli query without the CA fails verification" "certificate" "$out"

# --tail over wss://: entries pushed after it connected arrive; SIGINT ends it with 0.
logcli --addr "$url" --ca-cert "$t/ca.crt" query --tail -o raw --since 1s '{app="tls"}' >"$t/tail.out" 2>"$t/tail.err" &
tail_pid=$!
tls_pids+=("$tail_pid")
for _ in $(seq 1 100); do grep -q 'wss://' "$t/tail.err" && break; sleep 0.05; done
expect_contains "logd tls: --tail shows the wss:// URL" "wss://127.0.0.1:$port/loki/api/v1/tail?" "$(cat "$t/tail.err")"
# The tail may connect after the first push: push until one arrives, then one more.
for i in $(seq 1 100); do
  tls_push "$url" "live $i" --cacert "$t/ca.crt" >/dev/null
  grep -q live "$t/tail.out" && break
  sleep 0.1
done
tls_push "$url" "live last" --cacert "$t/ca.crt" >/dev/null
for _ in $(seq 1 100); do grep -q 'live last' "$t/tail.out" && break; sleep 0.05; done
expect_contains "logd tls: logcli --tail over wss:// receives pushed lines" "live last" "$(cat "$t/tail.out")"
kill -INT "$tail_pid"
wait "$tail_pid"
expect_eq "logd tls: --tail over wss:// exits 0 on SIGINT" 0 $?
out=$(logcli --addr "$url" query --tail -q '{app="tls"}' 2>&1)
expect_contains "logd tls: --tail without the CA fails with a TLS error" "Tailing logs failed: TLS handshake" "$out"

# Plain HTTP on the TLS port: a 400 that says why, and logd keeps serving.
out=$(curl -s "http://127.0.0.1:$port/ready")
expect_eq "logd tls: plain http to the TLS port is told so" "Client sent an HTTP request to an HTTPS server." "$out"
printf 'garbage that is not TLS\r\n\r\n' | timeout 5 nc -q 1 127.0.0.1 "$port" >/dev/null 2>&1
out=$(curl -s --cacert "$t/ca.crt" "$url/ready")
expect_eq "logd tls: still serving https after plain and garbage connections" "ready" "$out"

# logtail pushing to https logd with clients[].tls_config.ca_file.
mkdir -p "$t/logs"
cat >"$t/logtail.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $t/positions.yaml, sync_period: 200ms}
clients:
  - url: $url/loki/api/v1/push
    batchwait: 100ms
    tls_config: {ca_file: $t/ca.crt}
scrape_configs:
  - job_name: tls
    static_configs:
      - targets: [localhost]
        labels: {job: tlsfiles, __path__: "$t/logs/*.log"}
YAML
printf 'from logtail 1\nfrom logtail 2\n' >"$t/logs/a.log"
logtail -config.file="$t/logtail.yaml" 2>>"$t/logtail.log" &
tls_pids+=("$!")
got=""
for _ in $(seq 1 100); do
  got=$(logcli --addr "$url" --ca-cert "$t/ca.crt" query -q -o raw --forward --since 1h '{job="tlsfiles"}' 2>/dev/null)
  [ "$(echo "$got" | grep -c 'from logtail')" -ge 2 ] && break
  sleep 0.2
done
expect_eq "logd tls: logtail delivers over https with tls_config.ca_file" "from logtail 1
from logtail 2" "$got"

# Mutual TLS: RequireAndVerifyClientCert with client_ca_file.
mport=$(free_port)
tls_start mtls "$mport" "client_auth_type: RequireAndVerifyClientCert" "client_ca_file: $t/ca.crt"
murl="https://127.0.0.1:$mport"
out=$(curl -s --cacert "$t/ca.crt" "$murl/ready")
rc=$?
expect_eq "logd tls: mTLS answers nothing to a client without a certificate" "" "$out"
[ "$rc" -ne 0 ]
expect_eq "logd tls: curl without a client certificate fails under mTLS (exit $rc)" 0 $?
out=$(curl -s --cacert "$t/ca.crt" --cert "$t/other.crt" --key "$t/other.key" "$murl/ready")
expect_eq "logd tls: mTLS refuses a certificate from another CA" "" "$out"
out=$(curl -s --cacert "$t/ca.crt" --cert "$t/client.crt" --key "$t/client.key" "$murl/ready")
expect_eq "logd tls: mTLS accepts a certificate from the client CA" "ready" "$out"
expect_eq "logd tls: mTLS push with a client certificate" 204 \
  "$(tls_push "$murl" "mutual" --cacert "$t/ca.crt" --cert "$t/client.crt" --key "$t/client.key")"
out=$(logcli --addr "$murl" --ca-cert "$t/ca.crt" --cert "$t/client.crt" --key "$t/client.key" query -q -o raw --since 1h '{app="tls"}' 2>&1)
expect_eq "logd tls: logcli query with --cert/--key under mTLS" "mutual" "$out"
out=$(logcli --addr "$murl" --ca-cert "$t/ca.crt" query --tail -q '{app="tls"}' 2>&1)
expect_contains "logd tls: logcli --tail without a client certificate is refused" \
  "Tailing logs failed: WebSocket handshake failed: tlsv13 alert certificate required" "$out"
logcli --addr "$murl" --ca-cert "$t/ca.crt" --cert "$t/client.crt" --key "$t/client.key" \
  query --tail -q -o raw --since 1h '{app="tls"}' >"$t/mtail.out" 2>"$t/mtail.err" &
tail_pid=$!
tls_pids+=("$tail_pid")
for _ in $(seq 1 100); do grep -q mutual "$t/mtail.out" && break; sleep 0.05; done
expect_eq "logd tls: logcli --tail with a client certificate under mTLS" "mutual" "$(cat "$t/mtail.out")"
kill -INT "$tail_pid"
wait "$tail_pid"
expect_eq "logd tls: mTLS --tail exits 0 on SIGINT" 0 $?

# Configuration mistakes are named at start.
out=$(logd -config.file="$t/plain-auth.yaml" -server.http-listen-port=0 -server.http-tls-client-auth=Sometimes 2>&1)
expect_contains "logd tls: an unknown client auth type is named" "server.http_tls_config.client_auth_type: invalid client auth type \"Sometimes\"" "$out"
out=$(logd -server.http-listen-port=0 -common.path-prefix="$t/bad" -server.http-tls-cert-path="$t/missing.crt" -server.http-tls-key-path="$t/server.key" 2>&1)
expect_contains "logd tls: a missing certificate file is named" "$t/missing.crt" "$out"
out=$(logd -server.http-listen-port=0 -common.path-prefix="$t/bad" -server.http-tls-cert-path="$t/server.crt" -server.http-tls-key-path="$t/other.key" 2>&1)
expect_contains "logd tls: a key that does not match the certificate is named" "cannot load the TLS key $t/other.key" "$out"
tls_cleanup
