# The ring's key-value client, lifecycler and view against a real etcd (Debian's etcd-server):
# starts etcd on free loopback ports with a temporary data dir and runs the "real etcd" doctest
# suite (tests/ring/etcd_real_test.cpp) twice: without auth (CAS, leases, watches, three
# lifecyclers and a view, a killed member's lease expiring, a watch resumed across an etcd restart,
# etcd away for a few seconds), then with auth enabled by etcdctl (a root user and a ring user
# limited to the test prefix), then against a second etcd serving https with client certificates
# (made here by the openssl CLI). etcd is started and stopped by PID through a small control script
# the suite also calls to restart it.
ring_dir=$TMPDIR_E2E/ring-etcd
mkdir -p "$ring_dir"
ring_cport=$(free_port)
ring_pport=$(free_port)
while [ "$ring_pport" == "$ring_cport" ]; do ring_pport=$(free_port); done
ring_endpoint=127.0.0.1:$ring_cport
ring_ctl=$ring_dir/etcd-ctl.sh

# etcd is started by the control script, so it is not this shell's child: stop it by PID here.
ring_tls_pid=
ring_cleanup() {
  local pid
  pid=$(cat "$ring_dir/etcd.pid" 2>/dev/null) && kill -9 "$pid" 2>/dev/null
  [ -n "$ring_tls_pid" ] && kill -9 "$ring_tls_pid" 2>/dev/null
  return 0
}
trap 'ring_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

cat > "$ring_ctl" <<EOF
#!/usr/bin/env bash
# usage: etcd-ctl.sh start|stop. start waits until etcd answers /health; stop until it has exited.
alive() { local s; s=\$(ps -o stat= -p "\$1" 2>/dev/null) || return 1; [[ \$s != Z* ]]; }
case "\$1" in
  start)
    etcd --name ring-test --data-dir "$ring_dir/data" \\
      --listen-client-urls http://$ring_endpoint --advertise-client-urls http://$ring_endpoint \\
      --listen-peer-urls http://127.0.0.1:$ring_pport --initial-advertise-peer-urls http://127.0.0.1:$ring_pport \\
      --initial-cluster ring-test=http://127.0.0.1:$ring_pport --initial-cluster-state new \\
      --auth-token-ttl 2 --log-outputs stderr </dev/null >/dev/null 2>>"$ring_dir/etcd.log" &
    echo \$! > "$ring_dir/etcd.pid"
    for _ in \$(seq 1 400); do
      curl -s --max-time 1 http://$ring_endpoint/health 2>/dev/null | grep -q '"health":"true"' && exit 0
      alive \$! || exit 1
      sleep 0.05
    done
    exit 1 ;;
  stop)
    pid=\$(cat "$ring_dir/etcd.pid") || exit 1
    kill "\$pid" 2>/dev/null
    for _ in \$(seq 1 200); do alive "\$pid" || exit 0; sleep 0.05; done
    kill -9 "\$pid" 2>/dev/null
    exit 0 ;;
esac
exit 2
EOF
chmod +x "$ring_ctl"

# ring_suite NAME EXPECTED_PASSED [doctest args...]: runs the suite, checks every selected case ran and passed.
ring_suite() {
  local name=$1 want=$2 out rc counts
  shift 2
  out=$(timeout 150 "$BIN/unit-tests" -ts="real etcd" "$@" 2>&1)
  rc=$?
  counts=$(sed -n 's/.*test cases: *[0-9]* | *\([0-9]*\) passed | *\([0-9]*\) failed.*/\1 passed, \2 failed/p' <<<"$out" | tail -1)
  if [ "$rc" -eq 0 ] && [ "$counts" == "$want passed, 0 failed" ]; then
    pass "$name ($counts)"
  else
    fail "$name" "exit code $rc, $counts (want $want passed, 0 failed)" "$(tail -40 <<<"$out")"
  fi
}

if ! command -v etcd >/dev/null || ! command -v etcdctl >/dev/null; then
  fail "ring etcd: etcd and etcdctl are installed" "scripts/setup.sh installs etcd-server and etcd-client"
elif [ ! -x "$BIN/unit-tests" ]; then
  fail "ring etcd: $BIN/unit-tests is built" "make test (or make build/bin/unit-tests) builds it"
