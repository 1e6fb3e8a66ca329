# logd's built-in authentication (auth section): htpasswd users with bcrypt hashes and hashed
# bearer tokens, each granted tenants and a role. Missing or wrong credentials: 401 with
# WWW-Authenticate; a tenant not granted: 403; a push-only credential cannot query (403); a failed
# login slows its source (429, Retry-After); logtail (bearer_token, basic_auth), logcli
# (--username/--password, --bearer-token) and curl work with it; the credentials file is read
# again (a new user works, an invalid file is kept out and counted).
au_pids=()
au_cleanup() { for p in "${au_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'au_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

bcrypt() { python3 -W ignore -c 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' "$1"; }
sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
au_status() {  # curl args...: prints the HTTP status
  curl -s -o "$TMPDIR_E2E/answer" -D "$TMPDIR_E2E/headers" -w '%{http_code}' "$@"
}
au_push() {  # tenant line curl-auth-args...: pushes one line, prints the status
  local tenant=$1 line=$2
  shift 2
  au_status "$@" -H "X-Scope-OrgID: $tenant" -H 'Content-Type: application/json' --data-binary \
    "{\"streams\":[{\"stream\":{\"app\":\"auth\"},\"values\":[[\"$(date +%s%N)\",\"$line\"]]}]}" "$url/loki/api/v1/push"
}
au_until() {  # description command...: retries for up to 10 s
  local what=$1
  shift
  for _ in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
  echo "timed out waiting for: $what" >&2
  return 1
}

d=$TMPDIR_E2E/auth
mkdir -p "$d.conf"
printf 'reader:%s\nroot:%s\n' "$(bcrypt reader-pw)" "$(bcrypt root-pw)" >"$d.conf/users.htpasswd"
push_token=push-token-$RANDOM$RANDOM
write_credentials() {  # extra user block (optional)
  cat >"$d.conf/credentials.yaml.tmp" <<YAML
htpasswd_file: users.htpasswd
users:
  - {username: reader, tenants: [team-a], role: query}
  - {username: root, tenants: ["*"], role: admin}
$1
tokens:
  - name: shipper
    sha256: $(sha256 "$push_token")
    tenants: [team-a]
    role: push
YAML
  mv "$d.conf/credentials.yaml.tmp" "$d.conf/credentials.yaml"
}
write_credentials ""
port=$(free_port)
url="http://127.0.0.1:$port"
cat >"$d.yaml" <<YAML
auth_enabled: true
server: {http_listen_address: 127.0.0.1, http_listen_port: $port}
common: {path_prefix: $d}
auth:
  enabled: true
  credentials_file: $d.conf/credentials.yaml
  reload_period: 1s
  failed_login_delay: 1s
  failed_login_max_delay: 2s
YAML
logd -config.file="$d.yaml" 2>>"$d.log" &
au_pids+=("$!")
for _ in $(seq 1 200); do curl -sf "$url/ready" >/dev/null 2>&1 && break; sleep 0.05; done
expect_eq "auth: /ready stays open" "200" "$(au_status "$url/ready")"

expect_eq "auth: a push without credentials is 401" "401" "$(au_push team-a nope)"
expect_contains "auth: 401 carries WWW-Authenticate" 'WWW-Authenticate: Basic realm="logd"' "$(cat "$TMPDIR_E2E/headers")"
expect_eq "auth: the push token pushes to its tenant" "204" "$(au_push team-a "from curl" -H "Authorization: Bearer $push_token")"
expect_eq "auth: the push token may not push to another tenant (403)" "403" \
  "$(au_push team-b "x" -H "Authorization: Bearer $push_token")"
expect_eq "auth: a push-only credential cannot query (403)" "403" \
  "$(au_status -H "Authorization: Bearer $push_token" -H 'X-Scope-OrgID: team-a' "$url/loki/api/v1/labels")"
expect_contains "auth: the 403 says which role is needed" "has role push; this endpoint needs query" "$(cat "$TMPDIR_E2E/answer")"
expect_eq "auth: a query credential cannot push (403)" "403" "$(au_push team-a "x" -u reader:reader-pw)"
expect_eq "auth: the reader queries its tenant with curl" "200" \
  "$(au_status -u reader:reader-pw -H 'X-Scope-OrgID: team-a' "$url/loki/api/v1/labels")"
expect_eq "auth: the reader may not query team-b (403)" "403" \
  "$(au_status -u reader:reader-pw -H 'X-Scope-OrgID: team-b' "$url/loki/api/v1/labels")"
expect_eq "auth: nor team-a|team-b (403)" "403" \
  "$(au_status -u reader:reader-pw -H 'X-Scope-OrgID: team-a|team-b' "$url/loki/api/v1/labels")"
expect_eq "auth: /metrics needs admin (403 for the reader)" "403" "$(au_status -u reader:reader-pw "$url/metrics")"
expect_eq "auth: the admin reads /metrics" "200" "$(au_status -u root:root-pw "$url/metrics")"
expect_eq "auth: a tail upgrade without credentials is 401" "401" \
  "$(au_status -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
     -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'X-Scope-OrgID: team-a' \
     "$url/loki/api/v1/tail?query=%7Bapp%3D%22auth%22%7D")"

# logtail ships with a bearer token, logcli reads with basic auth.
mkdir -p "$d.logs"
echo "from logtail" >"$d.logs/app.log"
cat >"$d.promtail.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $d.positions.yaml}
clients:
  - url: $url/loki/api/v1/push
    tenant_id: team-a
    bearer_token: $push_token
    batchwait: 100ms
  - url: $url/loki/api/v1/push
    tenant_id: team-b
    basic_auth: {username: root, password: root-pw}
    batchwait: 100ms
scrape_configs:
  - job_name: files
    static_configs:
      - targets: [localhost]
        labels: {app: auth, __path__: $d.logs/*.log}
YAML
logtail -config.file="$d.promtail.yaml" 2>>"$d.logtail.log" &
au_pids+=("$!")
lc() { logcli --addr="$url" --org-id=team-a "$@" query --quiet --output=raw --since=1h '{app="auth"}' 2>&1 | sort; }
au_until "logtail's line" bash -c "logcli --addr='$url' --org-id=team-a --username=reader --password=reader-pw \
  query --quiet --output=raw --since=1h '{app=\"auth\"}' 2>/dev/null | grep -q 'from logtail'"
expect_eq "auth: logtail (bearer_token) pushed, logcli (--username/--password) reads" \
  "$(printf 'from curl\nfrom logtail')" "$(lc --username=reader --password=reader-pw)"
expect_eq "auth: logcli with the admin's basic auth reads too" \
  "$(printf 'from curl\nfrom logtail')" "$(lc --username=root --password=root-pw)"
au_until "logtail's basic_auth client" bash -c "logcli --addr='$url' --org-id=team-b --username=root --password=root-pw \
  query --quiet --output=raw --since=1h '{app=\"auth\"}' 2>/dev/null | grep -q 'from logtail'"
expect_eq "auth: logtail's basic_auth client pushed to team-b" "from logtail" \
  "$(logcli --addr="$url" --org-id=team-b --username=root --password=root-pw query --quiet --output=raw --since=1h \
     '{app="auth"}' 2>&1)"
expect_status "auth: logcli with a push-only bearer token fails" 1 \
  logcli --addr="$url" --org-id=team-a --bearer-token="$push_token" query --quiet --since=1h '{app="auth"}'

# A wrong password: 401, and the source waits before its next attempt (429, Retry-After).
expect_eq "auth: a wrong password is 401" "401" \
  "$(au_status -u reader:guess -H 'X-Scope-OrgID: team-a' "$url/loki/api/v1/labels")"
expect_eq "auth: right after, even the right password waits (429)" "429" \
  "$(au_status -u reader:reader-pw -H 'X-Scope-OrgID: team-a' "$url/loki/api/v1/labels")"
expect_contains "auth: 429 says when to retry" "Retry-After: 1" "$(cat "$TMPDIR_E2E/headers")"
sleep 1.2
expect_eq "auth: an unknown user is 401 as well" "401" \
  "$(au_status -u mallory:reader-pw -H 'X-Scope-OrgID: team-a' "$url/loki/api/v1/labels")"
sleep 2.2
expect_eq "auth: a bad token is 401" "401" "$(au_push team-a x -H 'Authorization: Bearer wrong')"
sleep 2.2
metrics=$(curl -s -u root:root-pw "$url/metrics")
expect_contains "auth: failed logins are counted" 'logd_auth_failed_logins_total{reason="invalid"} 3' "$metrics"
expect_contains "auth: throttled requests are counted" 'logd_auth_throttled_requests_total 1' "$metrics"
expect_contains "auth: forbidden requests are counted" 'logd_auth_forbidden_requests_total{reason="tenant"} 3' "$metrics"

# Reload: a new user works once the file is read again; an invalid file is kept out.
printf 'writer:%s\n' "$(bcrypt writer-pw)" >>"$d.conf/users.htpasswd"
write_credentials "  - {username: writer, tenants: [team-b], role: push}"
# (polled in the log, so that no failed login slows this source meanwhile)
au_until "the new credentials" bash -c "[ \$(grep -c 'msg=\"auth credentials loaded\"' '$d.log') -ge 2 ]"
expect_eq "auth reload: the new user pushes to its tenant" "204" "$(au_push team-b "from writer" -u writer:writer-pw)"
printf 'users: [{username: reader, tenants: [team-a], role: reeder}]\n' >"$d.conf/credentials.yaml"
au_until "the failed reload" bash -c "curl -s -u root:root-pw '$url/metrics' | grep -qx 'logd_auth_credentials_last_reload_successful 0'"
expect_contains "auth reload: an invalid file is logged with its key path" 'users[0].role: unknown role \"reeder\"' "$(cat "$d.log")"
expect_eq "auth reload: the last good credentials still work" "204" "$(au_push team-b "still" -u writer:writer-pw)"

# An invalid credentials file at start stops logd; auth without auth_enabled is a config error.
port2=$(free_port)
cat >"$d.bad.yaml" <<YAML
auth_enabled: true
server: {http_listen_port: $port2}
common: {path_prefix: $d.bad}
auth: {enabled: true, credentials_file: $d.conf/credentials.yaml}
YAML
out=$(timeout 20 logd -config.file="$d.bad.yaml" 2>&1)
expect_eq "auth: an invalid credentials file at start: exit 1" "1" "$?"
expect_contains "auth: the message names the file and key" "users[0].role" "$out"
printf 'auth: {enabled: true, credentials_file: x}\n' >"$d.noauth.yaml"
out=$(timeout 20 logd -config.file="$d.noauth.yaml" 2>&1)
expect_contains "auth: auth.enabled without auth_enabled is refused" "auth.enabled: requires auth_enabled: true" "$out"
