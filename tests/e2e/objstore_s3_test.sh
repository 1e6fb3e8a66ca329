# Object storage (lib/objstore) against a real S3 server: s3rver (npm, pinned in
# tests/tools/s3rver, installed by scripts/setup.sh), started here on a free loopback port with a
# temp dir. The unit tests' bucket conformance suite runs against it directly, through the
# botocore SigV4 checker (tests/tools/s3_sigv4_sink.py: every signature recomputed, 403 on a
# mismatch) and through the fault-injecting proxy (tests/tools/s3_fault_proxy.py); objstore-tool
# then proves wrong credentials, a missing bucket, retries, timeouts, resets, truncated bodies and
# TLS end to end.
os_tools=$here/../tools
os_dir=$TMPDIR_E2E/objstore
mkdir -p "$os_dir"
os_pids=()
os_cleanup() { for p in "${os_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; os_pids=(); }
trap 'os_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

# os_wait_port_file FILE: waits (10 s at most) for a tool to publish its port; prints it.
os_wait_port_file() {
  for _ in $(seq 1 100); do
    [ -s "$1" ] && { cat "$1"; return 0; }
    sleep 0.1
  done
  return 1
}

# os_start_s3rver NAME [s3rver flags]: s3rver on a free port with bucket e2e-bucket; sets os_port.
os_start_s3rver() {
  local name=$1
  shift
  start_s3rver "$os_dir/$name" "$@" || return 1
  os_pids+=("$started_s3rver_pid")
  os_port=$started_s3rver_port
}

# os_conformance ENDPOINT [VAR=VALUE...]: the bucket conformance suite against ENDPOINT.
os_conformance() {
  local endpoint=$1
  shift
  env LOGKIT_TEST_S3_ENDPOINT="$endpoint" LOGKIT_TEST_S3_BUCKET=e2e-bucket LOGKIT_TEST_S3_QUIRKS=s3rver \
    LOGKIT_TEST_S3_ACCESS_KEY_ID=S3RVER LOGKIT_TEST_S3_SECRET_ACCESS_KEY=S3RVER "$@" \
    timeout 300 unit-tests -tc="bucket conformance: s3" 2>&1
}

# os_tool ENDPOINT ARGS...: objstore-tool with S3RVER credentials at ENDPOINT; output in
# $os_out (stdout) and $os_err (stderr), exit status in $os_rc.
os_tool() {
  local endpoint=$1
  shift
  os_out=$(AWS_ENDPOINT_URL=$endpoint AWS_ACCESS_KEY_ID=${os_key:-S3RVER} AWS_SECRET_ACCESS_KEY=${os_secret:-S3RVER} \
    AWS_SESSION_TOKEN=${os_token:-} AWS_REGION=us-east-1 timeout 60 objstore-tool "$@" 2>"$os_dir/tool.err")
  os_rc=$?
  os_err=$(cat "$os_dir/tool.err")
}
# os_expect_suite NAME OUTPUT: the S3 conformance case ran (not skipped) and passed. On failure
# the output is shown without doctest's summary lines, which scripts/test.sh would take for the
# unit tests' own.
os_expect_suite() {
  if grep -qE 'test cases: +1 \| +1 passed \| +0 failed' <<<"$2"; then
    pass "$1"
  else
    fail "$1" "$(grep -v '^\[doctest\]' <<<"$2" | tail -30)"
  fi
}
os_fault() { curl -sf -X POST -d "$1" "http://127.0.0.1:$os_proxy_port/__proxy/fault" >/dev/null; }
os_proxy_stat() { curl -sf "http://127.0.0.1:$os_proxy_port/__proxy/stats" | jq -r ".$1"; }
os_sink_stat() { curl -sf "http://127.0.0.1:$os_sink_port/__sink/stats" | jq -r ".$1"; }

if [ ! -x "$os_tools/s3rver/node_modules/.bin/s3rver" ]; then
  fail "objstore: s3rver is installed" "missing $os_tools/s3rver/node_modules: run scripts/setup.sh"
elif ! /usr/bin/python3 -c 'import botocore' 2>/dev/null; then
  fail "objstore: python3-botocore is installed" "run scripts/setup.sh"
elif os_start_s3rver s3; then
  s3=http://127.0.0.1:$os_port
  /usr/bin/python3 "$os_tools/s3_sigv4_sink.py" --port-file "$os_dir/sink.port" --credentials S3RVER:S3RVER \
    --upstream "$s3" 2>"$os_dir/sink.log" &
  os_pids+=($!)
  /usr/bin/python3 "$os_tools/s3_fault_proxy.py" --port-file "$os_dir/proxy.port" --upstream "$s3" 2>"$os_dir/proxy.log" &
  os_pids+=($!)
  os_sink_port=$(os_wait_port_file "$os_dir/sink.port")
  os_proxy_port=$(os_wait_port_file "$os_dir/proxy.port")
  sink=http://127.0.0.1:$os_sink_port
  proxy=http://127.0.0.1:$os_proxy_port

  # --- The conformance suite: directly, with every signature checked, and through the proxy.
  os_expect_suite "objstore: conformance suite against s3rver" "$(os_conformance "$s3")"
  os_expect_suite "objstore: conformance suite through the botocore signature checker" "$(os_conformance "$sink")"
  expect_eq "objstore: botocore found no wrong signature" "0" "$(os_sink_stat mismatched)"
  verified=$(os_sink_stat verified)
  if [ "${verified:-0}" -gt 200 ]; then pass "objstore: botocore verified every request ($verified)"; else fail "objstore: botocore verified requests" "verified: $verified"; fi
  os_fault '{"mode":"error","status":503,"code":"SlowDown","every":7,"count":20}'
  os_expect_suite "objstore: conformance suite through the proxy, SlowDown on every 7th request" "$(os_conformance "$proxy")"
  expect_eq "objstore: the proxy injected 20 SlowDowns" "20" "$(os_proxy_stat faults)"
  os_fault '{"mode":"reset","every":9,"count":15}'
  os_expect_suite "objstore: conformance suite through the proxy, every 9th connection reset" "$(os_conformance "$proxy")"
  expect_eq "objstore: the proxy reset 35 connections in all" "35" "$(os_proxy_stat faults)"
  os_fault '{"mode":"pass"}'

  # --- Signatures of keys and queries that need encoding, with temporary credentials.
  key=$'sp ace/k:ey+=\xc3\xa9~$'
  os_token=FQoGZXIvYXdzEXAMPLE+token/with=chars os_tool "$sink" --store s3://e2e-bucket/sig put "$key" "v1"
  expect_eq "objstore: put of a key with space, ':', '+', '=', unicode (signed session token)" "0:" "$os_rc:$os_err"
  for i in 1 2 3; do os_tool "$sink" --store s3://e2e-bucket/sig put "sp ace/p+$i=" "x"; done
  os_tool "$sink" --page-size 1 --store s3://e2e-bucket/sig list "sp ace/"
  expect_eq "objstore: listing one key a page (continuation tokens) with a '+' '=' prefix" \
    "$(printf 'sp ace/k:ey+=\xc3\xa9~$\nsp ace/p+1=\nsp ace/p+2=\nsp ace/p+3=')" "$os_out"
  os_tool "$sink" --store s3://e2e-bucket/sig get "$key"
  expect_eq "objstore: get of that key" "v1" "$os_out"
  expect_eq "objstore: still no wrong signature" "0" "$(os_sink_stat mismatched)"

  # --- Wrong credentials and a missing bucket: one clear error, no retries.
  os_secret=wrong-secret os_tool "$sink" --metrics --store s3://e2e-bucket check
  expect_eq "objstore: a wrong secret is refused" "1" "$os_rc"
  expect_contains "objstore: ... with SignatureDoesNotMatch" "SignatureDoesNotMatch" "$os_err"
  expect_contains "objstore: ... naming the bucket" 's3 bucket "e2e-bucket"' "$os_err"
  expect_contains "objstore: ... as unauthenticated, not retried" "retries=0" "$os_err"
  expect_eq "objstore: botocore saw exactly that one bad signature" "1" "$(os_sink_stat mismatched)"
  os_key=NOBODY os_tool "$s3" --store s3://e2e-bucket check
  expect_contains "objstore: an unknown access key is refused by s3rver" "InvalidAccessKeyId" "$os_err"
  expect_contains "objstore: ... as unauthenticated" "[unauthenticated]" "$os_err"
  os_tool "$s3" --store s3://no-such-bucket check
  expect_contains "objstore: a missing bucket is named" 's3 bucket "no-such-bucket"' "$os_err"
  expect_contains "objstore: ... with NoSuchBucket" "NoSuchBucket" "$os_err"
  expect_contains "objstore: ... as not found" "[not found]" "$os_err"

  # --- Faults from the proxy.
  fast=(--min-backoff-ms 20 --max-backoff-ms 200 --attempts 3)
  os_tool "$proxy" --store s3://e2e-bucket/faults put obj "0123456789abcdef"
  os_fault '{"mode":"error","status":503,"code":"SlowDown","count":2}'
  os_tool "$proxy" "${fast[@]}" --metrics --store s3://e2e-bucket/faults get obj
  expect_eq "objstore: 503 SlowDown twice, then the object" "0:0123456789abcdef" "$os_rc:$os_out"
  expect_contains "objstore: ... after 2 retries" "retries=2" "$os_err"
  os_fault '{"mode":"error","status":500,"code":"InternalError"}'
  os_tool "$proxy" "${fast[@]}" --store s3://e2e-bucket/faults get obj
  expect_contains "objstore: 500 InternalError on every try ends as unavailable" "[unavailable]" "$os_err"
  expect_contains "objstore: ... after 3 attempts" "InternalError: injected by s3_fault_proxy (request id TESTTOOL) (after 3 attempts)" "$os_err"
  os_fault '{"mode":"error","status":403,"code":"AccessDenied"}'
  curl -sf -X POST "http://127.0.0.1:$os_proxy_port/__proxy/reset-stats" >/dev/null
  os_tool "$proxy" "${fast[@]}" --store s3://e2e-bucket/faults put obj2 x
  expect_contains "objstore: 403 AccessDenied is permission denied" "[permission denied]" "$os_err"
  expect_eq "objstore: ... and not retried" "1" "$(os_proxy_stat requests)"
  os_fault '{"mode":"reset","count":2}'
  os_tool "$proxy" "${fast[@]}" --metrics --store s3://e2e-bucket/faults get obj
  expect_eq "objstore: two reset connections, then the object" "0:0123456789abcdef" "$os_rc:$os_out"
  expect_contains "objstore: ... counted as network errors" "GetObject/network_error=2" "$os_err"
  os_fault '{"mode":"reset"}'
  os_tool "$proxy" "${fast[@]}" --store s3://e2e-bucket/faults list
  expect_contains "objstore: resets on every try end as unavailable" "[unavailable]" "$os_err"
  os_fault '{"mode":"delay","seconds":3}'
  os_tool "$proxy" "${fast[@]}" --attempts 2 --timeout-ms 400 --store s3://e2e-bucket/faults get obj
  expect_contains "objstore: a store slower than the request timeout times out" "timed out" "$os_err"
  expect_contains "objstore: ... and is unavailable after 2 attempts" "(after 2 attempts) [unavailable]" "$os_err"
  os_fault '{"mode":"delay","seconds":3,"count":1}'
  os_tool "$proxy" "${fast[@]}" --timeout-ms 400 --store s3://e2e-bucket/faults get obj
  expect_eq "objstore: one slow answer, then the retry gets the object" "0:0123456789abcdef" "$os_rc:$os_out"
  os_fault '{"mode":"truncate","count":1}'
  os_tool "$proxy" "${fast[@]}" --metrics --store s3://e2e-bucket/faults get obj
  expect_eq "objstore: a truncated body is retried" "0:0123456789abcdef" "$os_rc:$os_out"
  expect_contains "objstore: ... and counted" "GetObject/truncated=1" "$os_err"
  os_fault '{"mode":"truncate"}'
  os_tool "$proxy" "${fast[@]}" --store s3://e2e-bucket/faults get obj
  expect_contains "objstore: bodies truncated on every try are corruption" "truncated download: got 8 of 16 bytes" "$os_err"
  expect_contains "objstore: ... [corruption]" "[corruption]" "$os_err"
  os_fault '{"mode":"shorten","methods":["GET"]}'
  os_tool "$proxy" "${fast[@]}" --store s3://e2e-bucket/faults get-range obj 4 8
  expect_contains "objstore: a range answer with bytes missing is corruption" "does not match the range asked" "$os_err"
  os_fault '{"mode":"pass"}'
  os_tool "$proxy" --store s3://e2e-bucket/faults get-range obj 4 8
  expect_eq "objstore: the range once the proxy passes again" "456789ab" "$os_out"

  # --- https with a CA of our own (the TLS client options), s3rver serving TLS.
  (
    cd "$os_dir" || exit 1
    key="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
    openssl req -x509 $key -keyout ca.key -out ca.crt -days 2 -subj /CN=objstore-e2e-ca
    openssl req $key -keyout server.key -out server.csr -subj /CN=s3rver
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt
  ) >/dev/null 2>&1
  if os_start_s3rver s3tls --key "$os_dir/server.key" --cert "$os_dir/server.crt"; then
    AWS_CA_BUNDLE=$os_dir/ca.crt os_tool "https://127.0.0.1:$os_port" --store s3://e2e-bucket put tls/k "over tls"
    AWS_CA_BUNDLE=$os_dir/ca.crt os_tool "https://127.0.0.1:$os_port" --store s3://e2e-bucket get tls/k
    expect_eq "objstore: https with the CA from AWS_CA_BUNDLE" "0:over tls" "$os_rc:$os_out"
    os_tool "https://127.0.0.1:$os_port" --attempts 1 --store s3://e2e-bucket get tls/k
    expect_contains "objstore: https without that CA is refused" "[unavailable]" "$os_err"
  else
    fail "objstore: s3rver over TLS started"
  fi
else
  fail "objstore: s3rver started"
fi
os_cleanup
trap 'rm -rf "$TMPDIR_E2E"' EXIT
