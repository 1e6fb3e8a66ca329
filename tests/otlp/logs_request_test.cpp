#include <doctest/doctest.h>

#include <string>

#include "otlp/logs_message.h"
#include "otlp/logs_request.h"

using otlp::Encoding;
using otlp::OtlpConfig;
using otlp::parse_logs_request;

namespace {

constexpr int64_t kNow = 1'700'000'000'000'000'000;

void add_string(google::protobuf::RepeatedPtrField<otlp::pb::KeyValue>* attrs, const std::string& k, const std::string& v) {
  auto* kv = attrs->Add();
  kv->set_key(k);
  kv->mutable_value()->set_string_value(v);
}

// A request built with the classes protoc generates from the OTLP .proto files: what an
// OpenTelemetry SDK or collector puts on the wire.
std::string reference_protobuf() {
  otlp::pb::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  add_string(rl->mutable_resource()->mutable_attributes(), "service.name", "checkout");
  add_string(rl->mutable_resource()->mutable_attributes(), "k8s.pod.name", "pod-1");
  add_string(rl->mutable_resource()->mutable_attributes(), "host.name", "h1");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("io.opentelemetry.lib");
  sl->mutable_scope()->set_version("1.2");
  auto* r = sl->add_log_records();
  r->set_time_unix_nano(1'700'000'000'000'000'123);
  r->set_observed_time_unix_nano(1'700'000'000'500'000'000);
  r->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_INFO);
  r->set_severity_text("INFO");
  r->mutable_body()->set_string_value("order placed");
  r->set_trace_id(std::string("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c", 16));
  r->set_span_id(std::string("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8));
  auto* user = r->add_attributes();
  user->set_key("user.id");
  user->mutable_value()->set_int_value(42);
  auto* nested = r->add_attributes();
  nested->set_key("http");
  auto* inner = nested->mutable_value()->mutable_kvlist_value()->add_values();
  inner->set_key("method");
  inner->mutable_value()->set_string_value("GET");
  auto* r2 = sl->add_log_records();  // no timestamps at all: now
  r2->mutable_body()->set_string_value("second");
  return req.SerializeAsString();
}

push::PushRequest parse_ok(Encoding enc, const std::string& body, const OtlpConfig& config = {}) {
  auto r = parse_logs_request(enc, body, config, kNow);
  if (!r.ok()) FAIL(r.error());
  return std::move(*r);
}

}  // namespace

TEST_CASE("otlp: protobuf request maps resource attributes to labels and the rest to metadata") {
  push::PushRequest req = parse_ok(Encoding::kProtobuf, reference_protobuf());
  REQUIRE(req.streams.size() == 1);
  const push::Stream& s = req.streams[0];
  CHECK(s.labels.to_string() == R"({k8s_pod_name="pod-1", service_name="checkout"})");
  REQUIRE(s.entries.size() == 2);
  const model::Entry& e = s.entries[0];
  CHECK(e.timestamp == 1'700'000'000'000'000'123);
  CHECK(e.line == "order placed");
  CHECK(e.metadata.get("host_name") == "h1");
  CHECK(e.metadata.get("scope_name") == "io.opentelemetry.lib");
  CHECK(e.metadata.get("scope_version") == "1.2");
  CHECK(e.metadata.get("severity_text") == "INFO");
  CHECK(e.metadata.get("severity_number") == "9");
  CHECK(e.metadata.get("observed_timestamp") == "1700000000500000000");
  CHECK(e.metadata.get("trace_id") == "5b8efff798038103d269b633813fc60c");
  CHECK(e.metadata.get("span_id") == "eee19b7ec3c1b174");
  CHECK(e.metadata.get("user_id") == "42");
  CHECK(e.metadata.get("http_method") == "GET");
  CHECK_FALSE(e.metadata.has("service_name"));
  CHECK(s.entries[1].timestamp == kNow);
  CHECK(s.entries[1].line == "second");
}

TEST_CASE("otlp: JSON request in OTLP/JSON form decodes like the protobuf one") {
  std::string json = R"({"resourceLogs":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"checkout"}},
      {"key":"k8s.pod.name","value":{"stringValue":"pod-1"}},
      {"key":"host.name","value":{"stringValue":"h1"}}]},
    "scopeLogs":[{"scope":{"name":"io.opentelemetry.lib","version":"1.2"},"logRecords":[
      {"timeUnixNano":"1700000000000000123","observedTimeUnixNano":1700000000500000000,
       "severityNumber":"SEVERITY_NUMBER_INFO","severityText":"INFO","body":{"stringValue":"order placed"},
       "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
       "attributes":[{"key":"user.id","value":{"intValue":"42"}},
                     {"key":"http","value":{"kvlistValue":{"values":[{"key":"method","value":{"stringValue":"GET"}}]}}}],
       "someFutureField":{"ignored":true}},
      {"body":{"stringValue":"second"}}]}]}]})";
  push::PushRequest from_json = parse_ok(Encoding::kJson, json);
  push::PushRequest from_proto = parse_ok(Encoding::kProtobuf, reference_protobuf());
  REQUIRE(from_json.streams.size() == 1);
  CHECK(from_json.streams[0].labels == from_proto.streams[0].labels);
  CHECK(from_json.streams[0].entries == from_proto.streams[0].entries);
}

