// The limits each tenant runs under: limits_config for every tenant, replaced per tenant by the
// runtime config file's overrides.<tenant> (runtime_config.h). Every place that applies a limit
// (the distributor, the query API, tails, OTLP, deletes, retention, the ruler) asks here with the
// tenant's ID, so a reload takes effect on the next request without a restart.
//
// Thread-safety: get() and set_overrides() may run concurrently; a returned pointer stays valid
// (and unchanged) for as long as it is held, whatever reloads happen meanwhile.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "logd/config.h"
#include "query/executor.h"

namespace logd {

using TenantOverrides = std::map<std::string, LimitsConfig>;

class TenantLimits {
 public:
  explicit TenantLimits(LimitsConfig defaults);

  // The tenant's effective limits: its override, else the defaults.
  std::shared_ptr<const LimitsConfig> get(const std::string& tenant) const;
  const LimitsConfig& defaults() const { return *defaults_; }
  // Replaces every override at once (a reload).
  void set_overrides(TenantOverrides overrides);
  std::shared_ptr<const TenantOverrides> overrides() const;

 private:
  const std::shared_ptr<const LimitsConfig> defaults_;
  mutable std::mutex mu_;
  std::shared_ptr<const TenantOverrides> overrides_;  // guarded by mu_
};

// The query limits of a request over `tenants` (a multi-tenant query `a|b` takes, limit by limit,
// the smallest of its tenants' positive values, as Loki does). `max_concurrent` is the querier's.
query::Limits query_limits(const TenantLimits& limits, const std::vector<std::string>& tenants, int max_concurrent);

}  // namespace logd
