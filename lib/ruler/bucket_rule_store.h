// BucketRuleStore: rule groups in an object store, laid out as Loki's (and Cortex's) ruler does
// (`ruler.storage.type: s3`): one object per group at
//
//   rules/<tenant>/<base64url(namespace)>/<base64url(group)>
//
// (Go's padded URL-safe base64, so any namespace or group name makes a valid key), each object a
// RuleGroupDesc protobuf (rule_group_codec.h). A bucket written by Loki's ruler is read as is, and
// Loki's ruler reads what this store writes. Keys under rules/ that do not have this shape (other
// data sharing the bucket) are skipped, as Loki's ruler skips them.
//
// Each group object is its own RuleSource: a bad object is reported under its URL and does not
// stop the other groups of its namespace.
//
// Thread-safety: as RuleStore; the bucket is thread-safe.
#pragma once

#include <optional>

#include "objstore/bucket.h"
#include "ruler/rule_store.h"

namespace ruler {

class BucketRuleStore final : public RuleStore {
 public:
  // `bucket` must outlive the store.
  explicit BucketRuleStore(objstore::Bucket& bucket) : bucket_(bucket) {}
  util::Result<std::vector<std::string>> list_tenants() override;
  util::Result<std::vector<std::string>> list_namespaces(const std::string& tenant) override;
  util::Result<std::vector<RuleSource>> load_namespace(const std::string& tenant, const std::string& name_space) override;
  util::Status set_group(const std::string& tenant, const std::string& name_space, const RuleGroup& group) override;
  util::Status delete_group(const std::string& tenant, const std::string& name_space,
                            const std::string& group_name) override;
  util::Status delete_namespace(const std::string& tenant, const std::string& name_space) override;

 private:
  util::Result<std::vector<std::string>> group_keys(const std::string& tenant, const std::string& name_space);
  objstore::Bucket& bucket_;
};

// The object key of a group, of a namespace's prefix (group ""), of a tenant's (namespace "").
std::string rule_object_key(const std::string& tenant, const std::string& name_space, const std::string& group);

struct RuleObjectName {
  std::string tenant, name_space, group;
};
// The names a key stands for; nullopt when the key is not rules/<tenant>/<ns>/<group> with both
// names valid non-empty base64url.
std::optional<RuleObjectName> parse_rule_object_key(std::string_view key);

}  // namespace ruler
