#!/usr/bin/env bash
# Runs the unit tests, then the end-to-end tests, and ends with one line counting both:
# "tests: N passed, M failed". Exit code non-zero when anything failed.
# usage: scripts/test.sh BUILD_DIR
set -u
build=${1:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$build/bin/unit-tests" 2>&1 | tee "$log"
unit_rc=${PIPESTATUS[0]}
BIN=$(cd "$build/bin" && pwd) bash tests/e2e/run.sh 2>&1 | tee -a "$log"
e2e_rc=${PIPESTATUS[0]}

# doctest: "[doctest] test cases: 12 | 11 passed | 1 failed | 0 skipped"; ours: "e2e: 9 passed, 0 failed".
read -r up uf < <(sed -n 's/.*test cases: *[0-9]* | *\([0-9]*\) passed | *\([0-9]*\) failed.*/\1 \2/p' "$log" | tail -1)
read -r ep ef < <(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$log" | tail -1)
up=${up:-0} uf=${uf:-0} ep=${ep:-0} ef=${ef:-0}
[ "$unit_rc" -ne 0 ] && [ "$uf" -eq 0 ] && uf=1  # a crash before doctest's summary still counts
[ "$e2e_rc" -ne 0 ] && [ "$ef" -eq 0 ] && ef=1
echo "tests: $((up + ep)) passed, $((uf + ef)) failed"
[ "$unit_rc" -eq 0 ] && [ "$e2e_rc" -eq 0 ]
