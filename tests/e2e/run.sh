#!/usr/bin/env bash
# End-to-end tests: run every tests/e2e/*_test.sh against the built binaries in $BIN.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export BIN=${BIN:-$here/../../build/bin}
export PATH="$BIN:$PATH"
source "$here/lib.sh"
export TMPDIR_E2E
TMPDIR_E2E=$(mktemp -d)
trap 'rm -rf "$TMPDIR_E2E"' EXIT
for t in "$here"/*_test.sh; do
  echo "== $(basename "$t")"
  source "$t"
done
summary
