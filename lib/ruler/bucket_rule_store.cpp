#include "ruler/bucket_rule_store.h"

#include <algorithm>

#include "golang/quote.h"
#include "ruler/rule_group_codec.h"
#include "util/base64.h"

namespace ruler {
namespace {

constexpr std::string_view kRulesPrefix = "rules/";

// A store error as the rules API reports it: the bucket's own code, the bucket named.
util::Error store_error(const objstore::Bucket& bucket, const util::Error& e) {
  return util::Error{"rule store " + bucket.name() + ": " + e.message, e.code};
}

}  // namespace

std::string rule_object_key(const std::string& tenant, const std::string& name_space, const std::string& group) {
  std::string key(kRulesPrefix);
  key += tenant;
  key += '/';
  if (name_space.empty()) return key;
  key += util::base64url_encode(name_space);
  key += '/';
  if (group.empty()) return key;
  key += util::base64url_encode(group);
  return key;
}

std::optional<RuleObjectName> parse_rule_object_key(std::string_view key) {
  if (!key.starts_with(kRulesPrefix)) return std::nullopt;
  key.remove_prefix(kRulesPrefix.size());
  size_t first = key.find('/');
  size_t second = first == std::string_view::npos ? first : key.find('/', first + 1);
  if (first == 0 || second == std::string_view::npos || key.find('/', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view parts[3] = {key.substr(0, first), key.substr(first + 1, second - first - 1), key.substr(second + 1)};
  auto ns = util::base64url_decode(parts[1]);
  auto group = util::base64url_decode(parts[2]);
  if (!ns || !group || ns->empty() || group->empty()) return std::nullopt;
  return RuleObjectName{std::string(parts[0]), std::move(*ns), std::move(*group)};
}

util::Result<std::vector<std::string>> BucketRuleStore::list_tenants() {
  // One listing of every rule object rather than a delimited one: some S3 implementations
  // (s3rver) roll up nothing under a nested prefix, and only tenants with a valid rule object
  // count (not other data that happens to live under rules/).
  std::vector<std::string> out;
  objstore::ListOptions o;
  o.prefix = std::string(kRulesPrefix);
  auto st = bucket_.list(o, [&](const objstore::ListEntry& e) {
    if (e.is_prefix) return true;
    auto name = parse_rule_object_key(e.key);
    if (name && (out.empty() || out.back() != name->tenant)) out.push_back(std::move(name->tenant));
    return true;
  });
  if (!st.ok()) return store_error(bucket_, st.status_error());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

util::Result<std::vector<std::string>> BucketRuleStore::list_namespaces(const std::string& tenant) {
  if (auto st = check_store_name("tenant", tenant); !st.ok()) return st.status_error();
  std::vector<std::string> out;
  objstore::ListOptions o;
  o.prefix = rule_object_key(tenant, "", "");
  o.delimiter = "/";
  auto st = bucket_.list(o, [&](const objstore::ListEntry& e) {
    if (!e.is_prefix) return true;
    std::string_view encoded(e.key);
    encoded.remove_prefix(o.prefix.size());
    encoded.remove_suffix(1);
    if (auto ns = util::base64url_decode(encoded); ns && !ns->empty()) out.push_back(std::move(*ns));
    return true;
  });
  if (!st.ok()) return store_error(bucket_, st.status_error());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

util::Result<std::vector<std::string>> BucketRuleStore::group_keys(const std::string& tenant,
                                                                   const std::string& name_space) {
  if (auto st = check_store_name("tenant", tenant); !st.ok()) return st.status_error();
  if (name_space.empty()) return util::invalid_argument("namespace must not be empty");
  std::vector<std::string> keys;
  objstore::ListOptions o;
  o.prefix = rule_object_key(tenant, name_space, "");
  auto st = bucket_.list(o, [&](const objstore::ListEntry& e) {
    if (!e.is_prefix && parse_rule_object_key(e.key)) keys.push_back(e.key);
    return true;
  });
  if (!st.ok()) return store_error(bucket_, st.status_error());
  return keys;
}

util::Result<std::vector<RuleSource>> BucketRuleStore::load_namespace(const std::string& tenant,
                                                                      const std::string& name_space) {
  auto keys = group_keys(tenant, name_space);
  if (!keys.ok()) return keys.status_error();
  if (keys->empty()) return util::not_found("no rule groups found");
  std::vector<RuleSource> out;
  for (const std::string& key : *keys) {
    RuleObjectName name = *parse_rule_object_key(key);
    RuleSource source;
    source.location = bucket_.name() + "/" + key;
    auto fail = [&](std::string message) {
      RuleError e;
      e.file = source.location;
      e.group = name.group;
      e.message = std::move(message);
      source.errors.push_back(std::move(e));
    };
    auto bytes = bucket_.get(key);
    if (!bytes.ok()) {
      if (bytes.code() == util::ErrorCode::kNotFound) continue;  // deleted since the listing
      fail(bytes.error());
    } else if (auto stored = decode_rule_group(*bytes); !stored.ok()) {
      fail(stored.error());
    } else if (stored->tenant != tenant || stored->name_space != name_space || stored->group.name != name.group) {
      fail("the object holds user " + golang::quote(stored->tenant) + ", namespace " +
           golang::quote(stored->name_space) + ", group " + golang::quote(stored->group.name) +
           ", not what its key names (" + golang::quote(tenant) + ", " + golang::quote(name_space) + ", " +
           golang::quote(name.group) + ")");
    } else {
      source.groups.push_back(std::move(stored->group));
    }
    out.push_back(std::move(source));
  }
  if (out.empty()) return util::not_found("no rule groups found");
  return out;
}

util::Status BucketRuleStore::set_group(const std::string& tenant, const std::string& name_space,
                                        const RuleGroup& group) {
  if (auto st = check_store_name("tenant", tenant); !st.ok()) return st;
  if (name_space.empty()) return util::invalid_argument("namespace must not be empty");
  if (group.name.empty()) return util::invalid_argument("group name must not be empty");
  std::string key = rule_object_key(tenant, name_space, group.name);
  auto st = bucket_.put(key, encode_rule_group(tenant, name_space, group));
  if (!st.ok()) return store_error(bucket_, st.status_error());
  return {};
}

util::Status BucketRuleStore::delete_group(const std::string& tenant, const std::string& name_space,
                                           const std::string& group_name) {
  if (auto st = check_store_name("tenant", tenant); !st.ok()) return st;
  if (name_space.empty() || group_name.empty()) return util::not_found("group does not exist");
  std::string key = rule_object_key(tenant, name_space, group_name);
  auto exists = bucket_.exists(key);  // the bucket's delete succeeds for a missing key
  if (!exists.ok()) return store_error(bucket_, exists.status_error());
  if (!*exists) return util::not_found("group does not exist");
  auto st = bucket_.remove(key);
  if (!st.ok()) return store_error(bucket_, st.status_error());
  return {};
}

util::Status BucketRuleStore::delete_namespace(const std::string& tenant, const std::string& name_space) {
  auto keys = group_keys(tenant, name_space);
  if (!keys.ok()) return keys.status_error();
  if (keys->empty()) return util::not_found("no rule groups found");
  auto removed = bucket_.remove_batch(*keys);
  if (!removed.ok()) return store_error(bucket_, removed.status().status_error());
  return {};
}

}  // namespace ruler
