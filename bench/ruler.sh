#!/usr/bin/env bash
# Ruler benchmark (issue 17): 1,000 rules over 10,000 streams, evaluated every 10 s by logd's
# ruler. 100 groups of 10 rules (alternating alerting and recording rules, each over one app's
# 100 streams; one rule in ten over all 10,000 streams). Reports logd's CPU per evaluation cycle
# (/proc/<pid>/stat utime+stime over whole cycles, the ingest excluded), the evaluation time the
# ruler measured per cycle, and missed iterations (must be 0).
#
#   BIN=build/bin bash bench/ruler.sh                 # 6 cycles of 10 s
#   BENCH_RULER_CYCLES=2 bash bench/ruler.sh          # quicker
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../build/bin}
CYCLES=${BENCH_RULER_CYCLES:-6}
STREAMS=${BENCH_RULER_STREAMS:-10000}
RULES=${BENCH_RULER_RULES:-1000}
INTERVAL=${BENCH_RULER_INTERVAL:-10}
[ -x "$BIN/logd" ] || { echo "ruler.sh: $BIN/logd is missing (make tools)" >&2; exit 1; }
out=$here/out
mkdir -p "$out"
work=$(mktemp -d "$out/ruler-bench.XXXXXX")
pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
metric_sum() {  # NAME: the sum of every series of that metric on logd's /metrics
  curl -s "$addr/metrics" | awk -v n="$1" 'index($0, n "{") == 1 || index($0, n " ") == 1 {s += $NF} END {printf "%.6f\n", s}'
}

# The rules: group g covers app g % 100; the last rule of every tenth group reads all streams.
mkdir -p "$work/rules/fake"
python3 - "$work/rules/fake/bench.yaml" "$RULES" <<'EOF'
import sys
path, rules = sys.argv[1], int(sys.argv[2])
lines = ["groups:"]
for g in range(rules // 10):
    app = g % 100
    lines += [f"  - name: g{g:03d}", "    rules:"]
    for r in range(10):
        sel = '{job="bench"}' if r == 9 and g % 10 == 0 else f'{{job="bench", app="app{app}"}}'
        if r % 2 == 0:
            lines += [f"      - alert: Errors{g}_{r}",
                      f"        expr: sum by (app) (count_over_time({sel} |= \"error\" [5m])) > 1000000",
                      "        for: 1m"]
        else:
            lines += [f"      - record: bench:lines:g{g}_{r}",
                      f"        expr: sum by (app) (count_over_time({sel} [5m]))"]
open(path, "w").write("\n".join(lines) + "\n")
EOF

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
addr="http://127.0.0.1:$port"
cat >"$work/logd.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: $port}
common: {path_prefix: $work/data}
limits_config: {ingestion_rate_mb: 1000, ingestion_burst_size_mb: 1000, max_global_streams_per_user: 0,
                max_query_series: 0}
ruler:
  evaluation_interval: ${INTERVAL}s
  poll_interval: 1h
  storage: {type: local, local: {directory: $work/rules}}
YAML
"$BIN/logd" -config.file="$work/logd.yaml" 2>"$work/logd.log" &
pid=$!
for _ in $(seq 1 200); do curl -sf "$addr/ready" >/dev/null 2>&1 && break; sleep 0.05; done

# 10,000 streams of 10 lines each, pushed in bodies of 1,000 streams, stamped the last minute.
python3 - "$addr" "$STREAMS" <<'EOF'
import json, sys, time, urllib.request
addr, streams = sys.argv[1], int(sys.argv[2])
now = time.time_ns()
for start in range(0, streams, 1000):
    body = {"streams": []}
    for s in range(start, min(streams, start + 1000)):
        values = [[str(now - (10 - i) * 5_000_000_000 + s), f"level={'error' if i % 5 == 0 else 'info'} stream={s} line={i}"]
                  for i in range(10)]
        body["streams"].append({"stream": {"job": "bench", "app": f"app{s % 100}", "pod": f"pod{s}"}, "values": values})
    req = urllib.request.Request(addr + "/loki/api/v1/push", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
EOF

# Measure whole cycles: from one group-evaluation count boundary to CYCLES intervals later.
iters() { metric_sum loki_prometheus_rule_group_duration_seconds_count | cut -d. -f1; }
groups=$((RULES / 10))
for _ in $(seq 1 $((INTERVAL * 40))); do [ "$(iters)" -ge "$groups" ] && break; sleep 0.25; done
cpu0=$(cpu_of "$pid")
eval0=$(metric_sum loki_prometheus_rule_group_duration_seconds_sum)
it0=$(iters)
sleep $((CYCLES * INTERVAL))
cpu1=$(cpu_of "$pid")
eval1=$(metric_sum loki_prometheus_rule_group_duration_seconds_sum)
it1=$(iters)
missed=$(metric_sum loki_prometheus_rule_group_iterations_missed_total | cut -d. -f1)
failures=$(metric_sum loki_prometheus_rule_evaluation_failures_total | cut -d. -f1)
cycles=$(python3 -c "print(($it1 - $it0) / $groups)")
echo
echo "### Ruler: $RULES rules over $STREAMS streams, every ${INTERVAL}s ($CYCLES cycles measured, $(nproc) cores)"
echo
echo "| logd CPU per cycle | evaluation time per cycle (sum over groups) | group evaluations | missed iterations | rule failures |"
echo "|---|---|---|---|---|"
python3 -c "
cycles = $cycles
print('| %.3f s | %.3f s | %d (%.1f cycles) | %s | %s |' % (($cpu1 - $cpu0) / $CYCLES, ($eval1 - $eval0) / max(cycles, 1e-9), $it1 - $it0, cycles, '$missed', '$failures'))"
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
pid=""
