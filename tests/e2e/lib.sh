# Assertions for the end-to-end tests: each check prints a line and counts toward the summary.
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL $1"
  shift
  printf '     %s\n' "$@"
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected: $(printf %q "$2")" "actual:   $(printf %q "$3")"; fi
}

# expect_contains NAME NEEDLE HAYSTACK
expect_contains() {
  if [[ "$3" == *"$2"* ]]; then pass "$1"; else fail "$1" "expected to contain: $2" "actual: $3"; fi
}

# expect_status NAME CODE COMMAND...: runs COMMAND, checks its exit code.
expect_status() {
  local name=$1 want=$2
  shift 2
  "$@" > /dev/null 2>&1
  local got=$?
  if [ "$got" == "$want" ]; then pass "$name"; else fail "$name" "exit code $got, want $want: $*"; fi
}

summary() {
  echo "e2e: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# free_port: a free TCP port on 127.0.0.1.
# wait_until SECONDS CMD...: runs CMD (output discarded) every 0.25 s until it succeeds (0) or
# SECONDS pass (1).
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  while [ "$SECONDS" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  return 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_logd DIR PORT [FLAGS...]: starts logd on 127.0.0.1:PORT with data in DIR (its stderr in
# DIR.log) and waits for /ready; sets started_logd_pid. run.sh kills whatever a test leaves running.
start_logd() {
  local dir=$1 port=$2
  shift 2
  logd -server.http-listen-port="$port" -common.path-prefix="$dir" "$@" 2>>"$dir.log" &
  started_logd_pid=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "logd did not become ready on port $port" >&2
  return 1
}

# start_s3rver DIR [s3rver flags]: s3rver (tests/tools/s3rver, credentials S3RVER/S3RVER) on a
# free loopback port with its data in DIR and the bucket e2e-bucket; its output in DIR.log. Sets
# started_s3rver_pid and started_s3rver_port; the caller stops it by that PID.
start_s3rver() {
  local dir=$1
  shift
  started_s3rver_port=$(free_port)
  mkdir -p "$dir"
  NODE_OPTIONS=--openssl-legacy-provider "$here/../tools/s3rver/node_modules/.bin/s3rver" -d "$dir" \
    -a 127.0.0.1 -p "$started_s3rver_port" --configure-bucket e2e-bucket -s "$@" >"$dir.log" 2>&1 &
  started_s3rver_pid=$!
  for _ in $(seq 1 100); do
    grep -q "listening" "$dir.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "s3rver did not start: $(cat "$dir.log")" >&2
  return 1
}
