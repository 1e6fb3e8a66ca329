#!/usr/bin/env bash
# End-to-end tests: run every tests/e2e/*_test.sh (or the files named) against the built binaries
# in $BIN.
#
# Each file runs in its own shell (run_file.sh) under `timeout`, in its own process group and
# with its own temporary directory: a file that hangs (a curl waiting forever, a server that never
# answers) fails after E2E_FILE_TIMEOUT seconds instead of stalling `make test`. Whatever a file
# leaves running is killed with its process group when it ends: a stray logd would otherwise hold
# the output pipe open and hang CI.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export BIN=${BIN:-$here/../../build/bin}
export PATH="$BIN:$PATH"
source "$here/lib.sh"
# Seconds one file may run; the slowest files (ruler, objstore, logtail sources) take about a
# minute on a loaded machine.
file_timeout=${E2E_FILE_TIMEOUT:-600}
work=$(mktemp -d)
group=
trap 'rm -rf "$work"' EXIT
trap '[ -n "$group" ] && kill -9 -- "-$group" 2>/dev/null; exit 130' INT TERM

# Arguments name test files to run (e.g. logtail_sd_test.sh); none runs them all.
files=("$here"/*_test.sh)
[ $# -gt 0 ] && files=("${@/#/$here/}")
for t in "${files[@]}"; do
  name=$(basename "$t")
  echo "== $name"
  counts="$work/$name.counts"
  export TMPDIR_E2E
  TMPDIR_E2E=$(mktemp -d)
  # timeout puts itself and the file's shell in a new process group (its PID) and signals the
  # whole group on expiry; -k follows up with SIGKILL for what ignores SIGTERM.
  timeout -k 10 "$file_timeout" bash "$here/run_file.sh" "$t" "$counts" </dev/null &
  group=$!
  wait "$group"
  rc=$?
  kill -9 -- "-$group" 2>/dev/null
  rm -rf "$TMPDIR_E2E"
  p=0 f=0 end=
  [ -s "$counts" ] && read -r p f end <"$counts"
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    fail "$name finished within ${file_timeout}s" "timed out (exit $rc); it was stopped with what it started"
  elif [ "$end" != done ]; then
    fail "$name ran to its end" "its shell exited with $rc before its last line"
  fi
done
summary
