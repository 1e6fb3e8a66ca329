# logtail end to end, docker_sd_configs: a fake Docker Engine API on a unix socket
# (tests/tools/fake_docker_engine.py) lists containers and serves their logs; logtail discovers
# them, relabels (one container dropped), reads their multiplexed (and TTY) logs with the
# daemon's timestamps, labels each line with its stream, and after a restart resumes each
# container after the last delivered line. A stopped container is dropped and a new one picked up.
source "$here/logtail_lib.sh"

d=$TMPDIR_E2E/lt-docker
mkdir -p "$d/logd"
dp=$(lt_free_port)
lt_logd_start "$d/logd" "$dp"
sock=$d/docker.sock
state=$d/state.json
# dstate COMMAND...: edits the fake daemon's state (atomically: the daemon re-reads it).
dstate() {
  python3 - "$state" "$@" <<'PY'
import json, os, sys, time
path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
st = json.load(open(path)) if os.path.exists(path) else {"containers": []}
by = {c["id"]: c for c in st["containers"]}
def ts(offset_s):
    t = time.time_ns() + int(float(offset_s) * 1e9)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t // 10**9)) + ".%09dZ" % (t % 10**9)
if cmd == "add":        # add ID NAME APP TTY
    st["containers"].append({"id": args[0], "name": args[1], "labels": {"app": args[2], "logging": "on"},
                             "tty": args[3] == "tty", "running": True, "logs": []})
elif cmd == "log":      # log ID STREAM TEXT [OFFSET_SECONDS | same]
    logs = by[args[0]]["logs"]
    when = logs[-1]["ts"] if len(args) > 3 and args[3] == "same" else ts(args[3] if len(args) > 3 else 0)
    logs.append({"ts": when, "stream": args[1], "line": args[2]})
elif cmd == "stop":     # stop ID
    by[args[0]]["running"] = False
tmp = path + ".tmp"
json.dump(st, open(tmp, "w"))
os.replace(tmp, path)
PY
}
dstate add c0ffee01 /web web plain
dstate add c0ffee02 /db db tty
dstate add c0ffee03 /noise noise plain
dstate log c0ffee01 stdout "web line 1" -7200   # two hours ago: the entry keeps the daemon's time
dstate log c0ffee01 stderr "web error 1"
dstate log c0ffee01 stdout "web line 2"
dstate log c0ffee02 stdout "db line 1"
dstate log c0ffee02 stdout "db line 2"
dstate log c0ffee03 stdout "noise line 1"
python3 "$here/../tools/fake_docker_engine.py" "$sock" "$state" 2>"$d/engine.log" &
engine_pid=$!
lt_pids+=("$engine_pid")
for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done

