# OTLP logs ingest (POST /otlp/v1/logs): protobuf bodies encoded by protoc from the OTLP .proto
# files, OTLP/JSON, gzip; Loki's attribute mapping read back through query_range and logcli;
# limits_config.otlp_config; malformed bodies answered 400 without storing anything.
ot_pids=()
ot_cleanup() { for p in "${ot_pids[@]}"; do kill -9 "$p" 2>/dev/null; done; }
trap 'ot_cleanup; rm -rf "$TMPDIR_E2E"' EXIT
proto_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../proto" && pwd)"

ot_post() {  # url content-type body-file [extra curl args]: prints the HTTP status
  local url=$1 ct=$2 file=$3
  shift 3
  curl -s -o "$TMPDIR_E2E/otlp.answer" -w '%{http_code}' -H "Content-Type: $ct" "$@" --data-binary @"$file" \
    "$url/otlp/v1/logs"
}
ot_streams() {  # url selector: one line per entry: labels TAB line, sorted
  local now
  now=$(date +%s%N)
  curl -s -G "$1/loki/api/v1/query_range" --data-urlencode "query=$2" --data-urlencode limit=1000 \
    --data-urlencode "start=$((now - 3600 * 1000000000))" --data-urlencode "end=$((now + 60 * 1000000000))" |
    python3 -c 'import json,sys
for s in json.load(sys.stdin)["data"]["result"]:
    labels = ",".join(k + "=" + v for k, v in sorted(s["stream"].items()))
    for v in s["values"]: print(labels + "\t" + v[1])' | sort
}

d=$TMPDIR_E2E/otlp
port=$(free_port)
url="http://127.0.0.1:$port"
start_logd "$d" "$port" || exit 1
ot_pids+=("$started_logd_pid")
now=$(date +%s%N)

# Protobuf, as an OpenTelemetry SDK sends it (protoc's encoder from the OTLP message definitions).
cat >"$TMPDIR_E2E/otlp.txt" <<TXT
resource_logs {
  resource {
    attributes { key: "service.name" value { string_value: "checkout" } }
    attributes { key: "k8s.namespace.name" value { string_value: "shop" } }
    attributes { key: "host.name" value { string_value: "node-7" } }
  }
  scope_logs {
    scope { name: "io.opentelemetry.checkout" version: "2.1" }
    log_records {
      time_unix_nano: $now
      severity_number: SEVERITY_NUMBER_ERROR
      severity_text: "ERROR"
      body { string_value: "payment declined" }
      attributes { key: "order.id" value { int_value: 1234 } }
      attributes { key: "debug.dump" value { bool_value: true } }
      trace_id: "\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c"
      span_id: "\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74"
    }
  }
}
TXT
protoc -I"$proto_dir" --encode=opentelemetry.proto.logs.v1.ExportLogsServiceRequest "$proto_dir/otlp_logs.proto" \
  <"$TMPDIR_E2E/otlp.txt" >"$TMPDIR_E2E/otlp.pb"
expect_eq "otlp: protobuf request accepted" "204" "$(ot_post "$url" application/x-protobuf "$TMPDIR_E2E/otlp.pb")"
expect_eq "otlp: protobuf record mapped as Loki maps it" \
  "$(printf 'debug_dump=true,host_name=node-7,k8s_namespace_name=shop,order_id=1234,scope_name=io.opentelemetry.checkout,scope_version=2.1,service_name=checkout,severity_number=17,severity_text=ERROR,span_id=eee19b7ec3c1b174,trace_id=5b8efff798038103d269b633813fc60c\tpayment declined')" \
  "$(ot_streams "$url" '{service_name="checkout"}')"
# Only the default resource attributes are stream labels; the rest is structured metadata.
labels=$(curl -s "$url/loki/api/v1/labels" | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["data"]))')
expect_eq "otlp: stream labels are the default resource attributes" "k8s_namespace_name,service_name" "$labels"
expect_eq "otlp: structured metadata filters" "payment declined" \
  "$(logcli --addr="$url" query --quiet --output=raw --since=1h '{service_name="checkout"} | trace_id="5b8efff798038103d269b633813fc60c"')"

