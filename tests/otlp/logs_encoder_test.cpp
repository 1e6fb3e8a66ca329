#include <doctest/doctest.h>

#include <string>

#include "otlp/logs_encoder.h"
#include "otlp/logs_message.h"
#include "otlp/logs_request.h"

namespace {

constexpr int64_t kT = 1'700'000'000'123'456'789;

push::PushRequest sample_request() {
  push::PushRequest req;
  push::Stream s;
  s.labels = model::LabelSet{{"filename", "/var/log/app.log"}, {"job", "varlogs"}, {"k8s_pod_name", "pod-1"},
                             {"service_name", "checkout"}};
  model::Entry e;
  e.timestamp = kT;
  e.line = "level=error msg=boom";
  e.metadata = model::LabelSet{{"trace_id", "abc"}};
  s.entries.push_back(e);
  e.timestamp = kT + 1;
  e.line = "second";
  e.metadata = {};
  s.entries.push_back(e);
  req.streams.push_back(s);
  push::Stream other;
  other.labels = model::LabelSet{{"service_name", "cart"}};
  e.timestamp = kT + 2;
  e.line = "third";
  other.entries.push_back(e);
  req.streams.push_back(other);
  return req;
}

}  // namespace

TEST_CASE("otlp encoder: labels are sent as the resource attributes Loki's default list maps back") {
  CHECK(otlp::label_attribute_name("service_name") == "service.name");
  CHECK(otlp::label_attribute_name("k8s_pod_name") == "k8s.pod.name");
  CHECK(otlp::label_attribute_name("deployment_environment_name") == "deployment.environment.name");
  CHECK(otlp::label_attribute_name("job") == "job");

  std::string body = otlp::encode_logs_request(sample_request());
  otlp::pb::ExportLogsServiceRequest wire;
  REQUIRE(wire.ParseFromString(body));
  REQUIRE(wire.resource_logs_size() == 2);
  const auto& attrs = wire.resource_logs(0).resource().attributes();
  REQUIRE(attrs.size() == 4);
  CHECK(attrs[0].key() == "filename");
  CHECK(attrs[2].key() == "k8s.pod.name");
  CHECK(attrs[3].key() == "service.name");
  CHECK(attrs[3].value().string_value() == "checkout");
  const auto& records = wire.resource_logs(0).scope_logs(0).log_records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].time_unix_nano() == static_cast<uint64_t>(kT));
  CHECK(records[0].body().string_value() == "level=error msg=boom");
  REQUIRE(records[0].attributes_size() == 1);
  CHECK(records[0].attributes(0).key() == "trace_id");
  CHECK_FALSE(wire.resource_logs(0).scope_logs(0).has_scope());
}

TEST_CASE("otlp encoder: logd's OTLP ingest gives the streams back (default labels; others per otlp_config)") {
  std::string body = otlp::encode_logs_request(sample_request());
  auto back = otlp::parse_logs_request(otlp::Encoding::kProtobuf, body, otlp::OtlpConfig{}, 0);
  REQUIRE_MESSAGE(back.ok(), back.error());
  REQUIRE(back->streams.size() == 2);
  // Loki's defaults: service_name and k8s_pod_name stay stream labels; job and filename arrive as
  // structured metadata.
  CHECK(back->streams[0].labels == model::LabelSet{{"k8s_pod_name", "pod-1"}, {"service_name", "checkout"}});
  REQUIRE(back->streams[0].entries.size() == 2);
  const model::Entry& e = back->streams[0].entries[0];
  CHECK(e.timestamp == kT);
  CHECK(e.line == "level=error msg=boom");
  CHECK(e.metadata == model::LabelSet{{"filename", "/var/log/app.log"}, {"job", "varlogs"}, {"trace_id", "abc"}});
  CHECK(back->streams[1].labels == model::LabelSet{{"service_name", "cart"}});

  // With the tenant's otlp_config indexing them, every label comes back as a label.
  otlp::OtlpConfig config;
  otlp::AttributesRule rule;
  rule.action = otlp::Action::kIndexLabel;
  rule.attributes = {"job", "filename"};
  REQUIRE(otlp::compile_rule(rule).ok());
  config.resource_attributes.push_back(rule);
  auto indexed = otlp::parse_logs_request(otlp::Encoding::kProtobuf, body, config, 0);
  REQUIRE(indexed.ok());
  CHECK(indexed->streams[0].labels == sample_request().streams[0].labels);
  CHECK(indexed->streams[0].entries[0].metadata == model::LabelSet{{"trace_id", "abc"}});
}
