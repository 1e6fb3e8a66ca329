#!/usr/bin/env bash
# End-to-end tests: run every tests/e2e/*_test.sh (or the files named) against the built binaries
# in $BIN.
#
# Test files are sourced into this shell, so every server they start in the background is a
# descendant of it. Whatever a file leaves running is killed when it ends, whichever EXIT trap
# the files installed: a stray logd would otherwise hold the output pipe open and hang CI.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export BIN=${BIN:-$here/../../build/bin}
export PATH="$BIN:$PATH"
source "$here/lib.sh"
export TMPDIR_E2E
TMPDIR_E2E=$(mktemp -d)
root=$$

# descendants PID: every process below PID, children last.
descendants() {
  local c
  for c in $(pgrep -P "$1"); do
    descendants "$c"
    echo "$c"
  done
}
kill_leftovers() {
  local pids
  pids=$(descendants "$root" | grep -vx "$BASHPID")
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  wait 2>/dev/null
  return 0
}
trap 'kill_leftovers; rm -rf "$TMPDIR_E2E"' EXIT

# Arguments name test files to run (e.g. logtail_sd_test.sh); none runs them all.
files=("$here"/*_test.sh)
[ $# -gt 0 ] && files=("${@/#/$here/}")
for t in "${files[@]}"; do
  echo "== $(basename "$t")"
  source "$t"
  kill_leftovers
done
trap 'rm -rf "$TMPDIR_E2E"' EXIT
summary
