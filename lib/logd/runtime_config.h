// Loki's runtime configuration file (runtime_config.file): per-tenant limits that change without
// a restart.
//
//   overrides:
//     team-a:
//       ingestion_rate_mb: 10
//       max_query_series: 1000
//       retention_period: 744h
//
// Each tenant's block takes limits_config's keys (limits_yaml.h) and starts from limits_config:
// a key left out keeps the default. Unknown keys, a bad value or an invalid tenant ID make the
// whole file invalid (the error names the key path: "overrides.team-a.max_line_sise: unknown
// field"), and an invalid file is never installed: the last good overrides stay (file_reloader.h).
// Loki's other runtime keys (configs, multi_kv_config) are errors naming them.
//
// Thread-safety: pure functions, except the loader, which installs into a thread-safe TenantLimits.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "logd/tenant_limits.h"
#include "util/result.h"

namespace logd {

// Parses the runtime config text over `defaults` (an empty document: no overrides).
util::Result<TenantOverrides> parse_runtime_config(std::string_view yaml, const LimitsConfig& defaults);

// GET /runtime_config: the overrides in force, each tenant with every limit, as YAML; with
// `diff` (?mode=diff, Loki's semantics), each tenant with only the values that differ from
// limits_config, and tenants without any difference left out.
std::string print_runtime_config(const TenantLimits& limits, bool diff);

// A FileReloader load function: reads `path`, parses it and installs it into `limits`; returns
// the file's SHA-256.
std::function<util::Result<std::string>()> runtime_config_loader(std::string path, TenantLimits& limits);

}  // namespace logd
