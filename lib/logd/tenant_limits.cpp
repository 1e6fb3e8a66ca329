#include "logd/tenant_limits.h"

#include <cstdint>

namespace logd {
namespace {

// Loki's SmallestPositive: 0 means unlimited, so it loses to any set limit.
template <typename T>
T smallest_positive(T a, T b) {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return a < b ? a : b;
}

query::Limits limits_of(const LimitsConfig& l, int max_concurrent) {
  query::Limits q;
  q.max_entries_limit_per_query = static_cast<uint32_t>(l.max_entries_limit_per_query);
  q.max_query_series = static_cast<uint64_t>(l.max_query_series);
  q.query_timeout = l.query_timeout;
  q.max_query_length = l.max_query_length;
  q.max_concurrent = max_concurrent;
  q.max_query_result_bytes = static_cast<uint64_t>(l.max_query_result_bytes);
  q.templates.max_output_bytes = l.max_template_output_bytes > 0 ? static_cast<size_t>(l.max_template_output_bytes) : SIZE_MAX;
  q.templates.max_steps = static_cast<uint64_t>(l.max_template_steps);
  return q;
}

}  // namespace

TenantLimits::TenantLimits(LimitsConfig defaults)
    : defaults_(std::make_shared<const LimitsConfig>(std::move(defaults))),
      overrides_(std::make_shared<const TenantOverrides>()) {}

std::shared_ptr<const LimitsConfig> TenantLimits::get(const std::string& tenant) const {
  std::shared_ptr<const TenantOverrides> all = overrides();
  auto it = all->find(tenant);
  if (it == all->end()) return defaults_;
  // Shares ownership of the whole override map, so a reload cannot free it under the caller.
  return std::shared_ptr<const LimitsConfig>(all, &it->second);
}

void TenantLimits::set_overrides(TenantOverrides overrides) {
  auto next = std::make_shared<const TenantOverrides>(std::move(overrides));
  std::lock_guard lock(mu_);
  overrides_ = std::move(next);
}

std::shared_ptr<const TenantOverrides> TenantLimits::overrides() const {
  std::lock_guard lock(mu_);
  return overrides_;
}

query::Limits query_limits(const TenantLimits& limits, const std::vector<std::string>& tenants, int max_concurrent) {
  if (tenants.empty()) return limits_of(limits.defaults(), max_concurrent);
  query::Limits q = limits_of(*limits.get(tenants[0]), max_concurrent);
  for (size_t i = 1; i < tenants.size(); ++i) {
    query::Limits o = limits_of(*limits.get(tenants[i]), max_concurrent);
    q.max_entries_limit_per_query = smallest_positive(q.max_entries_limit_per_query, o.max_entries_limit_per_query);
    q.max_query_series = smallest_positive(q.max_query_series, o.max_query_series);
    q.query_timeout = smallest_positive(q.query_timeout, o.query_timeout);
    q.max_query_length = smallest_positive(q.max_query_length, o.max_query_length);
    q.max_query_result_bytes = smallest_positive(q.max_query_result_bytes, o.max_query_result_bytes);
    q.templates.max_output_bytes = smallest_positive(q.templates.max_output_bytes, o.templates.max_output_bytes);
    q.templates.max_steps = smallest_positive(q.templates.max_steps, o.templates.max_steps);
  }
  return q;
}

}  // namespace logd
