#include "kv/kv_client.h"

namespace kv {

std::string prefix_range_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

Compare key_missing(const std::string& key) {
  return {key, "", Compare::Target::kVersion, Compare::Op::kEqual, 0};
}

Compare mod_revision_is(const std::string& key, int64_t revision) {
  return {key, "", Compare::Target::kModRevision, Compare::Op::kEqual, revision};
}

Compare none_created_after(const std::string& prefix, int64_t revision) {
  return {prefix, prefix_range_end(prefix), Compare::Target::kCreateRevision, Compare::Op::kLess, revision + 1};
}

TxnOp put_op(const std::string& key, const std::string& value, int64_t lease) {
  return {TxnOp::Kind::kPut, key, value, lease, ""};
}

TxnOp delete_op(const std::string& key) { return {TxnOp::Kind::kDelete, key, "", 0, ""}; }

TxnOp get_op(const std::string& key) { return {TxnOp::Kind::kGet, key, "", 0, ""}; }

}  // namespace kv
