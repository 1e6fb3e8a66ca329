# The README's forensics walkthrough and cron line, run as written: the same commands, with only
# the data paths pointed at a temp dir. A README edit that breaks them fails here.
rd_dir=$TMPDIR_E2E/readme
mkdir -p "$rd_dir"
rd_port=$(free_port)
start_logd "$rd_dir/logd" "$rd_port"
rd_pid=$started_logd_pid
now=$(date +%s%N)
body='{"streams":[{"stream":{"job":"varlogs","app":"api"},"values":['
body+="[\"$((now - 3000000000))\",\"level=info msg=started\"],"
body+="[\"$((now - 2000000000))\",\"level=error msg=\\\"panic: nil map\\\"\"],"
body+="[\"$((now - 1000000000))\",\"level=error msg=\\\"panic: index out of range\\\"\"]]},"
body+='{"stream":{"job":"varlogs","app":"debug"},"values":['
body+="[\"$((now - 1000000000))\",\"level=debug msg=tick\"]]}]}"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data "$body" \
  "http://127.0.0.1:$rd_port/loki/api/v1/push")
expect_eq "readme: push accepted" "204" "$code"
kill -TERM "$rd_pid"
wait "$rd_pid" 2>/dev/null

# Extract the ```sh blocks of the forensics section and the cron line, then substitute paths.
readme=$(dirname "${BASH_SOURCE[0]}")/../../README.md
forensics=$(awk '/^## Forensics/{on=1} /^## Retention/{on=0} on && /^```sh/{b=1; next} on && /^```/{b=0} b' "$readme")
forensics=${forensics//\/var\/lib\/logd/$rd_dir\/logd}
forensics=${forensics//\/tmp\/evidence/$rd_dir\/evidence}
out=$(cd "$rd_dir" && bash -c "$forensics" 2>"$rd_dir/forensics.err")
expect_eq "readme forensics: panics.jsonl holds the two panics" "2" "$(wc -l < "$rd_dir/panics.jsonl" | tr -d ' ')"
expect_contains "readme forensics: labels from the copy" "job" "$out"
expect_contains "readme forensics: chunk piped through logcli finds the errors" 'msg="panic: index out of range"' "$out"
expect_contains "readme forensics: count_over_time over the jsonl" '"values"' "$out"
expect_contains "readme forensics: verify reports no problems" "0 problems" "$(cat "$rd_dir/forensics.err") $out"

cron=$(sed -n 's/^15 3 \* \* \* //p' "$readme")
cron=${cron//\/var\/lib\/logd/$rd_dir\/logd}
expect_status "readme cron line runs" 0 bash -c "$cron"
# Nothing here is older than 24h: everything stays.
left=$(logcli --store "$rd_dir/logd" query -q --since=1h --limit=0 -o raw '{job="varlogs"}' | wc -l | tr -d ' ')
expect_eq "readme cron: nothing young was deleted" "4" "$left"

# The README's logd configuration snippet is a valid config.
awk '/^### logd: configuration/{on=1} on && /^```yaml/{b=1; next} on && b && /^```/{exit} b' "$readme" > "$rd_dir/logd.yaml"
expect_status "readme: logd config snippet parses" 0 logd -config.file="$rd_dir/logd.yaml" -print-config
