# logtail end to end, service discovery: file_sd_configs names the files to tail through target
# groups in a JSON file that changes while logtail runs (a new group, then a group removed);
# __meta_filepath is usable in relabeling. Then kubernetes_sd_configs against a fake API server
# (tests/tools/fake_kube_apiserver.cpp) whose pods are added, changed and deleted while logtail
# runs, with the talk's relabeling building __path__ from the pod's uid and container name.
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

# ---- kubernetes_sd_configs (role: pod) -> logtail -> logd ----
k=$TMPDIR_E2E/lt-k8s
mkdir -p "$k/api" "$k/logd" "$k/pods"
: >"$k/api/pods.jsonl"
echo -n "t0ken" >"$k/token"
fake-kube-apiserver -dir "$k/api" -token t0ken >"$k/api.out" 2>"$k/api.log" &
lt_pids+=($!)
# Up to 30 s: on a loaded machine the fake API server took longer than 5 s to print its port.
for _ in $(seq 1 600); do grep -q '^port=' "$k/api.out" && break; sleep 0.05; done
api_port=$(sed -n 's/^port=//p' "$k/api.out")
kp=$(lt_free_port)
lt_logd_start "$k/logd" "$kp"

# k8s_pod TYPE NAME UID APP NODE: one watch event for a pod with one container "main".
k8s_pod() {
  printf '{"type":"%s","object":{"kind":"Pod","metadata":{"name":"%s","namespace":"shop","uid":"%s","labels":{"app":"%s"}},"spec":{"nodeName":"%s","containers":[{"name":"main","image":"shop:1"}]},"status":{"phase":"Running","podIP":"10.1.0.%s"}}}\n' \
    "$1" "$2" "$3" "$4" "$5" "${#2}" >>"$k/api/pods.jsonl"
}
# The fake answers 401 without the token: discovering anything proves bearer_token_file is sent.
# Kubelet's layout: /var/log/pods/<namespace>_<pod>_<uid>/<container>/0.log
mkdir -p "$k/pods/shop_web-1_uid-web1/main" "$k/pods/shop_api-1_uid-api1/main"
lt_seq web 1 10 >"$k/pods/shop_web-1_uid-web1/main/0.log"
lt_seq api 1 5 >"$k/pods/shop_api-1_uid-api1/main/0.log"
k8s_pod ADDED web-1 uid-web1 web node-1

cat >"$k/k8s.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $k/positions.yaml, sync_period: 200ms}
clients: [{url: "http://127.0.0.1:$kp/loki/api/v1/push", batchwait: 100ms}]
target_config: {sync_period: 500ms}
scrape_configs:
  - job_name: kubernetes-pods
    kubernetes_sd_configs:
      - role: pod
        api_server: http://127.0.0.1:$api_port
        bearer_token_file: $k/token
        namespaces: {names: [shop]}
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_label_app]
        target_label: app
      - source_labels: [__meta_kubernetes_pod_node_name]
        target_label: hostname
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
      - source_labels: [__meta_kubernetes_pod_uid, __meta_kubernetes_pod_container_name]
        separator: /
        regex: (.*)
        replacement: $k/pods/*\$1/*.log
        target_label: __path__
YAML
lt_start "$k/lt.log" -config.file="$k/k8s.yaml"
lt_wait_lines "$kp" '{app="web"}' 10
expect_eq "logtail k8s: a listed pod's container log is shipped with the talk's labels" \
  "$(lt_seq web 1 10 | sort)" "$(lt_lines "$kp" '{app="web", hostname="node-1", namespace="shop"}')"
expect_contains "logtail k8s: /targets lists the discovered pod" \
  "__path__=\"$k/pods/*uid-web1/main/*.log\"" "$(curl -s "http://$lt_http/targets")"

# A pod added while logtail watches is tailed.
k8s_pod ADDED api-1 uid-api1 api node-2
lt_wait_lines "$kp" '{app="api"}' 5
expect_eq "logtail k8s: a pod added by a watch event is tailed" \
  "$(lt_seq api 1 5 | sort)" "$(lt_lines "$kp" '{app="api", hostname="node-2"}')"

# A pod whose label changes: lines written afterwards carry the new label, none is repeated.
k8s_pod MODIFIED web-1 uid-web1 storefront node-1
lt_wait_http "http://$lt_http/targets" 'app="storefront"'
lt_seq web 11 15 >>"$k/pods/shop_web-1_uid-web1/main/0.log"
lt_wait_lines "$kp" '{app="storefront"}' 5
expect_eq "logtail k8s: after a pod's label changes, new lines carry the new label" \
  "$(lt_seq web 11 15 | sort)" "$(lt_lines "$kp" '{app="storefront"}')"
expect_eq "logtail k8s: lines shipped before the change are not shipped again" \
  "$(lt_seq web 1 10 | sort)" "$(lt_lines "$kp" '{app="web"}')"

# A deleted pod is no longer tailed; the other one still is.
k8s_pod DELETED api-1 uid-api1 api node-2
for _ in $(seq 1 100); do
  [[ "$(curl -s "http://$lt_http/targets")" != *uid-api1* ]] && break
  sleep 0.1
done
sleep 1.5  # target_config.sync_period is 500ms: the deleted pod's tailer has stopped
lt_seq api 6 9 >>"$k/pods/shop_api-1_uid-api1/main/0.log"
lt_seq web 16 18 >>"$k/pods/shop_web-1_uid-web1/main/0.log"
lt_wait_lines "$kp" '{app="storefront"}' 8
sleep 1
expect_eq "logtail k8s: a deleted pod's log is no longer shipped" \
  "$(lt_seq api 1 5 | sort)" "$(lt_lines "$kp" '{app="api"}')"
expect_eq "logtail k8s: the remaining pod keeps being shipped" \
  "$(lt_seq web 11 18 | sort)" "$(lt_lines "$kp" '{app="storefront"}')"
expect_eq "logtail k8s: no error was logged" "" "$(grep 'level=error' "$k/lt.log")"
kill -TERM "$lt_pid"
wait "$lt_pid"
expect_eq "logtail k8s: SIGTERM exits 0" 0 $?

# A source logtail does not implement is refused at start, naming the key.
cat >"$k/consul.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: 0, grpc_listen_port: 0}
positions: {filename: $k/positions-consul.yaml}
clients: [{url: "http://127.0.0.1:$kp/loki/api/v1/push"}]
scrape_configs:
  - job_name: consul
    consul_sd_configs: [{server: "127.0.0.1:8500"}]
YAML
timeout 20 logtail -config.file="$k/consul.yaml" >/dev/null 2>"$k/consul.err"
expect_eq "logtail: an unsupported source fails at start" 1 $?
expect_contains "logtail: ...naming the key and what is supported" \
  "scrape_configs[0].consul_sd_configs: not supported yet: logtail supports static_configs" "$(cat "$k/consul.err")"
