# logtail's `format: otlp` client (beyond Promtail): a file shipped to logd's /otlp/v1/logs as OTLP
# protobuf, for a tenant (X-Scope-OrgID with auth_enabled); logcli finds the lines with the stream
# labels mapped back (service_name <-> service.name, k8s_namespace_name <-> k8s.namespace.name;
# job indexed by the tenant's otlp_config) and the other label (filename) as structured metadata.
# logd stopped for a while: the client retries with backoff and nothing is lost.
source "$here/logtail_lib.sh"

d=$TMPDIR_E2E/lt-otlp
mkdir -p "$d/logs" "$d/logd"
lp=$(lt_free_port)
cat >"$d/logd.yaml" <<YAML
auth_enabled: true
limits_config:
  otlp_config:
    resource_attributes:
      attributes_config:
        - action: index_label
          attributes: [job]
YAML
lt_logd_start "$d/logd" "$lp" -config.file="$d/logd.yaml"
# The basic tests' promtail.yaml, its client switched to OTLP for a tenant and two more labels.
lt_config "$d/lt.yaml" "$lp" "$d"
sed -i -e "s|/loki/api/v1/push|/otlp/v1/logs\n    format: otlp\n    tenant_id: team-o|" \
  -e "s|          job: varlogs|          job: varlogs\n          service_name: checkout\n          k8s_namespace_name: shop|" "$d/lt.yaml"
lt_seq o 1 40 >"$d/logs/app.log"
lt_start "$d/lt.log" -config.file="$d/lt.yaml"

export LOKI_ADDR=http://127.0.0.1:$lp
lo_query() {  # QUERY: logcli's jsonl for tenant team-o over the last hour, oldest first
  logcli --org-id team-o query -q -o jsonl --forward --limit 0 --since 1h "$1" 2>/dev/null
}
lo_count() { [ "$(lo_query "$1" | wc -l)" -ge "$2" ]; }
wait_until 20 lo_count '{service_name="checkout"}' 40
expect_eq "logtail otlp: every line arrives through /otlp/v1/logs" "$(lt_seq o 1 40)" \
  "$(lo_query '{service_name="checkout"}' | python3 -c 'import json,sys
for l in sys.stdin: print(json.loads(l)["line"])')"
expect_eq "logtail otlp: service_name and k8s_namespace_name come back as stream labels, job per otlp_config" \
  '{job="varlogs", k8s_namespace_name="shop", service_name="checkout"}' \
  "$(logcli --org-id team-o series -q --since 1h '{service_name="checkout"}' 2>/dev/null)"
# filename is not in the series above (not a stream label) but comes with every line: structured
# metadata (logcli's jsonl shows it among the entry's labels, as Loki's API does).
expect_contains "logtail otlp: filename (not an index label) arrives with each line as structured metadata" \
  "\"filename\":\"$d/logs/app.log\"" "$(lo_query '{service_name="checkout"} | filename != ""' | head -1)"
expect_eq "logtail otlp: the tenant header is sent (nothing in another tenant)" "" \
  "$(logcli --org-id other query -q -o raw --limit 0 --since 1h '{service_name="checkout"}' 2>/dev/null)"
lt_wait_metric "http://$lt_http/metrics" "promtail_sent_entries_total{host=\"127.0.0.1:$lp\"}" 40
expect_eq "logtail otlp: promtail_sent_entries_total counts them" 40 \
  "$(lt_metric "http://$lt_http/metrics" "promtail_sent_entries_total{host=\"127.0.0.1:$lp\"}")"

# logd away: the batch is retried with backoff until logd is back, and then delivered.
kill -TERM "$lt_logd_pid"
wait "$lt_logd_pid" 2>/dev/null
lt_seq o 41 60 >>"$d/logs/app.log"
sleep 1
lt_logd_start "$d/logd" "$lp" -config.file="$d/logd.yaml"
wait_until 20 lo_count '{service_name="checkout"}' 60
expect_eq "logtail otlp: lines written while logd was down arrive once it is back, once each" "$(lt_seq o 1 60)" \
  "$(lo_query '{service_name="checkout"}' | python3 -c 'import json,sys
for l in sys.stdin: print(json.loads(l)["line"])')"
kill -TERM "$lt_pid"
wait "$lt_pid"
expect_eq "logtail otlp: SIGTERM exits 0" 0 $?
kill -TERM "$lt_logd_pid"
wait "$lt_logd_pid" 2>/dev/null