else
  bash "$ring_ctl" start
  expect_eq "ring etcd: etcd starts on 127.0.0.1 and answers /health" 0 $?

  LOGKIT_TEST_ETCD_ENDPOINTS=$ring_endpoint LOGKIT_TEST_ETCD_CTL=$ring_ctl \
    ring_suite "ring etcd: KV, leases, watches, lifecyclers and a view, restarts and an outage" 5

  export ETCDCTL_API=3
  ring_etcdctl() { etcdctl --endpoints="$ring_endpoint" --dial-timeout=5s "$@" >>"$ring_dir/etcdctl.log" 2>&1; }
  ring_etcdctl user add root:rootpw && ring_etcdctl user grant-role root root &&
    ring_etcdctl role add ring && ring_etcdctl role grant-permission ring --prefix=true readwrite logkit-test/ &&
    ring_etcdctl user add ring:ringpw && ring_etcdctl user grant-role ring ring && ring_etcdctl auth enable
  expect_eq "ring etcd: auth enabled with etcdctl (root user, ring user limited to logkit-test/)" 0 $?
  anonymous=$(curl -s "http://$ring_endpoint/v3/kv/range" -d '{"key":"bG9na2l0LXRlc3Qv"}')
  expect_contains "ring etcd: with auth on, etcd refuses a request without a token" "user name is empty" "$anonymous"

  LOGKIT_TEST_ETCD_ENDPOINTS=$ring_endpoint LOGKIT_TEST_ETCD_USER=ring LOGKIT_TEST_ETCD_PASSWORD=ringpw \
    ring_suite "ring etcd: authenticated client, token refresh, permission errors, a ring under auth" 3 \
    -tc="*authentication*,*three lifecyclers*,*compare-and-swap*"

  bash "$ring_ctl" stop
  expect_eq "ring etcd: etcd stops" 0 $?

  # A second etcd serving https, wanting client certificates; its certificate names etcd.test.
  t=$ring_dir/tls
  mkdir -p "$t"
  (
    cd "$t" || exit 1
    key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    openssl req -x509 $key -keyout ca.key -out ca.crt -days 2 -subj /CN=ring-e2e-ca
    printf 'subjectAltName=DNS:etcd.test\n' >server.ext
    printf 'subjectAltName=DNS:ring-client\n' >client.ext
    for n in server client; do
      openssl req $key -keyout $n.key -out $n.csr -subj /CN=$n
      openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile $n.ext -out $n.crt
    done
  ) >/dev/null 2>&1
  ring_tls_port=$(free_port)
  ring_tls_peer=$(free_port)
  etcd --name ring-tls --data-dir "$t/data" \
    --listen-client-urls "https://127.0.0.1:$ring_tls_port" --advertise-client-urls "https://127.0.0.1:$ring_tls_port" \
    --listen-peer-urls "http://127.0.0.1:$ring_tls_peer" --initial-advertise-peer-urls "http://127.0.0.1:$ring_tls_peer" \
    --initial-cluster "ring-tls=http://127.0.0.1:$ring_tls_peer" --initial-cluster-state new \
    --cert-file "$t/server.crt" --key-file "$t/server.key" --client-cert-auth --trusted-ca-file "$t/ca.crt" \
    --log-outputs stderr </dev/null >/dev/null 2>>"$t/etcd.log" &
  ring_tls_pid=$!
  ring_tls_up=1
  for _ in $(seq 1 400); do
    curl -s --max-time 1 --cacert "$t/ca.crt" --cert "$t/client.crt" --key "$t/client.key" \
      --resolve "etcd.test:$ring_tls_port:127.0.0.1" "https://etcd.test:$ring_tls_port/health" 2>/dev/null |
      grep -q '"health":"true"' && { ring_tls_up=0; break; }
    sleep 0.05
  done
  expect_eq "ring etcd: an etcd with TLS and client certificates starts" 0 "$ring_tls_up"
  LOGKIT_TEST_ETCD_ENDPOINTS=127.0.0.1:$ring_tls_port LOGKIT_TEST_ETCD_TLS_CA=$t/ca.crt \
    LOGKIT_TEST_ETCD_TLS_CERT=$t/client.crt LOGKIT_TEST_ETCD_TLS_KEY=$t/client.key LOGKIT_TEST_ETCD_TLS_SERVER_NAME=etcd.test \
    ring_suite "ring etcd: TLS (CA, client certificate, server name, insecure_skip_verify)" 2 \
    -tc="*TLS*,*compare-and-swap*"
  kill "$ring_tls_pid" 2>/dev/null
  wait "$ring_tls_pid" 2>/dev/null
fi
ring_cleanup
