# logtail end to end, service discovery: file_sd_configs names the files to tail through target
# groups in a JSON file that changes while logtail runs (a new group, then a group removed);
# __meta_filepath is usable in relabeling. Kubernetes SD is covered by the unit tests' fake API
# server (tests/discovery/kubernetes_sd_test.cpp).
source "$here/logtail_lib.sh"

d=$TMPDIR_E2E/lt-sd
mkdir -p "$d/logs" "$d/logd" "$d/sd"
lp=$(lt_free_port)
lt_logd_start "$d/logd" "$lp"
lt_seq a 1 30 >"$d/logs/a.log"
lt_seq b 1 20 >"$d/logs/b.log"
cat >"$d/sd/.groups.json" <<JSON
[{"targets": ["localhost"], "labels": {"__path__": "$d/logs/a.log", "job": "sd", "app": "alpha"}}]
JSON
mv "$d/sd/.groups.json" "$d/sd/groups.json"
cat >"$d/sd.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $d/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$lp/loki/api/v1/push", batchwait: 100ms}]
target_config: {sync_period: 1s}
scrape_configs:
  - job_name: file-sd
    file_sd_configs:
      - files: ["$d/sd/*.json"]
        refresh_interval: 1h
    relabel_configs:
      - source_labels: [__meta_filepath]
        regex: '.*/(.*)\.json'
        target_label: sd_file
YAML
lt_start "$d/lt.log" -config.file="$d/sd.yaml"
lt_wait_lines "$lp" '{job="sd"}' 30
expect_eq "logtail sd: the file named by the target group is shipped, with its labels" \
  "$(lt_seq a 1 30 | sort)" "$(lt_lines "$lp" '{job="sd", app="alpha", sd_file="groups"}')"

# Change the group file while running: b.log is added (a new group), inotify notices at once
# (refresh_interval is an hour).
cat >"$d/sd/.groups.json" <<JSON
[{"targets": ["localhost"], "labels": {"__path__": "$d/logs/a.log", "job": "sd", "app": "alpha"}},
 {"targets": ["localhost"], "labels": {"__path__": "$d/logs/b.log", "job": "sd", "app": "beta"}}]
JSON
mv "$d/sd/.groups.json" "$d/sd/groups.json"
lt_wait_lines "$lp" '{job="sd", app="beta"}' 20
expect_eq "logtail sd: a target group added while running is tailed" \
  "$(lt_seq b 1 20 | sort)" "$(lt_lines "$lp" '{job="sd", app="beta"}')"

# Remove a's group: lines appended to a.log afterwards are not shipped, b's still are.
cat >"$d/sd/.groups.json" <<JSON
[{"targets": ["localhost"], "labels": {"__path__": "$d/logs/b.log", "job": "sd", "app": "beta"}}]
JSON
mv "$d/sd/.groups.json" "$d/sd/groups.json"
sleep 3  # two target syncs (target_config.sync_period 1s): the tailer of a.log stops
lt_seq a 31 40 >>"$d/logs/a.log"
lt_seq b 21 25 >>"$d/logs/b.log"
lt_wait_lines "$lp" '{job="sd", app="beta"}' 25
sleep 1
expect_eq "logtail sd: a removed target group is no longer tailed" \
  "$(lt_seq a 1 30 | sort)" "$(lt_lines "$lp" '{job="sd", app="alpha"}')"
expect_eq "logtail sd: the remaining group keeps being tailed" \
  "$(lt_seq b 1 25 | sort)" "$(lt_lines "$lp" '{job="sd", app="beta"}')"
kill -TERM "$lt_pid"
wait "$lt_pid"
expect_eq "logtail sd: SIGTERM exits 0" 0 $?
