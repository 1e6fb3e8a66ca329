#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds, tests and benchmarks with.
# Idempotent: installs only what is missing, so it is cheap to run before every build.
set -euo pipefail

packages=(
  g++ make pkg-config
  libcli11-dev libyaml-cpp-dev libre2-dev nlohmann-json3-dev
  libcurl4-openssl-dev libssl-dev libzstd-dev doctest-dev
  libsnappy-dev libprotobuf-dev protobuf-compiler libboost-dev
  ccache
  zlib1g-dev  # gzip request bodies (lib/http)
  libsystemd-dev  # sd-journal: logtail's journal source (lib/sources)
  libsimdjson-dev  # JSON push bodies (lib/push)
  libpugixml-dev  # S3 answers (ListBucketResult, Error, DeleteResult) in lib/objstore
  libcrypt-dev libargon2-dev  # lib/auth: bcrypt (crypt_r) and Argon2 password hashes of logd's built-in auth
  libmaxminddb-dev  # the geoip stage (lib/stages) reads MaxMind DB files
  # used by the benchmarks and end-to-end tests as reference tools
  jq ripgrep zstd curl python3 bc procps
  systemd-journal-remote  # logtail journal tests: journal files written from export-format input
  rsyslog  # logtail syslog e2e: rsyslog forwarding to logtail (run unprivileged in the foreground)
  rsyslog-gnutls  # logtail syslog e2e: rsyslog forwarding over TLS (omfwd with the gtls driver)
  prometheus prometheus-alertmanager  # ruler e2e: remote-write receiver and Alertmanager (started on loopback by the test)
  python3-botocore  # object-store e2e: the SigV4 checking sink (tests/tools/s3_sigv4_sink.py)
  libmaxmind-db-writer-perl  # geoip stage tests: MaxMind DB files written by tests/tools/make_test_mmdb.pl
  etcd-server etcd-client  # the ring's key-value store (lib/kv) and its e2e test (tests/e2e/ring_etcd_test.sh)
)
# The object-store tests run s3rver (npm) under Node; Debian's nodejs and npm when node is missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# s3rver, the S3 server of the object-store tests, pinned by the committed package-lock.json and
# installed in the project (tests/tools/s3rver/node_modules), never globally. Reinstalled when the
# lock file changes.
s3rver_dir=$(cd "$(dirname "$0")/../tests/tools/s3rver" && pwd)
if [ ! -x "$s3rver_dir/node_modules/.bin/s3rver" ] || [ "$s3rver_dir/package-lock.json" -nt "$s3rver_dir/node_modules/.package-lock.json" ]; then
  echo "setup: installing s3rver (npm ci in $s3rver_dir)" >&2
  (cd "$s3rver_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
