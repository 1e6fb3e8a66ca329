#include "ruler/rule_store.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "fsutil/atomic_file.h"
#include "golang/quote.h"

namespace ruler {
namespace fs = std::filesystem;

namespace {

bool has_rule_extension(const std::string& name, std::string& stem) {
  for (const char* ext : {".yaml", ".yml"}) {
    std::string e = ext;
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      stem = name.substr(0, name.size() - e.size());
      return true;
    }
  }
  return false;
}

}  // namespace

util::Status check_store_name(const std::string& what, const std::string& name) {
  if (name.empty()) return util::invalid_argument(what + " must not be empty");
  if (name == "." || name == ".." || name.find('/') != std::string::npos || name.find('\0') != std::string::npos) {
    return util::invalid_argument("invalid " + what + " " + golang::quote(name) +
                                  ": it must not contain '/' or be \".\" or \"..\"");
  }
  return {};
}

std::string LocalRuleStore::path_of(const std::string& tenant, const std::string& name_space) const {
  // An existing .yml file keeps its name; new files are .yaml.
  std::string base = dir_ + "/" + tenant + "/" + name_space;
  std::error_code ec;
  if (!fs::exists(base + ".yaml", ec) && fs::exists(base + ".yml", ec)) return base + ".yml";
  return base + ".yaml";
}

std::string LocalRuleStore::location(const std::string& tenant, const std::string& name_space) const {
  return path_of(tenant, name_space);
}

util::Result<std::vector<std::string>> LocalRuleStore::list_tenants() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.is_directory(ec) && e.path().filename().string()[0] != '.') out.push_back(e.path().filename().string());
  }
  if (ec) return util::unavailable("listing " + dir_ + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

util::Result<std::vector<std::string>> LocalRuleStore::list_namespaces(const std::string& tenant) {
  std::set<std::string> out;
  std::error_code ec;
  std::string d = dir_ + "/" + tenant;
  if (!fs::exists(d, ec)) return std::vector<std::string>{};
  for (const auto& e : fs::directory_iterator(d, ec)) {
    std::string name = e.path().filename().string(), stem;
    if (name.empty() || name[0] == '.' || !e.is_regular_file(ec)) continue;
    if (has_rule_extension(name, stem)) out.insert(stem);
  }
  if (ec) return util::unavailable("listing " + d + ": " + ec.message());
  return std::vector<std::string>(out.begin(), out.end());
}

util::Result<std::string> LocalRuleStore::read_namespace(const std::string& tenant, const std::string& name_space) {
  std::string path = path_of(tenant, name_space);
  std::error_code ec;
  if (!fs::exists(path, ec)) return util::not_found("no rule groups found");
  auto text = fsutil::read_file(path);
  if (!text.ok()) return util::unavailable(text.error());
  return std::move(*text);
}

util::Result<std::vector<RuleSource>> LocalRuleStore::load_namespace(const std::string& tenant,
                                                                     const std::string& name_space) {
  RuleSource source;
  source.location = location(tenant, name_space);
  auto text = read_namespace(tenant, name_space);
  if (!text.ok()) {
    if (text.code() == util::ErrorCode::kNotFound) return text.status_error();
    RuleError e;
    e.file = source.location;
    e.message = text.error();
    source.errors.push_back(std::move(e));
  } else {
    ParsedRuleFile parsed = parse_rule_file(*text, source.location);
    source.groups = std::move(parsed.file.groups);
    source.errors = std::move(parsed.errors);
  }
  return std::vector<RuleSource>{std::move(source)};
}

util::Status LocalRuleStore::write_namespace(const std::string& tenant, const std::string& name_space,
                                             const std::string& yaml) {
  if (auto st = check_store_name("tenant", tenant); !st.ok()) return st;
  if (auto st = check_store_name("namespace", name_space); !st.ok()) return st;
  if (auto st = fsutil::create_directories(dir_ + "/" + tenant); !st.ok()) return util::unavailable(st.error());
  auto st = fsutil::write_file_atomically(path_of(tenant, name_space), yaml);
  if (!st.ok()) return util::unavailable(st.error());
  return {};
}

util::Status LocalRuleStore::delete_namespace(const std::string& tenant, const std::string& name_space) {
  std::string path = path_of(tenant, name_space);
  std::error_code ec;
  if (!fs::remove(path, ec)) {
    if (ec) return util::unavailable("removing " + path + ": " + ec.message());
    return util::not_found("no rule groups found");
  }
  return {};
}

util::Status LocalRuleStore::set_group(const std::string& tenant, const std::string& name_space,
                                       const RuleGroup& group) {
  if (auto st = check_store_name("namespace", name_space); !st.ok()) return st;
  std::vector<RuleGroup> groups;
  auto existing = read_rule_groups(*this, tenant, name_space);
  if (existing.ok()) groups = std::move(*existing);
  else if (existing.code() != util::ErrorCode::kNotFound) return existing.status_error();
  auto it = std::find_if(groups.begin(), groups.end(), [&](const RuleGroup& g) { return g.name == group.name; });
  if (it != groups.end()) *it = group;
  else groups.push_back(group);
  return write_namespace(tenant, name_space, format_rule_file(groups));
}

util::Status LocalRuleStore::delete_group(const std::string& tenant, const std::string& name_space,
                                          const std::string& group_name) {
  auto existing = read_rule_groups(*this, tenant, name_space);
  if (!existing.ok()) return existing.status_error();
  std::vector<RuleGroup>& groups = *existing;
  auto it = std::find_if(groups.begin(), groups.end(), [&](const RuleGroup& g) { return g.name == group_name; });
  if (it == groups.end()) return util::not_found("group does not exist");
  groups.erase(it);
  if (groups.empty()) return delete_namespace(tenant, name_space);
  return write_namespace(tenant, name_space, format_rule_file(groups));
}

util::Result<std::vector<RuleGroup>> read_rule_groups(RuleStore& store, const std::string& tenant,
                                                      const std::string& name_space) {
  auto sources = store.load_namespace(tenant, name_space);
  if (!sources.ok()) return sources.status_error();
  std::vector<RuleGroup> out;
  for (RuleSource& s : *sources) {
    if (!s.errors.empty()) return util::invalid_argument(s.errors.front().to_string());
    for (RuleGroup& g : s.groups) out.push_back(std::move(g));
  }
  return out;
}

}  // namespace ruler
