#include "auth/credentials_file.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "auth/htpasswd.h"
#include "config/field_reader.h"
#include "config/yaml_document.h"
#include "push/tenant.h"
#include "util/digest.h"

namespace auth {
namespace {

// role and tenants of one users[i] or tokens[i] entry.
void read_grant(config::FieldReader& r, Grant& g) {
  std::string role;
  r.read_required_string("role", role);
  if (!role.empty()) {
    auto parsed = parse_role(role);
    if (!parsed.ok()) r.fail(r.path_of("role") + ": " + parsed.error());
    else g.role = *parsed;
  }
  r.read_string_list("tenants", g.tenants);
  if (g.tenants.empty()) r.fail(r.path() + ": tenants: at least one tenant (or \"*\") is required");
  for (const auto& t : g.tenants) {
    if (t == "*") continue;
    if (auto st = push::validate_tenant_id(t); !st.ok()) r.fail(r.path_of("tenants") + ": " + st.error());
  }
}

}  // namespace

util::Result<LoadedCredentials> parse_credentials(std::string_view yaml, const std::string& dir) {
  auto root = config::parse_document(yaml);
  if (!root.ok()) return root.status_error();
  config::FieldReader r(*root, "");
  LoadedCredentials out;
  std::string htpasswd_file;
  r.read_string("htpasswd_file", htpasswd_file);
  std::map<std::string, std::string> hashes;
  std::string htpasswd_text;
  if (!htpasswd_file.empty()) {
    std::filesystem::path p(htpasswd_file);
    if (p.is_relative() && !dir.empty()) p = std::filesystem::path(dir) / p;
    auto text = config::read_config_file(p.string());
    if (!text.ok()) return util::prefixed("htpasswd_file: ", text.status_error());
    htpasswd_text = *text;
    auto parsed = parse_htpasswd(*text, p.string());
    if (!parsed.ok()) return parsed.status_error();
    hashes = std::move(*parsed);
  }
  std::set<std::string> granted;
  if (YAML::Node users = r.child("users"); users.IsDefined()) {
    if (!users.IsSequence()) r.fail("users: expected a list");
    for (size_t i = 0; users.IsSequence() && i < users.size(); ++i) {
      config::FieldReader u(users[i], "users[" + std::to_string(i) + "]");
      Grant g;
      u.read_required_string("username", g.name);
      read_grant(u, g);
      if (auto st = u.finish(); !st.ok()) return st.status_error();
      auto h = hashes.find(g.name);
      if (h == hashes.end()) {
        return util::invalid_argument("users[" + std::to_string(i) + "]: user \"" + g.name +
                                      "\" has no hash in htpasswd_file");
      }
      if (!granted.insert(g.name).second) {
        return util::invalid_argument("users[" + std::to_string(i) + "]: user \"" + g.name + "\" appears twice");
      }
      std::string name = g.name;
      out.credentials.add_user(std::move(name), h->second, std::move(g));
    }
  }
  for (const auto& [user, hash] : hashes) {
    if (!granted.count(user)) {
      return util::invalid_argument("htpasswd_file: user \"" + user + "\" has no entry under users (no role, no tenants)");
    }
  }
  if (YAML::Node tokens = r.child("tokens"); tokens.IsDefined()) {
    if (!tokens.IsSequence()) r.fail("tokens: expected a list");
    for (size_t i = 0; tokens.IsSequence() && i < tokens.size(); ++i) {
      const std::string path = "tokens[" + std::to_string(i) + "]";
      config::FieldReader t(tokens[i], path);
      Grant g;
      std::string digest;
      t.read_required_string("name", g.name);
      t.read_required_string("sha256", digest);
      read_grant(t, g);
      if (auto st = t.finish(); !st.ok()) return st.status_error();
      if (auto st = out.credentials.add_token(digest, std::move(g)); !st.ok()) {
        return util::prefixed(path + ".", st.status_error());
      }
    }
  }
  if (auto st = r.finish(); !st.ok()) return st.status_error();
  out.sha256 = util::sha256_hex(std::string(yaml) + '\0' + htpasswd_text);
  return out;
}

util::Result<LoadedCredentials> load_credentials_file(const std::string& path) {
  auto text = config::read_config_file(path);
  if (!text.ok()) return text.status_error();
  auto parsed = parse_credentials(*text, std::filesystem::path(path).parent_path().string());
  if (!parsed.ok()) return util::prefixed(path + ": ", parsed.status_error());
  return parsed;
}

}  // namespace auth
