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
  # used by the benchmarks and end-to-end tests as reference tools
  jq ripgrep zstd curl python3 bc procps
  systemd-journal-remote  # logtail journal tests: journal files written from export-format input
  rsyslog  # logtail syslog e2e: rsyslog forwarding to logtail (run unprivileged in the foreground)
  rsyslog-gnutls  # logtail syslog e2e: rsyslog forwarding over TLS (omfwd with the gtls driver)
  prometheus prometheus-alertmanager  # ruler e2e: remote-write receiver and Alertmanager (started on loopback by the test)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
