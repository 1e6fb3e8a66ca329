#include "query/encoding_flags.h"

#include "util/strings.h"

namespace query {

bool has_categorize_labels(std::string_view value) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view flag = util::trim(value.substr(0, comma));
    if (flag == kCategorizeLabelsFlag) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace query
