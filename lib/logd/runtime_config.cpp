#include "logd/runtime_config.h"

#include <yaml-cpp/yaml.h>

#include "config/field_reader.h"
#include "config/yaml_document.h"
#include "config/yaml_print.h"
#include "golang/quote.h"
#include "logd/limits_yaml.h"
#include "push/tenant.h"
#include "util/digest.h"

namespace logd {
namespace {

std::string emitted(const YAML::Node& n) {
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

}  // namespace

util::Result<TenantOverrides> parse_runtime_config(std::string_view yaml, const LimitsConfig& defaults) {
  auto root = config::parse_document(yaml);
  if (!root.ok()) return root.status_error();
  config::FieldReader r(*root, "");
  TenantOverrides out;
  YAML::Node overrides = r.child("overrides");
  if (overrides.IsDefined() && !overrides.IsMap()) {
    r.fail("overrides: expected a mapping of tenant IDs to limits");
  } else if (overrides.IsDefined()) {
    for (const auto& kv : overrides) {
      const std::string tenant = kv.first.as<std::string>();
      const std::string path = "overrides." + tenant;
      if (auto st = push::validate_tenant_id(tenant); !st.ok()) {
        r.fail(path + ": invalid tenant ID: " + st.error());
        break;
      }
      LimitsConfig limits = defaults;
      if (auto st = parse_limits(kv.second, path, limits, nullptr, nullptr); !st.ok()) {
        r.fail(st.error());
        break;
      }
      if (auto st = check_limits(limits, path); !st.ok()) {
        r.fail(st.error());
        break;
      }
      out.emplace(tenant, std::move(limits));
    }
  }
  r.reject("configs", "logd has no per-tenant runtime settings besides overrides", true);
  r.reject("multi_kv_config", "logd's rings use one key-value store", true);
  r.reject("ingester_limits", "", true);
  if (auto st = r.finish(); !st.ok()) return st.status_error();
  return out;
}

std::string print_runtime_config(const TenantLimits& limits, bool diff) {
  YAML::Node root;
  YAML::Node tenants(YAML::NodeType::Map);
  const YAML::Node defaults = print_limits(limits.defaults());
  for (const auto& [tenant, l] : *limits.overrides()) {
    YAML::Node all = print_limits(l);
    if (!diff) {
      tenants[tenant] = all;
      continue;
    }
    YAML::Node changed(YAML::NodeType::Map);
    for (const auto& kv : all) {
      const std::string key = kv.first.as<std::string>();
      YAML::Node d = defaults[key];
      if (!d.IsDefined() || emitted(d) != emitted(kv.second)) changed[key] = kv.second;
    }
    if (changed.size() > 0) tenants[tenant] = changed;
  }
  root["overrides"] = tenants;
  return config::emit_document(root);
}

std::function<util::Result<std::string>()> runtime_config_loader(std::string path, TenantLimits& limits) {
  return [path = std::move(path), &limits]() -> util::Result<std::string> {
    auto text = config::read_config_file(path);
    if (!text.ok()) return text.status_error();
    auto parsed = parse_runtime_config(*text, limits.defaults());
    if (!parsed.ok()) return util::prefixed(path + ": ", parsed.status_error());
    limits.set_overrides(std::move(*parsed));
    return util::sha256_hex(*text);
  };
}

}  // namespace logd
