#include "auth/htpasswd.h"

#include "auth/password_hash.h"
#include "util/strings.h"

namespace auth {

util::Result<std::map<std::string, std::string>> parse_htpasswd(std::string_view text, const std::string& name) {
  std::map<std::string, std::string> users;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    line = util::trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = name + ":" + std::to_string(line_no) + ": ";
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return util::invalid_argument(where + "expected user:hash");
    }
    std::string user(line.substr(0, colon));
    std::string hash(line.substr(colon + 1));
    if (auto st = check_password_hash(hash); !st.ok()) {
      return util::invalid_argument(where + "user \"" + user + "\": " + st.error());
    }
    if (!users.emplace(user, std::move(hash)).second) {
      return util::invalid_argument(where + "user \"" + user + "\" appears twice");
    }
  }
  return users;
}

}  // namespace auth