cat >"$d/lt.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0}
positions: {filename: $d/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$dp/loki/api/v1/push", batchwait: 100ms}]
scrape_configs:
  - job_name: docker
    docker_sd_configs:
      - host: unix://$sock
        refresh_interval: 500ms
        filters:
          - name: label
            values: [logging=on]
    relabel_configs:
      - {source_labels: [__meta_docker_container_label_app], regex: noise, action: drop}
      - {source_labels: [__meta_docker_container_name], regex: '/(.*)', target_label: container}
      - {source_labels: [__meta_docker_container_log_stream], target_label: stream}
      - {target_label: job, replacement: docker}
    pipeline_stages:
      - regex: {expression: '^(?P<who>\w+) '}
      - labels: {who: ""}
YAML
lt_start "$d/lt.log" -config.file="$d/lt.yaml"

lt_wait_lines "$dp" '{job="docker"}' 5
expect_eq "logtail docker: stdout lines of a multiplexed container, labeled by relabeling" \
  "$(printf 'web line 1\nweb line 2')" "$(lt_lines "$dp" '{job="docker", container="web", stream="stdout", who="web"}')"
expect_eq "logtail docker: its stderr frame carries stream=stderr" \
  "web error 1" "$(lt_lines "$dp" '{container="web", stream="stderr"}')"
expect_eq "logtail docker: a TTY container's raw stream, as stdout" \
  "$(printf 'db line 1\ndb line 2')" "$(lt_lines "$dp" '{container="db", stream="stdout"}')"
expect_eq "logtail docker: the container relabeling drops is never read" \
  "0" "$(grep -c 'c0ffee03/logs' "$state.requests")"
expect_contains "logtail docker: the container list asks the daemon with the configured filters" \
  'filters=%7B%22label%22%3A%5B%22logging%3Don%22%5D%7D' "$(head -1 "$state.requests")"
entry_ts=$(curl -s -G "http://127.0.0.1:$dp/loki/api/v1/query_range" --data-urlencode 'query={container="web"} |= "web line 1"' \
  --data-urlencode "start=$(( $(date +%s) - 86400 ))000000000" --data-urlencode "end=$(( $(date +%s) + 60 ))000000000" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["values"][0][0])')
want_ts=$(python3 -c 'import json,sys,datetime
e=[l for c in json.load(open(sys.argv[1]))["containers"] for l in c["logs"] if l["line"]=="web line 1"][0]["ts"]
base,frac=e.rstrip("Z").split(".")
s=int(datetime.datetime.strptime(base,"%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp())
print(s*10**9+int(frac))' "$state")
expect_eq "logtail docker: the entry's time is the daemon's timestamp, to the nanosecond" "$want_ts" "$entry_ts"

# Restart: what was delivered is not read again; what was written meanwhile arrives, including a
# line with exactly the time of the last delivered one.
lt_wait_http "http://$lt_http/metrics" "" || true
kill -TERM "$lt_pid"
wait "$lt_pid" 2>/dev/null
expect_contains "logtail docker: the positions file keeps a cursor per container" \
  "cursor-c0ffee01" "$(cat "$d/positions.yaml")"
dstate log c0ffee01 stdout "web line 3" same
dstate log c0ffee01 stdout "web line 4"
dstate log c0ffee02 stdout "db line 3"
lt_start "$d/lt2.log" -config.file="$d/lt.yaml"
lt_wait_lines "$dp" '{job="docker"}' 8
since=$(grep 'c0ffee01/logs' "$state.requests" | tail -1 | grep -o 'since=[0-9.]*')
expect_eq "logtail docker: after the restart the logs are asked from the saved time" "1" \
  "$([ "$since" != "since=0" ] && [ -n "$since" ] && echo 1)"
# Wait for one more refresh cycle so any repeat would have been sent too. logd drops an entry
# identical to one it holds, so count what this logtail sent: only the 3 new lines.
sleep 1.5
expect_eq "logtail docker: after a restart only the lines written meanwhile are sent" "3" \
  "$(lt_metric "http://$lt_http/metrics" "promtail_sent_entries_total{host=\"127.0.0.1:$dp\"}")"
expect_eq "logtail docker: after a restart, every web line exactly once" \
  "$(printf 'web line 1\nweb line 2\nweb line 3\nweb line 4')" "$(lt_lines "$dp" '{container="web", stream="stdout"}')"
expect_eq "logtail docker: after a restart, every db line exactly once" \
  "$(printf 'db line 1\ndb line 2\ndb line 3')" "$(lt_lines "$dp" '{container="db"}')"

# A container that stops is dropped; one that starts is picked up at the next refresh.
dstate stop c0ffee02
dstate add c0ffee04 /cache cache plain
dstate log c0ffee04 stderr "cache line 1"
lt_wait_lines "$dp" '{container="cache"}' 1
expect_eq "logtail docker: a new container is picked up" "cache line 1" "$(lt_lines "$dp" '{container="cache", stream="stderr"}')"
n_before=$(grep -c 'c0ffee02/logs' "$state.requests")
sleep 1.5
expect_eq "logtail docker: a stopped container is not read again" "$n_before" "$(grep -c 'c0ffee02/logs' "$state.requests")"

kill -TERM "$lt_pid"
wait "$lt_pid" 2>/dev/null
kill "$engine_pid" 2>/dev/null
wait "$engine_pid" 2>/dev/null
