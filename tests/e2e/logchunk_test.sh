# logchunk end to end, on chunks written by a real logd: inspect, cat (piped into logcli),
# verify (and a corrupted chunk: verify names the block, a logd query skips it with a warning),
# compact and recompress with query results unchanged. Every logd started here is killed by the
# trap.
lc_pids=()
lc_cleanup() { for p in "${lc_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'lc_cleanup; rm -rf "$TMPDIR_E2E"' EXIT

lc_port() { free_port; }
# This file works on chunk files: logd packs none into segments here (segments have their own
# file, logd_segments_test.sh).
lc_conf=$TMPDIR_E2E/lc-no-segments.yaml
printf 'storage_config:\n  segment_chunk_max_size: 0\n' > "$lc_conf"
lc_start() { start_logd "$@" -config.file="$lc_conf" || return 1; lc_pid=$started_logd_pid; lc_pids+=("$lc_pid"); }  # dir port: sets lc_pid, waits for /ready
lc_stop() { kill -TERM "$lc_pid"; wait "$lc_pid" 2>/dev/null; }
lc_push() {  # url app line ts
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary \
    '{"streams":[{"stream":{"app":"'"$2"'","env":"e2e"},"values":[["'"$4"'","'"$3"'"]]}]}' "$1/loki/api/v1/push"
}
lc_query() {  # url query: every line of the last two hours, oldest first, one per line
  curl -s -G "$1/loki/api/v1/query_range" --data-urlencode "query=$2" --data-urlencode limit=5000 \
    --data-urlencode direction=forward --data-urlencode "start=$(( $(date +%s) - 7200 ))" |
    python3 -c 'import json,sys
d=json.load(sys.stdin)
rows=sorted((int(t),l) for s in d["data"]["result"] for t,l in s["values"])
print("\n".join("%d %s" % r for r in rows))'
}

d=$TMPDIR_E2E/lc
port=$(lc_port)
url="http://127.0.0.1:$port"
base=$(( ($(date +%s) - 600) * 1000000000 ))
# Three logd runs, each flushed by SIGTERM: three small chunks per stream.
codes=""
for round in 1 2 3; do
  lc_start "$d" "$port"
  for i in 1 2 3 4 5; do
    ts=$((base + round * 1000 + i))
    codes+=$(lc_push "$url" api "api round $round entry $i user=u$i" "$ts")
    codes+=$(lc_push "$url" web "web round $round entry $i" "$ts")
  done
  lc_stop
done
expect_eq "logchunk: logd accepted every push" "$(printf '204%.0s' $(seq 1 30))" "$codes"
chunks=$(find "$d/store/fake/chunks" -name '*.chunk' | sort)
expect_eq "logchunk: logd flushed three chunks per stream" 6 "$(echo "$chunks" | wc -l)"
first=$(echo "$chunks" | head -1)

out=$(logchunk inspect "$first")
expect_contains "logchunk inspect: tenant" "tenant:       fake" "$out"
expect_contains "logchunk inspect: labels" 'env="e2e"' "$out"
expect_contains "logchunk inspect: entries" "entries:      5" "$out"
expect_contains "logchunk inspect: block table" "compressed uncompressed  entries  ratio" "$out"
expect_contains "logchunk inspect: ratio" "ratio:" "$out"

api_chunks=$(for c in $chunks; do logchunk inspect "$c" | grep -q 'app="api"' && echo "$c"; done)
lines=$(logchunk cat $api_chunks | logcli query --stdin --stdin-format=jsonl --forward --limit=0 -o raw '{app="api"} |= "round 2"')
expect_eq "logchunk cat | logcli query --stdin-format=jsonl" \
  "$(printf 'api round 2 entry %s user=u%s\n' 1 1 2 2 3 3 4 4 5 5)" "$lines"
n=$(logchunk cat $chunks | wc -l)
expect_eq "logchunk cat: every entry of every chunk" 30 "$n"
one=$(logchunk cat "$first" | head -1)
expect_contains "logchunk cat: logcli's jsonl form" '{"labels":{"app":' "$one"
expect_contains "logchunk cat: RFC3339Nano timestamps" '"timestamp":"20' "$one"

expect_status "logchunk verify: sound chunks exit 0" 0 logchunk verify $chunks
out=$(logchunk verify "$d")
expect_eq "logchunk verify DIR: every chunk below the data dir" "$(echo $chunks | wc -w)" "$(echo "$out" | grep -c ': ok$')"

lc_start "$d" "$port"
before_all=$(lc_query "$url" '{env="e2e"}')
lc_stop
expect_eq "logchunk: logd serves all 30 entries before maintenance" 30 "$(echo "$before_all" | wc -l)"

out=$(logchunk compact --path "$d" --dry-run)
expect_contains "logchunk compact --dry-run: plans both streams" "6 chunks" "$out"
expect_eq "logchunk compact DIR --dry-run: the data dir as an operand" "$out" "$(logchunk compact "$d" --dry-run)"
expect_eq "logchunk compact --dry-run: changes nothing" 6 "$(find "$d/store/fake/chunks" -name '*.chunk' | wc -l)"
out=$(logchunk compact --path "$d")
expect_contains "logchunk compact: merged" "into 2 chunks" "$out"
expect_eq "logchunk compact: one chunk per stream left" 2 "$(find "$d/store/fake/chunks" -name '*.chunk' | wc -l)"
expect_eq "logchunk compact: one index file left" 1 "$(find "$d/store/fake/index" -name '*.idx' | wc -l)"
expect_eq "logchunk compact: logcli --store sees the same entries" 30 \
  "$(logcli query --store "$d" --limit=0 --since=2h -o raw '{env="e2e"}' 2>/dev/null | wc -l)"
lc_start "$d" "$port"
expect_eq "logchunk compact: logd query results unchanged" "$before_all" "$(lc_query "$url" '{env="e2e"}')"
lc_stop

out=$(logchunk recompress --path "$d" --level 19)
expect_contains "logchunk recompress: rewrote the chunks" "recompress: tenant fake" "$out"
expect_status "logchunk recompress: the chunks verify" 0 logchunk verify $(find "$d/store/fake/chunks" -name '*.chunk')
lc_start "$d" "$port"
expect_eq "logchunk recompress: logd query results unchanged" "$before_all" "$(lc_query "$url" '{env="e2e"}')"
lc_stop
logchunk recompress --path "$d" >/dev/null 2>&1
expect_eq "logchunk recompress: --level is required" 1 $(($? != 0))

# A corrupted block: verify names it and fails; logd answers the rest with a warning.
web=$(for c in $(find "$d/store/fake/chunks" -name '*.chunk'); do logchunk inspect "$c" | grep -q 'app="web"' && echo "$c"; done)
# The block table of inspect gives block 0's offset and compressed size: flip a byte inside it.
read -r _ off size _ < <(logchunk inspect "$web" | awk '$1 == "0" { print; exit }')
python3 - "$web" "$off" "$size" <<'PY'
import sys
p, off, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(p, "rb").read())
b[off + size // 2] ^= 0xff
open(p, "wb").write(bytes(b))
PY
out=$(logchunk verify "$web")
expect_eq "logchunk verify: corrupt chunk exits 1" 1 $?
expect_contains "logchunk verify: names the bad block" "block 0" "$out"
lc_start "$d" "$port"
got=$(lc_query "$url" '{env="e2e"}' | wc -l)
expect_eq "logchunk: logd skips the corrupt chunk and answers the rest" 15 "$got"
lc_stop
expect_contains "logchunk: logd warned about the corrupt chunk" "corrupt" "$(cat "$d.log")"
logchunk frobnicate >/dev/null 2>&1
expect_eq "logchunk: an unknown command fails" 1 $(($? != 0))
