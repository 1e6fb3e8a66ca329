#!/usr/bin/env bash
# Runs one end-to-end test file in its own shell, for run.sh: sources lib.sh and the file, keeping
# "PASSED FAILED" up to date in COUNTS_FILE after every check, so that the checks of a file that
# times out or exits early still count. The file's EXIT trap runs when this shell ends.
# usage: run_file.sh TEST_FILE COUNTS_FILE
set -u
here=$(cd "$(dirname "$0")" && pwd)
counts_file=$2
source "$here/lib.sh"
eval "lib_$(declare -f pass)"
eval "lib_$(declare -f fail)"
pass() { lib_pass "$@"; echo "$passed $failed" >"$counts_file"; }
fail() { lib_fail "$@"; echo "$passed $failed" >"$counts_file"; }
echo "0 0" >"$counts_file"
source "$1"
echo "$passed $failed done" >"$counts_file"
