#include "otlp/logs_request.h"

#include <google/protobuf/arena.h>

#include <unordered_map>

#include "otlp/logs_decoder.h"
#include "otlp/value_string.h"
#include "rpc_status.pb.h"
#include "util/strings.h"

namespace otlp {
namespace {

// Loki's discover_service_name default: index labels that name the service when the resource
// has no service.name, first match (in attribute order) wins.
constexpr std::string_view kDiscoverServiceName[] = {
    "service",   "app",       "application", "app_name", "name",      "app_kubernetes_io_name", "container",
    "container_name", "k8s_container_name", "component", "workload", "job", "k8s_job_name"};

bool is_discover_label(std::string_view name) {
  for (std::string_view d : kDiscoverServiceName) {
    if (d == name) return true;
  }
  return false;
}

bool all_zero(std::string_view bytes) {
  for (char c : bytes) {
    if (c) return false;
  }
  return true;
}

util::Status check_depth(const google::protobuf::RepeatedPtrField<pb::KeyValue>& attributes) {
  for (const auto& kv : attributes) {
    if (value_depth(kv.value()) > kMaxValueDepth) {
      return util::invalid_argument("malformed OTLP request: attribute " + kv.key() + ": values nested deeper than " +
                                    std::to_string(kMaxValueDepth) + " levels");
    }
  }
  return {};
}

util::Status check_request_depth(const pb::ExportLogsServiceRequest& req) {
  for (const auto& rl : req.resource_logs()) {
    if (auto st = check_depth(rl.resource().attributes()); !st.ok()) return st;
    for (const auto& sl : rl.scope_logs()) {
      if (auto st = check_depth(sl.scope().attributes()); !st.ok()) return st;
      for (const auto& r : sl.log_records()) {
        if (auto st = check_depth(r.attributes()); !st.ok()) return st;
        if (value_depth(r.body()) > kMaxValueDepth) {
          return util::invalid_argument("malformed OTLP request: a log body nested deeper than " +
                                        std::to_string(kMaxValueDepth) + " levels");
        }
      }
    }
  }
  return {};
}

// Gathers entries per label set, in order of first appearance.
class StreamCollector {
 public:
  std::vector<model::Entry>& entries_for(model::LabelSet labels) {
    auto [it, inserted] = index_.try_emplace(labels.to_string(), streams_.size());
    if (inserted) streams_.push_back({std::move(labels), {}});
    return streams_[it->second].entries;
  }
  std::vector<push::Stream> take() { return std::move(streams_); }

