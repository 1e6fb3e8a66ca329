# Stored queries with block filters and read threads (issue 14): a real logd stores a generated
# corpus; logcli --store returns exactly what logcli --stdin returns over the same lines, with
# the filters on and off, with 0 and 2 read threads, forward and backward, with and without a
# limit; logchunk inspect shows the filters. Every logd started here is killed by the trap.
sf_pids=()
sf_cleanup() { for p in "${sf_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'sf_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

d=$TMPDIR_E2E/sf
mkdir -p "$TMPDIR_E2E"
port=$(free_port)
url="http://127.0.0.1:$port"
start_logd "$d" "$port" && sf_pids+=("$started_logd_pid")
pid=$started_logd_pid
base=$(( ($(date +%s) - 900) * 1000000000 ))
# 6000 lines in 3 streams, with rare and common literals, pushed in 6 batches (several chunks
# and blocks per stream).
python3 - "$base" "$TMPDIR_E2E" <<'PY'
import json, random, sys, time
base, out = int(sys.argv[1]), sys.argv[2]
random.seed(14)
lines = []
for i in range(6000):
    words = " ".join(random.choice(["alpha", "beta", "gamma", "delta", "kappa", "omega"]) + str(random.randrange(500)) for _ in range(12))
    line = "level=%s n=%d msg=\"%s\"" % (random.choice(["info", "warn", "error"]), i, words)
    if i % 997 == 5: line += " needle-7f3a"
    if i % 50 == 0: line += " panic: oops"
    lines.append((base + i * 1000, "app%d" % (i % 3), line))
for b in range(6):
    streams = {}
    for ts, app, line in lines[b * 1000:(b + 1) * 1000]:
        streams.setdefault(app, []).append([str(ts), line])
    body = {"streams": [{"stream": {"job": "sf", "app": a}, "values": v} for a, v in streams.items()]}
    open("%s/push%d.json" % (out, b), "w").write(json.dumps(body))
with open(out + "/corpus.jsonl", "w") as f:
    for ts, app, line in lines:
        rfc = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts // 10**9)) + ".%09dZ" % (ts % 10**9)
        f.write(json.dumps({"labels": {"job": "sf", "app": app}, "line": line, "timestamp": rfc}) + "\n")
PY
codes=""
for b in 0 1 2 3 4 5; do
  codes+=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$TMPDIR_E2E/push$b.json" "$url/loki/api/v1/push")
done
expect_eq "store filters: logd accepted the pushes" "204204204204204204" "$codes"
kill -TERM "$pid"
wait "$pid" 2>/dev/null

chunk=$(find "$d/store" -name '*.chunk' | head -1)
inspect=$(logchunk inspect "$chunk" 2>&1)
expect_contains "store filters: logchunk inspect names the format" "version 2, zstd, block trigram filters" "$inspect"
expect_contains "store filters: logchunk inspect shows the filter bytes" "filters:" "$inspect"
expect_eq "store filters: logchunk verify accepts the chunks" "0" "$(logchunk verify $(find "$d/store" -name '*.chunk') >/dev/null 2>&1; echo $?)"

since=$(( $(date +%s) - 3600 ))
for q in '{job="sf"} |= "needle-7f3a"' '{job="sf"} |= "panic"' '{job="sf"} |= "omega4" |= "alpha1"' \
         '{job="sf"} |= "absent-literal"' '{job="sf", app="app1"} |= "needle-7f3a" or "kappa7"' '{job="sf"}'; do
  for dir in --forward ""; do
    for limit in 0 7; do
      want=$(logcli query --stdin --stdin-format=jsonl --limit=$limit $dir -o raw -q "$q" < "$TMPDIR_E2E/corpus.jsonl" 2>&1)
      [ -n "$want" ] || [ "$q" = '{job="sf"} |= "absent-literal"' ] || fail "store filters: stdin reference for $q is empty"
      for flags in "" "--store-read-threads=0" "--no-store-block-filters" "--store-read-threads=0 --no-store-block-filters"; do
        got=$(logcli --store "$d" $flags query --since=1h --limit=$limit $dir -o raw -q "$q" 2>&1)
        expect_eq "store filters: $q ${dir:---backward} limit=$limit [$flags] equals --stdin" "$want" "$got"
      done
    done
  done
done