TEST_CASE("otlp: service_name falls back to a discovered label, else unknown_service") {
  std::string json = R"({"resourceLogs":[
    {"resource":{"attributes":[{"key":"k8s.container.name","value":{"stringValue":"web"}}]},
     "scopeLogs":[{"logRecords":[{"timeUnixNano":"1","body":{"stringValue":"a"}}]}]},
    {"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"h"}}]},
     "scopeLogs":[{"logRecords":[{"timeUnixNano":"2","body":{"stringValue":"b"}}]}]}]})";
  push::PushRequest req = parse_ok(Encoding::kJson, json);
  REQUIRE(req.streams.size() == 2);
  CHECK(req.streams[0].labels.to_string() == R"({k8s_container_name="web", service_name="web"})");
  CHECK(req.streams[1].labels.to_string() == R"({service_name="unknown_service"})");
}

TEST_CASE("otlp: otlp_config rules move attributes between labels, metadata and nothing") {
  OtlpConfig config;
  otlp::AttributesRule to_label{otlp::Action::kIndexLabel, {"host.name"}, "", nullptr};
  REQUIRE(otlp::compile_rule(to_label).ok());
  otlp::AttributesRule drop_pods{otlp::Action::kDrop, {}, "k8s\\.pod\\..*", nullptr};
  REQUIRE(otlp::compile_rule(drop_pods).ok());
  config.resource_attributes = {to_label};
  config.ignore_defaults = true;  // k8s.pod.name is no label any more: the regex drop applies
  config.resource_attributes.push_back(drop_pods);
  otlp::AttributesRule level_label{otlp::Action::kIndexLabel, {"level"}, "", nullptr};
  REQUIRE(otlp::compile_rule(level_label).ok());
  config.log_attributes = {level_label};
  config.severity_text_as_label = true;

  std::string json = R"({"resourceLogs":[{"resource":{"attributes":[
      {"key":"service.name","value":{"stringValue":"svc"}},
      {"key":"k8s.pod.name","value":{"stringValue":"p"}},
      {"key":"host.name","value":{"stringValue":"h1"}}]},
    "scopeLogs":[{"logRecords":[
      {"timeUnixNano":"1","severityText":"WARN","body":{"stringValue":"x"},
       "attributes":[{"key":"level","value":{"stringValue":"warn"}}]}]}]}]})";
  push::PushRequest req = parse_ok(Encoding::kJson, json, config);
  REQUIRE(req.streams.size() == 1);
  // ignore_defaults: service.name is metadata; the resource has one, so no unknown_service either.
  CHECK(req.streams[0].labels.to_string() == R"({host_name="h1", level="warn", severity_text="WARN"})");
  const model::Entry& e = req.streams[0].entries[0];
  CHECK(e.metadata.get("service_name") == "svc");
  CHECK_FALSE(e.metadata.has("k8s_pod_name"));
  CHECK_FALSE(e.metadata.has("level"));
}

