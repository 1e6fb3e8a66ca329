# logtail end to end, durability against a real logd: rotation by rename and by copytruncate
# while writing, kill -9 of logtail mid-stream, and logd stopped for a while. In each case every
# line written arrives, and the sorted list of lines in logd equals the sorted list written
# (no loss, no duplicates).
source "$here/logtail_lib.sh"

r=$TMPDIR_E2E/lt-dur
mkdir -p "$r/logs" "$r/logd"
rp=$(lt_free_port)
lt_logd_start "$r/logd" "$rp"
lt_config "$r/cfg.yaml" "$rp" "$r"

# (b) rotation by rename, then by copytruncate, while a writer appends.
q='{job="varlogs"} |= "rot-"'
lt_start "$r/lt.log" -config.file="$r/cfg.yaml"
lt_seq rot 1 200 >>"$r/logs/app.log"
# A file renamed before logtail ever opened it is out of sight (as in Promtail): wait until it is
# being read.
lt_wait_lines "$rp" "$q" 1
mv "$r/logs/app.log" "$r/logs/app.log.1"      # rename: the old file is read to its end,
lt_seq rot 201 250 >>"$r/logs/app.log.1"      # including what the writer still appends to it,
lt_seq rot 251 400 >>"$r/logs/app.log"        # and the new file from its start
lt_wait_lines "$rp" "$q" 400
# copytruncate: copy, then truncate in place (nothing is written between the two, as logrotate
# assumes); logtail sees the file shrink and reads it again from 0.
cp "$r/logs/app.log" "$r/logs/app.log.2"
: >"$r/logs/app.log"
lt_seq rot 401 450 >>"$r/logs/app.log"
lt_wait_lines "$rp" "$q" 450
lt_seq rot 451 500 >>"$r/logs/app.log"
lt_wait_lines "$rp" "$q" 500
sleep 0.5
expect_eq "logtail: rename and copytruncate rotation: every line exactly once" "$(lt_seq rot 1 500)" "$(lt_lines "$rp" "$q")"

# (c) kill -9 mid-stream, then restart. Lines carry their own timestamps (timestamp stage), so a
# line re-sent after the crash (read, shipped, but its position not yet synced) is an exact
# duplicate (same stream, timestamp and line), which logd drops, as Loki does.
kill -TERM "$lt_pid"
wait "$lt_pid"
k=$r/kill
mkdir -p "$k/logs"
lt_config "$k.yaml" "$rp" "$k" "      - regex:
          expression: '^(?P<ts>\\S+) '
      - timestamp:
          source: ts
          format: RFC3339Nano"
sed -i 's/job: varlogs/job: crash/' "$k.yaml"
base=$(date +%s%N)
crash_lines() { for i in $(seq "$1" "$2"); do printf '%s crash-%05d\n' "$(date -u -d "@$(( (base + i * 1000000) / 1000000000 ))" +%Y-%m-%dT%H:%M:%S).$(printf '%09d' $(( (base + i * 1000000) % 1000000000 )))Z" "$i"; done; }
crash_lines 1 600 >"$k/expected"
head -n 300 "$k/expected" >"$k/logs/app.log"
lt_start "$k.log" -config.file="$k.yaml"
sed -n '301,600p' "$k/expected" | while read -r l; do echo "$l" >>"$k/logs/app.log"; done &
writer=$!
lt_wait_lines "$rp" '{job="crash"}' 100
kill -9 "$lt_pid"
wait "$lt_pid" 2>/dev/null
wait "$writer"
lt_start "$k.log" -config.file="$k.yaml"
lt_wait_lines "$rp" '{job="crash"}' 600
sleep 0.5
expect_eq "logtail: kill -9 and restart: no line lost, none duplicated" "$(sort "$k/expected")" "$(lt_lines "$rp" '{job="crash"}')"
kill -TERM "$lt_pid"
wait "$lt_pid"

# (d) logd stopped (SIGTERM) while lines keep coming; started again: everything arrives once.
o=$r/outage
mkdir -p "$o/logs"
lt_config "$o.yaml" "$rp" "$o"
sed -i 's/job: varlogs/job: outage/' "$o.yaml"
lt_seq out 1 100 >"$o/logs/app.log"
lt_start "$o.log" -config.file="$o.yaml"
lt_wait_lines "$rp" '{job="outage"}' 100
kill -TERM "$lt_logd_pid"
wait "$lt_logd_pid" 2>/dev/null
lt_seq out 101 300 >>"$o/logs/app.log"
sleep 2  # logtail retries meanwhile
acked=$(grep -o "$o/logs/app.log: \"[0-9]*\"" "$o/positions.yaml" | grep -o '[0-9]*"$' | tr -d '"')
expect_eq "logtail: positions do not pass what logd has not acknowledged" "$(lt_seq out 1 100 | wc -c)" "$acked"
lt_seq out 301 400 >>"$o/logs/app.log"
lt_logd_start "$r/logd" "$rp"
lt_wait_lines "$rp" '{job="outage"}' 400
sleep 0.5
expect_eq "logtail: logd down and back: every line exactly once" "$(lt_seq out 1 400)" "$(lt_lines "$rp" '{job="outage"}')"
kill -TERM "$lt_pid"
wait "$lt_pid"
expect_eq "logtail: SIGTERM after the outage exits 0" 0 $?
kill -TERM "$lt_logd_pid"
wait "$lt_logd_pid" 2>/dev/null
