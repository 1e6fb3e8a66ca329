#include "ruler/rule_group_codec.h"

#include <algorithm>
#include <limits>

#include "rules.pb.h"

namespace ruler {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

void set_duration(lokirules::Duration* d, int64_t ns) {
  d->set_seconds(ns / kNanosPerSecond);
  d->set_nanos(static_cast<int32_t>(ns % kNanosPerSecond));
}

util::Result<int64_t> duration_ns(const lokirules::Duration& d, const std::string& what) {
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / kNanosPerSecond - 1;
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() >= kNanosPerSecond || d.seconds() > kMaxSeconds) {
    return util::invalid_argument(what + ": invalid duration (" + std::to_string(d.seconds()) + "s " +
                                  std::to_string(d.nanos()) + "ns)");
  }
  return d.seconds() * kNanosPerSecond + d.nanos();
}

void put_pairs(const TemplateMap& from, google::protobuf::RepeatedPtrField<lokirules::LabelPair>* to) {
  for (const auto& [k, v] : from) {
    auto* p = to->Add();
    p->set_name(k);
    p->set_value(v);
  }
}

util::Result<TemplateMap> get_pairs(const google::protobuf::RepeatedPtrField<lokirules::LabelPair>& from,
                                    const std::string& what) {
  TemplateMap out;
  for (const auto& p : from) out.emplace_back(p.name(), p.value());
  std::sort(out.begin(), out.end());
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].first == out[i - 1].first) return util::invalid_argument(what + ": duplicate name " + out[i].first);
  }
  return out;
}

}  // namespace

std::string encode_rule_group(const std::string& tenant, const std::string& name_space, const RuleGroup& group) {
  lokirules::RuleGroupDesc desc;
  desc.set_name(group.name);
  desc.set_namespace_(name_space);
  desc.set_user(tenant);
  set_duration(desc.mutable_interval(), group.interval_ns);
  desc.set_limit(group.limit);
  for (const Rule& r : group.rules) {
    lokirules::RuleDesc* d = desc.add_rules();
    d->set_expr(r.expr);
    d->set_record(r.record);
    d->set_alert(r.alert);
    set_duration(d->mutable_for_(), r.for_ns);
    if (r.keep_firing_for_ns != 0) set_duration(d->mutable_keep_firing_for(), r.keep_firing_for_ns);
    put_pairs(r.labels, d->mutable_labels());
    put_pairs(r.annotations, d->mutable_annotations());
  }
  return desc.SerializeAsString();
}

util::Result<StoredRuleGroup> decode_rule_group(std::string_view bytes) {
  lokirules::RuleGroupDesc desc;
  if (!desc.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return util::invalid_argument("not a rule group (RuleGroupDesc protobuf): cannot be decoded");
  }
  if (desc.options_size() > 0) {
    return util::invalid_argument("rule group has options (" + desc.options(0).type_url() +
                                  "), which logd does not support");
  }
  StoredRuleGroup out;
  out.tenant = desc.user();
  out.name_space = desc.namespace_();
  out.group.name = desc.name();
  auto interval = duration_ns(desc.interval(), "interval");
  if (!interval.ok()) return interval.status_error();
  out.group.interval_ns = *interval;
  if (desc.limit() < 0) return util::invalid_argument("limit: must not be negative");
  out.group.limit = desc.limit();
  for (int i = 0; i < desc.rules_size(); ++i) {
    const lokirules::RuleDesc& d = desc.rules(i);
    std::string where = "rule " + std::to_string(i + 1);
    Rule r;
    r.expr = d.expr();
    r.record = d.record();
    r.alert = d.alert();
    auto for_ns = duration_ns(d.for_(), where + ": for");
    if (!for_ns.ok()) return for_ns.status_error();
    r.for_ns = *for_ns;
    auto keep = duration_ns(d.keep_firing_for(), where + ": keep_firing_for");
    if (!keep.ok()) return keep.status_error();
    r.keep_firing_for_ns = *keep;
    auto labels = get_pairs(d.labels(), where + ": labels");
    if (!labels.ok()) return labels.status_error();
    r.labels = std::move(*labels);
    auto annotations = get_pairs(d.annotations(), where + ": annotations");
    if (!annotations.ok()) return annotations.status_error();
    r.annotations = std::move(*annotations);
    out.group.rules.push_back(std::move(r));
  }
  return out;
}

}  // namespace ruler