 private:
  std::unordered_map<std::string, size_t> index_;
  std::vector<push::Stream> streams_;
};

// The record's own structured metadata (log attributes and its fields) and the labels its
// log attributes add to the stream (index_label rules, severity_text_as_label).
void map_record(const pb::LogRecord& r, const OtlpConfig& config, std::vector<model::Label>& metadata,
                std::vector<model::Label>& labels) {
  std::vector<model::Label> attr;
  for (const auto& kv : r.attributes()) {
    Action action = config.log_action(kv.key());
    if (action == Action::kDrop) continue;
    attr.clear();
    attribute_labels(kv.key(), kv.value(), attr);
    auto& into = action == Action::kIndexLabel ? labels : metadata;
    into.insert(into.end(), attr.begin(), attr.end());
  }
  if (r.time_unix_nano() != 0 && r.observed_time_unix_nano() != 0) {
    metadata.push_back({"observed_timestamp", std::to_string(r.observed_time_unix_nano())});
  }
  if (r.severity_number() != 0) metadata.push_back({"severity_number", std::to_string(r.severity_number())});
  if (!r.severity_text().empty()) {
    if (config.severity_text_as_label) labels.push_back({"severity_text", r.severity_text()});
    metadata.push_back({"severity_text", r.severity_text()});
  }
  if (r.dropped_attributes_count() != 0) {
    metadata.push_back({"dropped_attributes_count", std::to_string(r.dropped_attributes_count())});
  }
  if (r.flags() != 0) metadata.push_back({"flags", std::to_string(r.flags())});
  if (!r.trace_id().empty() && !all_zero(r.trace_id())) metadata.push_back({"trace_id", util::hex_encode(r.trace_id())});
  if (!r.span_id().empty() && !all_zero(r.span_id())) metadata.push_back({"span_id", util::hex_encode(r.span_id())});
}

// Structured metadata as a set: a repeated name keeps its last value, empty values are dropped
// (Loki's storage drops them too).
model::LabelSet metadata_set(const std::vector<model::Label>& pairs) { return model::LabelSet::from_unsorted(pairs); }

push::PushRequest to_push_request(const pb::ExportLogsServiceRequest& req, const OtlpConfig& config, int64_t now_ns) {
  StreamCollector streams;
  std::vector<model::Label> attr, record_metadata, record_labels;
  for (const auto& rl : req.resource_logs()) {
    std::vector<model::Label> stream_labels, resource_metadata;
    bool has_service_name = false;
    for (const auto& kv : rl.resource().attributes()) {
      if (kv.key() == "service.name" && !value_string(kv.value()).empty()) has_service_name = true;
    }
    for (const auto& kv : rl.resource().attributes()) {
      Action action = config.resource_action(kv.key());
      if (action == Action::kDrop) continue;
      attr.clear();
      attribute_labels(kv.key(), kv.value(), attr);
      if (action == Action::kIndexLabel) {
        for (auto& l : attr) {
          if (!has_service_name && is_discover_label(l.name)) {
            stream_labels.push_back({"service_name", l.value});
            has_service_name = true;
          }
          stream_labels.push_back(std::move(l));
        }
      } else {
        resource_metadata.insert(resource_metadata.end(), attr.begin(), attr.end());
      }
    }
    if (!has_service_name) stream_labels.push_back({"service_name", kUnknownService});
    // Label names repeat when attributes normalize alike; the last one wins, as in Loki's map.
    model::LabelSet resource_labels = model::LabelSet::from_unsorted(stream_labels);

    for (const auto& sl : rl.scope_logs()) {
      std::vector<model::Label> scope_metadata;
      const pb::InstrumentationScope& scope = sl.scope();
      for (const auto& kv : scope.attributes()) {
        if (config.scope_action(kv.key()) == Action::kDrop) continue;
        attribute_labels(kv.key(), kv.value(), scope_metadata);
      }
      if (!scope.name().empty()) scope_metadata.push_back({"scope_name", scope.name()});
      if (!scope.version().empty()) scope_metadata.push_back({"scope_version", scope.version()});
      if (scope.dropped_attributes_count() != 0) {
        scope_metadata.push_back({"scope_dropped_attributes_count", std::to_string(scope.dropped_attributes_count())});
      }
      for (const auto& r : sl.log_records()) {
        record_metadata.clear();
        record_labels.clear();
        map_record(r, config, record_metadata, record_labels);
        record_metadata.insert(record_metadata.end(), resource_metadata.begin(), resource_metadata.end());
        record_metadata.insert(record_metadata.end(), scope_metadata.begin(), scope_metadata.end());
        model::Entry e;
        e.timestamp = r.time_unix_nano() != 0            ? static_cast<int64_t>(r.time_unix_nano())
                      : r.observed_time_unix_nano() != 0 ? static_cast<int64_t>(r.observed_time_unix_nano())
                                                         : now_ns;
        e.line = value_string(r.body());
        e.metadata = metadata_set(record_metadata);
        if (record_labels.empty()) {
          streams.entries_for(resource_labels).push_back(std::move(e));
        } else {
          std::vector<model::Label> combined = resource_labels.labels();
          combined.insert(combined.end(), record_labels.begin(), record_labels.end());
          streams.entries_for(model::LabelSet::from_unsorted(std::move(combined))).push_back(std::move(e));
        }
      }
    }
  }
  push::PushRequest out;
  out.streams = streams.take();
  return out;
}

}  // namespace

util::Result<Encoding> encoding_of(std::string_view content_type) {
  std::string_view media = util::trim(content_type.substr(0, content_type.find(';')));
  if (util::iequals(media, "application/x-protobuf") || util::iequals(media, "application/protobuf")) {
    return Encoding::kProtobuf;
  }
  if (util::iequals(media, "application/json")) return Encoding::kJson;
  return util::invalid_argument("content type: " + std::string(content_type) + " is not supported");
}

util::Result<push::PushRequest> parse_logs_request(Encoding encoding, std::string_view body, const OtlpConfig& config,
                                                   int64_t now_ns) {
  google::protobuf::Arena arena;
  auto* req = google::protobuf::Arena::CreateMessage<pb::ExportLogsServiceRequest>(&arena);
  util::Status st = encoding == Encoding::kProtobuf ? decode_protobuf(body, *req) : decode_json(body, *req);
  if (!st.ok()) return st.status_error();
  if (auto depth = check_request_depth(*req); !depth.ok()) return depth.status_error();
  return to_push_request(*req, config, now_ns);
}

std::string encode_error_status(std::string_view message) {
  google::rpc::Status status;
  status.set_message(std::string(message));
  return status.SerializeAsString();
}

}  // namespace otlp
