# logtail end to end, discovery between syncs: with a long target_config.sync_period, files that
# appear and vanish before the next sync are still read in full, because the directories of the
# globs are watched from the start (issue 15's scenario: an empty directory, 1,000 lines written
# to app.log, the file renamed to app.log.1 a moment later).
source "$here/logtail_lib.sh"
# lt_digest: "<line count> <md5>" of stdin, so a mismatch prints two short lines.
lt_digest() { local x; x=$(cat); echo "$(printf "%s" "$x" | grep -c .) $(printf "%s\n" "$x" | md5sum)"; }
# lt_wait_tailed PATH: waits (20 s at most, a third of the sync period) until logtail tails PATH,
# so the rename or removal that follows happens while the file is open, however slow the machine.
lt_wait_tailed() {
  for _ in $(seq 1 100); do
    [ -n "$(lt_metric "http://$lt_http/metrics" "promtail_read_lines_total{path=\"$1\"}")" ] && return 0
    sleep 0.2
  done
  echo "lt_wait_tailed: logtail does not tail $1 after 20 s" >&2
  return 1
}

d=$TMPDIR_E2E/lt-discovery
mkdir -p "$d/logs" "$d/logd" "$d/deep"
lp=$(lt_free_port)
lt_logd_start "$d/logd" "$lp"
cat >"$d/lt.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0}
positions: {filename: $d/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push", batchwait: 100ms}]
target_config: {sync_period: 60s}
scrape_configs:
  - job_name: flat
    static_configs: [{labels: {job: flat, __path__: "$d/logs/*.log"}}]
  - job_name: later
    static_configs: [{labels: {job: later, __path__: "$d/not-yet/sub/*.log"}}]
  - job_name: deep
    static_configs: [{labels: {job: deep, __path__: "$d/deep/**/*.log"}}]
YAML
lt_start "$d/lt.log" -config.file="$d/lt.yaml"
lt_wait_http "http://$lt_http/targets" "flat" || true

# The issue's scenario: the only sync so far found nothing; the next is a minute away.
lt_seq app 1 1000 >"$d/logs/app.log"
lt_wait_tailed "$d/logs/app.log"
mv "$d/logs/app.log" "$d/logs/app.log.1"
lt_wait_lines "$lp" '{job="flat"}' 1000
expect_eq "logtail: a file created and rotated between syncs is read in full" \
  "1000 $(lt_seq app 1 1000 | md5sum)" "$(lt_lines "$lp" '{job="flat"}' | lt_digest)"

# Created, written and deleted before any sync: read from the descriptor opened on creation.
lt_seq gone 1 200 >"$d/logs/gone.log"
lt_wait_tailed "$d/logs/gone.log"
rm "$d/logs/gone.log"
lt_wait_lines "$lp" '{job="flat"} |= "gone-"' 200
expect_eq "logtail: a file created and deleted between syncs is read in full" \
  "200 $(lt_seq gone 1 200 | md5sum)" "$(lt_lines "$lp" '{job="flat"} |= "gone-"' | lt_digest)"

# Created in directories that did not exist when logtail started (two levels).
mkdir -p "$d/not-yet/sub"
lt_seq late 1 300 >"$d/not-yet/sub/late.log"
lt_wait_tailed "$d/not-yet/sub/late.log"
mv "$d/not-yet/sub/late.log" "$d/not-yet/sub/late.log.1"
lt_wait_lines "$lp" '{job="later"}' 300
expect_eq "logtail: a file in a directory created after start is found before the next sync" \
  "300 $(lt_seq late 1 300 | md5sum)" "$(lt_lines "$lp" '{job="later"}' | lt_digest)"

# Nested directories appearing below `**` later.
mkdir -p "$d/deep/a/b/c"
lt_seq nest 1 100 >"$d/deep/a/b/c/n.log"
lt_wait_tailed "$d/deep/a/b/c/n.log"
mv "$d/deep/a/b/c/n.log" "$d/deep/a/b/c/n.old"
lt_wait_lines "$lp" '{job="deep"}' 100
expect_eq "logtail: a file in a nested directory that appeared under ** is read in full" \
  "100 $(lt_seq nest 1 100 | md5sum)" "$(lt_lines "$lp" '{job="deep"}' | lt_digest)"

# A file moved into a watched directory (mv from elsewhere) is a new file too.
lt_seq moved 1 50 >"$d/moved.tmp"
mv "$d/moved.tmp" "$d/logs/moved.log"
lt_wait_tailed "$d/logs/moved.log"
mv "$d/logs/moved.log" "$d/logs/moved.log.1"
lt_wait_lines "$lp" '{job="flat"} |= "moved-"' 50
expect_eq "logtail: a file moved into a watched directory is read in full" \
  "50 $(lt_seq moved 1 50 | md5sum)" "$(lt_lines "$lp" '{job="flat"} |= "moved-"' | lt_digest)"

# A watched directory removed and created again is watched again.
rm -rf "$d/not-yet"
sleep 0.5
mkdir -p "$d/not-yet/sub"
lt_seq again 1 20 >"$d/not-yet/sub/again.log"
lt_wait_lines "$lp" '{job="later"} |= "again-"' 20
expect_eq "logtail: a directory deleted and recreated is watched again" \
  "20 $(lt_seq again 1 20 | md5sum)" "$(lt_lines "$lp" '{job="later"} |= "again-"' | lt_digest)"

kill -TERM "$lt_pid"
wait "$lt_pid"
expect_eq "logtail discovery: SIGTERM exits 0" 0 $?
