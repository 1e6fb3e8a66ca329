#include "otlp/logs_encoder.h"

#include <google/protobuf/arena.h>

#include <unordered_map>

#include "otlp/logs_message.h"
#include "otlp/otlp_config.h"
#include "otlp/value_string.h"

namespace otlp {
namespace {

void add_string_attribute(google::protobuf::RepeatedPtrField<pb::KeyValue>* to, std::string key,
                          const std::string& value) {
  pb::KeyValue* kv = to->Add();
  kv->set_key(std::move(key));
  kv->mutable_value()->set_string_value(value);
}

}  // namespace

std::string label_attribute_name(std::string_view label_name) {
  // normalized name -> the default attribute it comes from (service_name -> service.name).
  static const std::unordered_map<std::string, std::string> kDotted = [] {
    std::unordered_map<std::string, std::string> m;
    for (const std::string& attribute : default_index_label_attributes()) m.emplace(normalize_label_name(attribute), attribute);
    return m;
  }();
  auto it = kDotted.find(std::string(label_name));
  return it != kDotted.end() ? it->second : std::string(label_name);
}

std::string encode_logs_request(const push::PushRequest& request) {
  google::protobuf::Arena arena;
  auto* req = google::protobuf::Arena::CreateMessage<pb::ExportLogsServiceRequest>(&arena);
  for (const push::Stream& stream : request.streams) {
    pb::ResourceLogs* rl = req->add_resource_logs();
    auto* attributes = rl->mutable_resource()->mutable_attributes();
    for (const model::Label& l : stream.labels) add_string_attribute(attributes, label_attribute_name(l.name), l.value);
    pb::ScopeLogs* sl = rl->add_scope_logs();
    for (const model::Entry& e : stream.entries) {
      pb::LogRecord* r = sl->add_log_records();
      r->set_time_unix_nano(e.timestamp > 0 ? static_cast<uint64_t>(e.timestamp) : 0);  // 0: "unset" in OTLP
      r->mutable_body()->set_string_value(e.line);
      for (const model::Label& m : e.metadata) add_string_attribute(r->mutable_attributes(), m.name, m.value);
    }
  }
  return req->SerializeAsString();
}

}  // namespace otlp
