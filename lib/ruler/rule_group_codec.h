// The protobuf form of a rule group that Loki's ruler keeps in an object store (RuleGroupDesc of
// proto/rules.proto): what a BucketRuleStore writes and reads, byte-compatible with Loki's.
//
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "ruler/rule_file.h"
#include "util/result.h"

namespace ruler {

struct StoredRuleGroup {
  std::string tenant;      // RuleGroupDesc.user
  std::string name_space;  // RuleGroupDesc.namespace
  RuleGroup group;
};

std::string encode_rule_group(const std::string& tenant, const std::string& name_space, const RuleGroup& group);

// kInvalidArgument for bytes that are not a RuleGroupDesc, negative durations, or options (Loki's
// ruler writes none, and logd would not know what they ask for).
util::Result<StoredRuleGroup> decode_rule_group(std::string_view bytes);

}  // namespace ruler
