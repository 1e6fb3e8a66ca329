# logd's memory ceiling (ingester.memory_ceiling): with a small ceiling and a store that cannot be
# written (its tenant directory replaced by a plain file, which stops even root), pushes are
# accepted until the ceiling, then answered 429 with a clear message; once the store is writable
# again the oldest data is flushed early and pushes are accepted again, and every entry accepted
# before is queryable. Every logd started here is killed by the trap.
mem_pids=()
mem_cleanup() { for p in "${mem_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'mem_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

mem_dir=$TMPDIR_E2E/mem
mem_port=$(free_port)
mem_url="http://127.0.0.1:$mem_port"
cat > "$TMPDIR_E2E/mem.yaml" <<YAML
ingester:
  memory_ceiling: 64KB
YAML
start_logd "$mem_dir" "$mem_port" -config.file="$TMPDIR_E2E/mem.yaml" || exit 1
mem_pids+=("$started_logd_pid")
mem_pid=$started_logd_pid

printed=$(logd -config.file="$TMPDIR_E2E/mem.yaml" -print-config 2>/dev/null | grep 'memory_ceiling')
expect_contains "logd memory: -print-config shows the ceiling" "memory_ceiling: 64000" "$printed"

# mem_push I: one push of 10 lines of 1000 random base64 bytes (barely compressible), batch I.
mem_base=$(date +%s%N)
mem_push() {
  local values="" j line
  for j in $(seq 0 9); do
    line=$(head -c 750 /dev/urandom | base64 -w0)
    values+="${values:+,}[\"$((mem_base + $1 * 100 + j))\",\"batch $1 $line\"]"
  done
  curl -s -o "$TMPDIR_E2E/mem.body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
    "{\"streams\":[{\"stream\":{\"job\":\"mem\"},\"values\":[$values]}]}" "$mem_url/loki/api/v1/push"
}
mem_count() {
  curl -s -G "$mem_url/loki/api/v1/query" --data-urlencode 'query=sum(count_over_time({job="mem"}[1h]))' |
    grep -o '"value":\[[0-9.]*,"[0-9]*"' | sed 's/.*,"//; s/"//'
}

# Block the store: the tenant directory "fake" becomes a file, so every chunk write fails.
mkdir -p "$mem_dir/store"
rm -rf "$mem_dir/store/fake"
echo blocked > "$mem_dir/store/fake"

accepted=0
code=204
for i in $(seq 1 40); do
  code=$(mem_push "$i")
  [ "$code" == 204 ] || break
  accepted=$((accepted + 1))
done
expect_eq "logd memory: a push past the ceiling is answered 429" 429 "$code"
[ "$accepted" -ge 3 ] && [ "$accepted" -lt 40 ]
expect_eq "logd memory: pushes below the ceiling were accepted ($accepted)" 0 $?
expect_contains "logd memory: the 429 names the ceiling" "ingester memory ceiling reached" "$(cat "$TMPDIR_E2E/mem.body")"
expect_contains "logd memory: the 429 names the config key" "ingester.memory_ceiling" "$(cat "$TMPDIR_E2E/mem.body")"
metrics=$(curl -s "$mem_url/metrics")
expect_contains "logd memory: refusals are counted in /metrics" "logd_ingester_memory_refused_pushes_total" "$metrics"
kill -0 "$mem_pid" 2>/dev/null
expect_eq "logd memory: logd is still running" 0 $?

# Unblock the store: after the flush backoff, a push flushes the oldest data early and is accepted.
rm -f "$mem_dir/store/fake"
code=429
for _ in $(seq 1 120); do
  code=$(mem_push 1000)
  [ "$code" == 204 ] && break
  sleep 0.25
done
expect_eq "logd memory: once the store takes writes, pushes are accepted again" 204 "$code"
chunks=$(find "$mem_dir/store/fake/chunks" \( -name '*.chunk' -o -name '*.seg' \) 2>/dev/null | wc -l)
[ "$chunks" -gt 0 ]; expect_eq "logd memory: the early flush wrote chunk (or segment) files" 0 $?
expect_eq "logd memory: every accepted entry is queryable (store + memory)" "$(((accepted + 1) * 10))" "$(mem_count)"

kill -TERM "$mem_pid"; wait "$mem_pid"
expect_eq "logd memory: SIGTERM exits 0" 0 $?
start_logd "$mem_dir" "$mem_port" -config.file="$TMPDIR_E2E/mem.yaml" || exit 1
mem_pids+=("$started_logd_pid")
expect_eq "logd memory: after a restart, the same entries and no more" "$(((accepted + 1) * 10))" "$(mem_count)"
kill -TERM "$started_logd_pid"; wait "$started_logd_pid" 2>/dev/null
