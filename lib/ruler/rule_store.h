// Where rule groups live, per tenant and namespace, as Loki's ruler stores them. RuleStore is the
// interface the ruler and the rules API use; LocalRuleStore is `ruler.storage.type: local`
// (`<directory>/<tenant>/<namespace>.yaml`, one file per namespace) and BucketRuleStore
// (bucket_rule_store.h) the object store (one object per group).
//
// A namespace is read as RuleSources: the units that load or fail as a whole (a local rule file;
// one group object in a bucket), each reported under its own location.
//
// Thread-safety: implementations may be called from any thread; a read-modify-write of one
// namespace (set_group, delete_group) is serialized by the caller.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ruler/rule_file.h"
#include "util/result.h"

namespace ruler {

// One unit of a namespace as stored: its groups as they parsed, and what did not.
struct RuleSource {
  std::string location;           // "rules/fake/app.yaml", "s3://b/rules/fake/YXBw/Zw==": for messages
  std::vector<RuleGroup> groups;  // the groups that parsed (possibly with semantic problems)
  std::vector<RuleError> errors;  // problems reading or parsing it (file = location)
};

class RuleStore {
 public:
  virtual ~RuleStore() = default;
  virtual util::Result<std::vector<std::string>> list_tenants() = 0;
  virtual util::Result<std::vector<std::string>> list_namespaces(const std::string& tenant) = 0;
  // The namespace as stored; kNotFound when it has no groups. A source that cannot be read or
  // parsed is returned with its errors, not as an error of the call.
  virtual util::Result<std::vector<RuleSource>> load_namespace(const std::string& tenant,
                                                               const std::string& name_space) = 0;
  // Adds or replaces `group` (by name) in the namespace, creating it if needed.
  virtual util::Status set_group(const std::string& tenant, const std::string& name_space, const RuleGroup& group) = 0;
  // Removes one group; the namespace goes with its last group. kNotFound when there is no such group.
  virtual util::Status delete_group(const std::string& tenant, const std::string& name_space,
                                    const std::string& group_name) = 0;
  // kNotFound when the namespace has no groups.
  virtual util::Status delete_namespace(const std::string& tenant, const std::string& name_space) = 0;
};

// Files named <namespace>.yaml (or .yml) in <directory>/<tenant>/; other files are ignored.
// Writes are atomic (a reader sees the old file or the new one).
class LocalRuleStore final : public RuleStore {
 public:
  explicit LocalRuleStore(std::string directory) : dir_(std::move(directory)) {}
  util::Result<std::vector<std::string>> list_tenants() override;
  util::Result<std::vector<std::string>> list_namespaces(const std::string& tenant) override;
  util::Result<std::vector<RuleSource>> load_namespace(const std::string& tenant, const std::string& name_space) override;
  util::Status set_group(const std::string& tenant, const std::string& name_space, const RuleGroup& group) override;
  util::Status delete_group(const std::string& tenant, const std::string& name_space,
                            const std::string& group_name) override;
  util::Status delete_namespace(const std::string& tenant, const std::string& name_space) override;

  // The raw rule file (kNotFound when absent), and writing one as given (tests, tools).
  util::Result<std::string> read_namespace(const std::string& tenant, const std::string& name_space);
  util::Status write_namespace(const std::string& tenant, const std::string& name_space, const std::string& yaml);
  // Where a namespace's file is ("rules/fake/app.yaml").
  std::string location(const std::string& tenant, const std::string& name_space) const;

 private:
  std::string path_of(const std::string& tenant, const std::string& name_space) const;
  std::string dir_;
};

// A namespace or tenant name usable as a file name: non-empty, no '/', no NUL, not "." or "..".
util::Status check_store_name(const std::string& what, const std::string& name);

// Every group of a namespace as stored (kNotFound when absent; kInvalidArgument naming the first
// problem when a part of it cannot be read).
util::Result<std::vector<RuleGroup>> read_rule_groups(RuleStore& store, const std::string& tenant,
                                                      const std::string& name_space);

}  // namespace ruler