# OTLP/JSON, gzip-compressed, two resources (one without service.name).
cat >"$TMPDIR_E2E/otlp.json" <<JSON
{"resourceLogs":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
  "scopeLogs":[{"logRecords":[{"timeUnixNano":"$now","severityText":"INFO","body":{"stringValue":"added item"},
    "attributes":[{"key":"item","value":{"kvlistValue":{"values":[{"key":"sku","value":{"stringValue":"A-1"}}]}}}]}]}]},
 {"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"node-8"}}]},
  "scopeLogs":[{"logRecords":[{"observedTimeUnixNano":"$now","body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"hi"}}]}}}]}]}]}
JSON
gzip -c "$TMPDIR_E2E/otlp.json" >"$TMPDIR_E2E/otlp.json.gz"
expect_eq "otlp: gzip JSON request accepted" "204" \
  "$(ot_post "$url" application/json "$TMPDIR_E2E/otlp.json.gz" -H 'Content-Encoding: gzip')"
expect_eq "otlp: JSON records mapped" \
  "$(printf 'host_name=node-8,service_name=unknown_service\t{"msg":"hi"}\nitem_sku=A-1,service_name=cart,severity_text=INFO\tadded item')" \
  "$(ot_streams "$url" '{service_name=~"cart|unknown_service"}')"

# Bad input: 400 with a message, nothing stored.
head -c 40 "$TMPDIR_E2E/otlp.pb" >"$TMPDIR_E2E/otlp.trunc"
expect_eq "otlp: truncated protobuf is 400" "400" "$(ot_post "$url" application/x-protobuf "$TMPDIR_E2E/otlp.trunc")"
expect_contains "otlp: truncated protobuf says why" "malformed OTLP protobuf request" "$(cat "$TMPDIR_E2E/otlp.answer")"
printf '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bad"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"%s","body":{"stringValue":"x"}},{"timeUnixNano":{"no":1}}]}]}]}' \
  "$now" >"$TMPDIR_E2E/otlp.wrong"
expect_eq "otlp: a JSON value of the wrong type is 400" "400" "$(ot_post "$url" application/json "$TMPDIR_E2E/otlp.wrong")"
expect_contains "otlp: the wrong value is named" "logRecords[1].timeUnixNano" "$(cat "$TMPDIR_E2E/otlp.answer")"
deep='{"stringValue":"leaf"}'
for _ in $(seq 1 40); do deep="{\"arrayValue\":{\"values\":[$deep]}}"; done
printf '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bad"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"%s","body":%s}]}]}]}' \
  "$now" "$deep" >"$TMPDIR_E2E/otlp.deep"
expect_eq "otlp: deep nesting is 400" "400" "$(ot_post "$url" application/json "$TMPDIR_E2E/otlp.deep")"
python3 -c 'import sys; print("{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"bad\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\"" + sys.argv[1] + "\",\"body\":{\"stringValue\":\"x\"},\"attributes\":[{\"key\":\"huge\",\"value\":{\"stringValue\":\"" + "v" * 200000 + "\"}}]}]}]}]}")' "$now" >"$TMPDIR_E2E/otlp.huge"
expect_eq "otlp: a huge attribute value is 400" "400" "$(ot_post "$url" application/json "$TMPDIR_E2E/otlp.huge")"
expect_eq "otlp: unsupported content type is 400" "400" "$(ot_post "$url" text/plain "$TMPDIR_E2E/otlp.json")"
expect_eq "otlp: nothing of the bad requests was stored" "" "$(ot_streams "$url" '{service_name="bad"}')"
kill -TERM "$started_logd_pid"; wait "$started_logd_pid"

# limits_config.otlp_config: host.name becomes a label, a log attribute becomes a label, another
# is dropped; the default resource attributes stay labels (Loki puts their rule first).
d2=$TMPDIR_E2E/otlp2
port=$(free_port)
url="http://127.0.0.1:$port"
cat >"$d2.yaml" <<YAML
server: {http_listen_address: 127.0.0.1, http_listen_port: $port}
common: {path_prefix: $d2}
limits_config:
  otlp_config:
    resource_attributes:
      attributes_config:
        - action: index_label
          attributes: [host.name]
    log_attributes:
      - action: index_label
        attributes: [order.id]
      - action: drop
        regex: debug\..*
YAML
logd -config.file="$d2.yaml" 2>>"$d2.log" &
ot_pids+=("$!")
for _ in $(seq 1 200); do curl -sf "$url/ready" >/dev/null 2>&1 && break; sleep 0.05; done
expect_eq "otlp_config: request accepted" "204" "$(ot_post "$url" application/x-protobuf "$TMPDIR_E2E/otlp.pb")"
expect_eq "otlp_config: labels and metadata follow the rules" \
  "$(printf 'host_name=node-7,k8s_namespace_name=shop,order_id=1234,scope_name=io.opentelemetry.checkout,scope_version=2.1,service_name=checkout,severity_number=17,severity_text=ERROR,span_id=eee19b7ec3c1b174,trace_id=5b8efff798038103d269b633813fc60c\tpayment declined')" \
  "$(ot_streams "$url" '{service_name="checkout", host_name="node-7", order_id="1234"}')"
cat >"$d2.bad.yaml" <<YAML
common: {path_prefix: $d2}
limits_config:
  otlp_config:
    scope_attributes:
      - action: index_label
        attributes: [a]
YAML
err=$(logd -config.file="$d2.bad.yaml" 2>&1 >/dev/null)
expect_contains "otlp_config: index_label on scope attributes is refused" "limits_config.otlp_config" "$err"
kill -TERM "${ot_pids[-1]}"; wait "${ot_pids[-1]}" 2>/dev/null