TEST_CASE("otlp: config checks reject what Loki rejects") {
  otlp::AttributesRule neither{otlp::Action::kDrop, {}, "", nullptr};
  CHECK_FALSE(otlp::compile_rule(neither).ok());
  otlp::AttributesRule both{otlp::Action::kDrop, {"a"}, "b", nullptr};
  CHECK_FALSE(otlp::compile_rule(both).ok());
  otlp::AttributesRule bad_regex{otlp::Action::kDrop, {}, "(", nullptr};
  CHECK_FALSE(otlp::compile_rule(bad_regex).ok());
  CHECK_FALSE(otlp::parse_action("label").ok());
  OtlpConfig config;
  otlp::AttributesRule scope_label{otlp::Action::kIndexLabel, {"a"}, "", nullptr};
  REQUIRE(otlp::compile_rule(scope_label).ok());
  config.scope_attributes = {scope_label};
  CHECK_FALSE(otlp::validate(config).ok());
}

TEST_CASE("otlp: malformed bodies are errors naming the problem") {
  std::string full = reference_protobuf();
  for (size_t cut : {full.size() - 1, full.size() / 2, size_t{3}}) {
    auto r = parse_logs_request(Encoding::kProtobuf, full.substr(0, cut), {}, kNow);
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == util::ErrorCode::kInvalidArgument);
  }
  auto wrong_type = parse_logs_request(Encoding::kJson, R"({"resourceLogs":[{"scopeLogs":"x"}]})", {}, kNow);
  REQUIRE_FALSE(wrong_type.ok());
  CHECK(wrong_type.error().find("resourceLogs[0].scopeLogs") != std::string::npos);
  auto bad_trace = parse_logs_request(
      Encoding::kJson, R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]})", {}, kNow);
  CHECK_FALSE(bad_trace.ok());
  CHECK_FALSE(parse_logs_request(Encoding::kJson, "{", {}, kNow).ok());

  // Attribute values nested deeper than the limit, in both encodings.
  std::string deep_json = R"({"stringValue":"leaf"})";
  otlp::pb::AnyValue deep;
  deep.set_string_value("leaf");
  for (int i = 0; i < otlp::kMaxValueDepth + 2; ++i) {
    deep_json = R"({"arrayValue":{"values":[)" + deep_json + "]}}";
    otlp::pb::AnyValue outer;
    *outer.mutable_array_value()->add_values() = deep;
    deep = outer;
  }
  auto j = parse_logs_request(Encoding::kJson,
                              R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"d","value":)" +
                                  deep_json + "}]}]}]}]}",
                              {}, kNow);
  REQUIRE_FALSE(j.ok());
  CHECK(j.error().find("nested") != std::string::npos);
  otlp::pb::ExportLogsServiceRequest req;
  auto* kv = req.add_resource_logs()->add_scope_logs()->add_log_records()->add_attributes();
  kv->set_key("d");
  *kv->mutable_value() = deep;
  auto p = parse_logs_request(Encoding::kProtobuf, req.SerializeAsString(), {}, kNow);
  REQUIRE_FALSE(p.ok());
  CHECK(p.code() == util::ErrorCode::kInvalidArgument);
}

TEST_CASE("otlp: content types") {
  CHECK(*otlp::encoding_of("application/x-protobuf") == Encoding::kProtobuf);
  CHECK(*otlp::encoding_of("application/json; charset=utf-8") == Encoding::kJson);
  auto bad = otlp::encoding_of("text/plain");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "content type: text/plain is not supported");
}
