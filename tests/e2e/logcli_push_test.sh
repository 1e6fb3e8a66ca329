# logcli push: jsonl (what `logcli query -o jsonl` prints) re-ingested with labels, structured
# metadata and timestamps; the target's rate limit answers 429 and the copy backs off instead of
# losing entries; a checkpoint makes a rerun send nothing twice; the migration pipeline
# `logcli query -o jsonl | logcli push` copies one tenant's history into another unchanged.
trap 'rm -rf "$TMPDIR_E2E"' EXIT

d=$TMPDIR_E2E/push
port=$(free_port)
url="http://127.0.0.1:$port"
# 48 KiB/s with a 48 KiB burst: the 190 KiB input cannot go through without 429s.
start_logd "$d" "$port" -auth.enabled=true -distributor.ingestion-rate-limit-mb=0.047 \
  -distributor.ingestion-burst-size-mb=0.047 || exit 1

python3 - "$d.in.jsonl" <<'PY'
import json, sys, time
now = time.time_ns() - 30 * 60 * 10**9
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        e = {"labels": {"app": ["web", "db", "queue"][i % 3], "env": "prod"},
             "line": "entry %05d with some padding to make the line longer" % i,
             "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((now + i * 10**8) // 10**9))
                          + ".%09dZ" % ((now + i * 10**8) % 10**9)}
        if i % 10 == 0:
            e["structured_metadata"] = {"trace_id": "t%d" % i}
        f.write(json.dumps(e) + "\n")
PY

# The same entries, as a set of comparable lines (labels, timestamp in ns, line), structured
# metadata merged into the labels (logd_categorize_test.sh checks that it stays apart).
normalize() {
  python3 -c '
import json, sys, datetime
def ns(t):
    base, frac = t.rstrip("Z").split(".") if "." in t else (t.rstrip("Z"), "0")
    s = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()
    return int(s) * 10**9 + int(frac.ljust(9, "0")[:9])
out = []
for l in sys.stdin:
    if not l.strip(): continue
    e = json.loads(l)
    labels = dict(e.get("labels", {}), **e.get("structured_metadata", {}))
    out.append("%s %d %s" % (json.dumps(labels, sort_keys=True), ns(e["timestamp"]), e["line"]))
print("\n".join(sorted(out)))'
}
query_jsonl() {  # tenant
  logcli --addr="$url" --org-id="$1" --quiet -o jsonl -z UTC query '{env="prod"}' --forward --since=2h --limit=0
}

out=$(logcli --addr="$url" --org-id=t1 push --batch-size=16KiB --min-backoff=50ms --max-backoff=300ms \
  --max-retries=0 --checkpoint="$d.ckpt" "$d.in.jsonl" 2>&1)
rc=$?
expect_eq "push: exits 0 when every entry is accepted" 0 "$rc"
expect_contains "push: the summary counts every entry" "3000 read, 3000 accepted" "$out"
limited=$(curl -s "$url/metrics" | awk '/^loki_discarded_samples_total\{.*rate_limited.*t1/ {s += $2} END {print s + 0}')
expect_eq "push: the rate limit answered 429 along the way" 1 "$([ "$limited" -gt 0 ] && echo 1 || echo 0)"
expect_eq "push: every entry arrived once, with its labels, metadata and timestamp" \
  "$(normalize <"$d.in.jsonl")" "$(query_jsonl t1 | normalize)"

expect_eq "push: structured metadata was sent as metadata, not as a stream label" "app env" \
  "$(logcli --addr="$url" --org-id=t1 --quiet labels --since=2h | sort | tr '\n' ' ' | sed 's/ $//')"

out=$(logcli --addr="$url" --org-id=t1 push --checkpoint="$d.ckpt" "$d.in.jsonl" 2>&1)
expect_contains "push: a rerun with the checkpoint reads nothing again" "0 read, 0 accepted" "$out"
expect_contains "push: ... and says where it resumed" "resumed after 3000 entries" "$out"

query_jsonl t1 | logcli --addr="$url" --org-id=t2 push --batch-size=16KiB --min-backoff=50ms --max-backoff=300ms \
  --max-retries=0 2>"$d.pipe.err"
expect_eq "push: query -o jsonl | push exits 0" 0 "$?"
expect_eq "push: the copied tenant answers the same entries" "$(query_jsonl t1 | normalize)" "$(query_jsonl t2 | normalize)"

printf '{"labels":{"app":"x"},"timestamp":"2026-01-01T00:00:00Z"}\n' >"$d.bad.jsonl"
out=$(logcli --addr="$url" --org-id=t1 push "$d.bad.jsonl" 2>&1)
expect_eq "push: bad input exits 2" 2 "$?"
expect_contains "push: ... naming the file and line" 'bad.jsonl: line 1: missing string field "line"' "$out"
out=$(logcli --addr="$url" push "$d.in.jsonl" 2>&1)
expect_eq "push: without a tenant logd's 401 stops the copy" 1 "$?"
expect_contains "push: ... and says why" "stopped: server returned HTTP status 401" "$out"
summary
