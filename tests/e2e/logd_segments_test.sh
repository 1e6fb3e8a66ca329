# Segment objects end to end: a SIGTERM flush of many small streams writes a few segment files
# (not one file per stream); queries after a restart and logcli --store return every line;
# logchunk inspects, cats and verifies a segment; logidx verify, rebuild, retention and delete
# work on it; a segment goes only with the last chunk that points into it. Every logd started
# here is killed by the trap.
sg_pids=()
sg_cleanup() { for p in "${sg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'sg_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

sg_start() { start_logd "$@" || return 1; sg_pid=$started_logd_pid; sg_pids+=("$sg_pid"); }  # dir port [flags]
sg_stop() { kill -TERM "$sg_pid"; wait "$sg_pid" 2>/dev/null; }
sg_store_count() {  # dir selector: entries of the last 6 hours, read from the files
  logcli query --store "$1" --since=6h --limit=0 -o raw "$2" 2>/dev/null | wc -l
}
sg_count() {  # url selector
  curl -s -G "$1/loki/api/v1/query" --data-urlencode "query=sum(count_over_time($2[6h]))" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}

d=$TMPDIR_E2E/sg
port=$(free_port)
url="http://127.0.0.1:$port"
old=$(( ($(date +%s) - 3 * 3600) * 1000000000 ))
# 500 streams x 2 lines in one push body: app s0..s499, team a (even) or b (odd).
python3 - "$old" > "$d.push.json" <<'PY'
import json, sys
base = int(sys.argv[1])
streams = [{"stream": {"app": "s%d" % i, "team": "ab"[i % 2]},
            "values": [[str(base + i * 1000), "line one of s%d" % i], [str(base + i * 1000 + 1), "line two of s%d" % i]]}
           for i in range(500)]
print(json.dumps({"streams": streams}))
PY
sg_start "$d" "$port"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$d.push.json" \
  "$url/loki/api/v1/push")
expect_eq "segments: logd accepted the push" 204 "$code"
sg_stop

segs=$(find "$d/store/fake/chunks" -name '*.seg' | sort)
expect_eq "segments: the flush of 500 streams wrote one segment" 1 "$(echo "$segs" | grep -c .)"
expect_eq "segments: and no chunk file per stream" 0 "$(find "$d/store/fake/chunks" -name '*.chunk' | wc -l)"
expect_eq "segments: all lines readable with logcli --store" 1000 "$(sg_store_count "$d" '{app=~".+"}')"

sg_start "$d" "$port"
expect_eq "segments: a restarted logd serves every line from the segment" 1000 "$(sg_count "$url" '{app=~".+"}')"
got=$(curl -s -G "$url/loki/api/v1/query_range" --data-urlencode 'query={app="s321"}' \
  --data-urlencode direction=forward --data-urlencode "start=$((old - 1000000000))" |
  python3 -c 'import json,sys; print(",".join(v[1] for s in json.load(sys.stdin)["data"]["result"] for v in s["values"]))')
expect_eq "segments: one stream's lines, in order" "line one of s321,line two of s321" "$got"
sg_stop

seg=$(echo "$segs" | head -1)
out=$(logchunk inspect "$seg")
expect_contains "logchunk inspect SEGMENT: lists its chunks" "segment $seg: 500 chunks" "$out"
expect_eq "logchunk inspect SEGMENT: describes each chunk" 500 "$(echo "$out" | grep -c '^tenant: *fake')"
expect_eq "logchunk cat SEGMENT: every entry" 1000 "$(logchunk cat "$seg" | wc -l)"
first=$(echo "$out" | grep -o "$seg@[0-9]*+[0-9]*" | head -1)
expect_eq "logchunk cat SEGMENT@OFFSET+LENGTH: one chunk" 2 "$(logchunk cat "$first" | wc -l)"
out=$(logchunk verify "$d")
expect_eq "logchunk verify DIR: every chunk of the segment ok" 500 "$(echo "$out" | grep -c ': ok$')"
cp "$seg" "$d.seg.bak"
python3 - "$seg" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[200] ^= 0x20  # inside one of the first chunks
open(p, "wb").write(bytes(b))
PY
out=$(logchunk verify "$seg")
expect_eq "logchunk verify: a damaged chunk in a segment fails the run" 1 $?
expect_contains "logchunk verify: names the chunk's CRC32C mismatch" "CRC32C mismatch" "$out"
cp "$d.seg.bak" "$seg"

out=$(logidx verify --path "$d" --grace 0s)
expect_eq "logidx verify: a store with segments is sound" 0 $?
expect_contains "logidx verify: every ref checked, no orphan" "0 problems, 0 unindexed" "$out"

rm -rf "$d/store/fake/index"
expect_eq "logidx rebuild: without an index nothing is visible" 0 "$(sg_store_count "$d" '{app=~".+"}')"
out=$(logidx rebuild --path "$d")
expect_contains "logidx rebuild: indexed every chunk of the segment" "500 chunks of 500 series indexed" "$out"
expect_eq "logidx rebuild: every line is back" 1000 "$(sg_store_count "$d" '{app=~".+"}')"
expect_status "logidx rebuild: verify passes afterwards" 0 logidx verify --path "$d" --grace 0s

# Retention of team a: half the chunks go, the segment stays for team b.
out=$(logidx retention --path "$d" --rule '{team="a"}=1h')
expect_contains "logidx retention: team a's chunks deleted" "250 chunks (500 entries) deleted" "$out"
expect_eq "logidx retention: the segment stays while team b points into it" 1 \
  "$(find "$d/store/fake/chunks" -name '*.seg' | wc -l)"
expect_eq "logidx retention: team b's lines stay" 500 "$(sg_store_count "$d" '{team="b"}')"
expect_eq "logidx retention: team a's lines are gone" 0 "$(sg_store_count "$d" '{team="a"}')"
expect_status "logidx retention: verify passes afterwards" 0 logidx verify --path "$d" --grace 0s

# A delete of one line of s1: its chunk is rewritten as a chunk file of its own.
out=$(logidx delete --path "$d" --selector '{app="s1"}' --from $((old + 1000 + 1)) --to $((old + 1000 + 2)))
expect_contains "logidx delete: rewrote the chunk from the segment" "1 rewritten" "$out"
expect_eq "logidx delete: the rewritten chunk is a file of its own" 1 \
  "$(find "$d/store/fake/chunks" -name '*.chunk' | wc -l)"
expect_eq "logidx delete: exactly that line is gone" "line one of s1" \
  "$(logcli query --store "$d" --since=6h --limit=0 -o raw '{app="s1"}' 2>/dev/null)"
# Deleting the rest of team b: nothing points into the segment any more, and it goes.
logidx delete --path "$d" --selector '{team="b"}' --from $((old - 1)) --to $((old + 1000000000)) >/dev/null
expect_eq "logidx delete: the segment goes with its last chunk" 0 "$(find "$d/store/fake/chunks" -name '*.seg' 2>/dev/null | wc -l)"
expect_eq "logidx delete: nothing left" 0 "$(sg_store_count "$d" '{app=~".+"}')"
expect_status "logidx delete: verify passes afterwards" 0 logidx verify --path "$d" --grace 0s

# Packing off: one chunk file per stream again; a bad value is refused naming the key.
d2=$TMPDIR_E2E/sg2
printf 'storage_config:\n  segment_chunk_max_size: 0\n' > "$d2.yaml"
sg_start "$d2" "$port" -config.file="$d2.yaml"
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary @"$d.push.json" "$url/loki/api/v1/push"
sg_stop
expect_eq "segment_chunk_max_size: 0 writes a chunk file per stream" "500 0" \
  "$(find "$d2/store/fake/chunks" -name '*.chunk' | wc -l) $(find "$d2/store/fake/chunks" -name '*.seg' | wc -l)"
printf 'storage_config:\n  segment_max_size: 1KB\n' > "$d2.bad.yaml"
out=$(timeout 20 logd -config.file="$d2.bad.yaml" -common.path-prefix="$d2" -server.http-listen-port="$port" 2>&1)
expect_eq "segment_max_size out of range: logd refuses to start" 1 $(($? != 0))
expect_contains "segment_max_size out of range: the error names the key" "storage_config.segment_max_size" "$out"
