// Where rule files live, per tenant and namespace, as Loki's ruler stores them. RuleStore is the
// interface the ruler and the rules API use; LocalRuleStore is `ruler.storage.type: local`
// (`<directory>/<tenant>/<namespace>.yaml`). The object store (lib/objstore) becomes one more
// implementation with the same keys.
//
// A namespace is one rule file: its groups are read and written together.
//
// Thread-safety: implementations may be called from any thread; a read-modify-write of one
// namespace (set_rule_group, delete_rule_group) is serialized by the caller.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ruler/rule_file.h"
#include "util/result.h"

namespace ruler {

class RuleStore {
 public:
  virtual ~RuleStore() = default;
  virtual util::Result<std::vector<std::string>> list_tenants() = 0;
  virtual util::Result<std::vector<std::string>> list_namespaces(const std::string& tenant) = 0;
  // The namespace's rule file; kNotFound when it does not exist.
  virtual util::Result<std::string> read_namespace(const std::string& tenant, const std::string& name_space) = 0;
  virtual util::Status write_namespace(const std::string& tenant, const std::string& name_space,
                                       const std::string& yaml) = 0;
  virtual util::Status delete_namespace(const std::string& tenant, const std::string& name_space) = 0;
  // Where a namespace is stored, for messages ("rules/fake/app.yaml").
  virtual std::string location(const std::string& tenant, const std::string& name_space) const = 0;
};

// Files named <namespace>.yaml (or .yml) in <directory>/<tenant>/; other files are ignored.
// Writes are atomic (a reader sees the old file or the new one).
class LocalRuleStore final : public RuleStore {
 public:
  explicit LocalRuleStore(std::string directory) : dir_(std::move(directory)) {}
  util::Result<std::vector<std::string>> list_tenants() override;
  util::Result<std::vector<std::string>> list_namespaces(const std::string& tenant) override;
  util::Result<std::string> read_namespace(const std::string& tenant, const std::string& name_space) override;
  util::Status write_namespace(const std::string& tenant, const std::string& name_space,
                               const std::string& yaml) override;
  util::Status delete_namespace(const std::string& tenant, const std::string& name_space) override;
  std::string location(const std::string& tenant, const std::string& name_space) const override;

 private:
  std::string path_of(const std::string& tenant, const std::string& name_space) const;
  std::string dir_;
};

// A namespace or tenant name usable as a file name: non-empty, no '/', no NUL, not "." or "..".
util::Status check_store_name(const std::string& what, const std::string& name);

// Adds or replaces `group` (by name) in the namespace, creating it if needed.
util::Status set_rule_group(RuleStore& store, const std::string& tenant, const std::string& name_space,
                            const RuleGroup& group);
// Removes one group; the namespace goes when it is left empty. kNotFound when there is no such group.
util::Status delete_rule_group(RuleStore& store, const std::string& tenant, const std::string& name_space,
                               const std::string& group_name);
// The groups of a namespace as stored (kNotFound when absent; kInvalidArgument when unparsable).
util::Result<std::vector<RuleGroup>> read_rule_groups(RuleStore& store, const std::string& tenant,
                                                      const std::string& name_space);

}  // namespace ruler
