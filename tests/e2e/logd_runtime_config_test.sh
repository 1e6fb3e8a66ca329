# Per-tenant overrides (runtime_config.file): each tenant's limits apply to its pushes, queries
# and deletes; GET /runtime_config and ?mode=diff; the file is read again every period; an
# invalid file is kept out (the last good overrides stay, the error is logged and counted); an
# invalid file at start stops logd with the key path; -runtime-config.file works as the key does.
rc_pids=()
rc_cleanup() { for p in "${rc_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'rc_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

rc_wait_ready() {  # port log
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$1/ready" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "logd did not start: $(tail -3 "$2")" >&2
  return 1
}
rc_push() {  # tenant line: prints the status
  local now
  now=$(date +%s%N)
  curl -s -o "$TMPDIR_E2E/push.answer" -w '%{http_code}' -H "X-Scope-OrgID: $1" -H 'Content-Type: application/json' \
    --data-binary "{\"streams\":[{\"stream\":{\"app\":\"rc\"},\"values\":[[\"$now\",\"$2\"]]}]}" "$url/loki/api/v1/push"
}
rc_metric() { curl -s "$url/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
rc_write() {  # atomically replaces the runtime config file with stdin
  cat >"$rc_file.tmp" && mv "$rc_file.tmp" "$rc_file"
}
rc_until() {  # description command...: retries the command for up to 10 s (the file is read every 1s)
  local what=$1
  shift
  for _ in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
  echo "timed out waiting for: $what" >&2
  return 1
}

d=$TMPDIR_E2E/runtime
port=$(free_port)
url="http://127.0.0.1:$port"
rc_file=$TMPDIR_E2E/overrides.yaml
rc_write <<'YAML'
overrides:
  big:
    max_line_size: 1KB
    max_entries_limit_per_query: 2
  keep:
    deletion_mode: disabled
YAML
cat >"$d.yaml" <<YAML
auth_enabled: true
server: {http_listen_address: 127.0.0.1, http_listen_port: $port}
common: {path_prefix: $d}
limits_config: {max_line_size: 100}
runtime_config: {file: $rc_file, period: 1s}
YAML
logd -config.file="$d.yaml" 2>>"$d.log" &
rc_pids+=("$!")
rc_wait_ready "$port" "$d.log" || exit 1

line500=$(printf 'x%.0s' $(seq 1 500))
expect_eq "runtime config: a tenant without overrides has limits_config (500-byte line refused)" "400" \
  "$(rc_push small "$line500")"
expect_eq "runtime config: the override lets tenant big push it" "204" "$(rc_push big "$line500")"
for i in 1 2 3; do rc_push big "line $i" >/dev/null; done
status=$(curl -s -o "$TMPDIR_E2E/q.answer" -w '%{http_code}' -H 'X-Scope-OrgID: big' -G \
  --data-urlencode 'query={app="rc"}' --data-urlencode 'limit=5' "$url/loki/api/v1/query_range")
expect_eq "runtime config: big's max_entries_limit_per_query (2) refuses limit=5" "400" "$status"
expect_contains "runtime config: with Loki's message" "max entries limit per query exceeded" \
  "$(cat "$TMPDIR_E2E/q.answer")"
rc_push small "short" >/dev/null
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Scope-OrgID: small' -G \
  --data-urlencode 'query={app="rc"}' --data-urlencode 'limit=5' "$url/loki/api/v1/query_range")
expect_eq "runtime config: other tenants keep the default (5000)" "200" "$status"
hour_ago=$(( $(date +%s) - 3600 ))
expect_eq "runtime config: deletion_mode disabled for tenant keep: 403" "403" \
  "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-Scope-OrgID: keep' -G \
     --data-urlencode 'query={app="rc"}' --data-urlencode "start=$hour_ago" "$url/loki/api/v1/delete")"
expect_eq "runtime config: other tenants may delete" "204" \
  "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'X-Scope-OrgID: small' -G \
     --data-urlencode 'query={app="rc"} |= "short"' --data-urlencode "start=$hour_ago" "$url/loki/api/v1/delete")"

full=$(curl -s "$url/runtime_config")
expect_contains "/runtime_config: every limit of every tenant" "$(printf 'overrides:\n  big:\n    ingestion_rate_mb: 4')" "$full"
expect_contains "/runtime_config: big's max_line_size" "max_line_size: 1000" "$full"
expect_eq "/runtime_config?mode=diff: only what differs from limits_config" \
  "$(printf 'overrides:\n  big:\n    max_line_size: 1000\n    max_entries_limit_per_query: 2\n  keep:\n    deletion_mode: disabled')" \
  "$(curl -s "$url/runtime_config?mode=diff")"
expect_eq "/runtime_config?mode=bogus: 400" "400" "$(curl -s -o /dev/null -w '%{http_code}' "$url/runtime_config?mode=bogus")"
expect_eq "runtime config: the reload metric says the file loaded" "1" "$(rc_metric loki_runtime_config_last_reload_successful)"
expect_contains "runtime config: the hash metric is exposed" 'loki_runtime_config_hash{sha256="' "$(curl -s "$url/metrics")"

# An invalid file is kept out: the old overrides stay, the failure is logged and counted.
rc_write <<'YAML'
overrides:
  big:
    max_line_size: 1KB
    max_line_sise: 2KB
YAML
rc_until "the failed reload" bash -c "curl -s '$url/metrics' | grep -qx 'loki_runtime_config_last_reload_successful 0'"
expect_eq "invalid runtime config: the metric shows the failure" "0" "$(rc_metric loki_runtime_config_last_reload_successful)"
failures=$(rc_metric logd_runtime_config_reload_failures_total)
expect_eq "invalid runtime config: failures are counted" "yes" "$([ "${failures:-0}" -ge 1 ] && echo yes || echo "no: $failures")"
expect_contains "invalid runtime config: the log names the key path" 'overrides.big: unknown field \"max_line_sise\"' \
  "$(cat "$d.log")"
expect_eq "invalid runtime config: the old limits still apply (big pushes 500 bytes)" "204" "$(rc_push big "$line500")"
expect_eq "invalid runtime config: and small is still refused" "400" "$(rc_push small "$line500")"
expect_contains "invalid runtime config: /runtime_config shows the last good overrides" "max_entries_limit_per_query: 2" \
  "$(curl -s "$url/runtime_config?mode=diff")"

# A valid file again: the new overrides apply without a restart.
rc_write <<'YAML'
overrides:
  small:
    max_line_size: 1KB
YAML
rc_until "the new overrides" bash -c "curl -s '$url/runtime_config?mode=diff' | grep -q small"
expect_eq "reload: the metric is back to 1" "1" "$(rc_metric loki_runtime_config_last_reload_successful)"
expect_eq "reload: small may now push 500 bytes" "204" "$(rc_push small "$line500")"
expect_eq "reload: big is back to the defaults" "400" "$(rc_push big "$line500")"

# An invalid file at start: logd does not start, and says which key.
rc_write <<'YAML'
overrides:
  t: {ingestion_rate_mbb: 1}
YAML
port2=$(free_port)
out=$(timeout 20 logd -server.http-listen-port="$port2" -common.path-prefix="$TMPDIR_E2E/bad" \
  -runtime-config.file="$rc_file" 2>&1)
expect_eq "invalid runtime config at start: logd exits 1" "1" "$?"
expect_contains "invalid runtime config at start: the message names the key" \
  'overrides.t: unknown field "ingestion_rate_mbb"' "$out"

# The flag form, Loki's -runtime-config.file.
rc_write <<'YAML'
overrides:
  fake: {max_line_size: 1KB}
YAML
d3=$TMPDIR_E2E/flag
port3=$(free_port)
printf 'limits_config: {max_line_size: 100}\n' >"$d3.yaml"
logd -config.file="$d3.yaml" -server.http-listen-port="$port3" -common.path-prefix="$d3" \
  -runtime-config.file="$rc_file" -runtime-config.reload-period=1s 2>>"$d3.log" &
rc_pids+=("$!")
if rc_wait_ready "$port3" "$d3.log"; then
  url="http://127.0.0.1:$port3"
  expect_eq "-runtime-config.file: the override applies (no auth: tenant fake)" "204" "$(rc_push fake "$line500")"
else
  fail "-runtime-config.file: logd started" "$(tail -3 "$d3.log")"
fi
