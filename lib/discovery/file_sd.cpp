// File-based service discovery (see file_sd.h).
#include "discovery/file_sd.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <chrono>
#include <cstdio>
#include <set>

#include "fsutil/atomic_file.h"
#include "tail/directory_watcher.h"
#include "tail/glob.h"

namespace discovery {
namespace {

bool ends_with_any(std::string_view s, std::initializer_list<std::string_view> suffixes) {
  for (std::string_view suf : suffixes) {
    if (s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf) return true;
  }
  return false;
}

bool is_json_path(std::string_view path) { return ends_with_any(path, {".json", ".JSON"}); }

// Adds one group from its parts, checking label names as Prometheus does.
util::Status add_group(const std::string& path, size_t index, std::vector<std::string> targets,
                       const std::vector<std::pair<std::string, std::string>>& labels,
                       std::vector<TargetGroup>& out) {
  TargetGroup g;
  g.source = path + ":" + std::to_string(index);
  for (const auto& [name, value] : labels) {
    if (!model::is_valid_label_name(name)) {
      return util::Error{"group " + std::to_string(index) + ": \"" + name + "\" is not a valid label name"};
    }
    g.labels.set(name, value);
  }
  g.labels.set("__meta_filepath", path);
  for (std::string& t : targets) g.targets.push_back(model::LabelSet{{"__address__", std::move(t)}});
  out.push_back(std::move(g));
  return {};
}

util::Result<std::vector<TargetGroup>> parse_json_groups(std::string_view content, const std::string& path) {
  nlohmann::json doc = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return util::Error{"invalid JSON"};
  if (!doc.is_array()) return util::Error{"expected a list of target groups"};
  std::vector<TargetGroup> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& g = doc[i];
    std::string where = "group " + std::to_string(i);
    if (!g.is_object()) return util::Error{where + ": expected an object with targets and labels"};
    std::vector<std::string> targets;
    std::vector<std::pair<std::string, std::string>> labels;
    for (const auto& [key, value] : g.items()) {
      if (key == "targets") {
        if (value.is_null()) continue;
        if (!value.is_array()) return util::Error{where + ".targets: expected a list of strings"};
        for (const auto& t : value) {
          if (!t.is_string()) return util::Error{where + ".targets: expected a list of strings"};
          targets.push_back(t.get<std::string>());
        }
      } else if (key == "labels") {
        if (value.is_null()) continue;
        if (!value.is_object()) return util::Error{where + ".labels: expected a mapping of strings"};
        for (const auto& [name, v] : value.items()) {
          if (!v.is_string()) return util::Error{where + ".labels." + name + ": expected a string"};
          labels.emplace_back(name, v.get<std::string>());
        }
      } else {
        return util::Error{where + ": unknown field \"" + key + "\""};
      }
    }
    if (auto st = add_group(path, i, std::move(targets), labels, out); !st.ok()) return st.status_error();
  }
  return out;
}

util::Result<std::vector<TargetGroup>> parse_yaml_groups(std::string_view content, const std::string& path) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(content));
  } catch (const YAML::Exception& e) {
    return util::Error{std::string("invalid YAML: ") + e.what()};
  }
  std::vector<TargetGroup> out;
  if (doc.IsNull()) return out;
  if (!doc.IsSequence()) return util::Error{"expected a list of target groups"};
  try {
    for (size_t i = 0; i < doc.size(); ++i) {
      const YAML::Node g = doc[i];
      std::string where = "group " + std::to_string(i);
      if (!g.IsMap()) return util::Error{where + ": expected a mapping with targets and labels"};
      std::vector<std::string> targets;
      std::vector<std::pair<std::string, std::string>> labels;
      for (const auto& kv : g) {
        std::string key = kv.first.as<std::string>();
        const YAML::Node& value = kv.second;
        if (key == "targets") {
          if (value.IsNull()) continue;
          if (!value.IsSequence()) return util::Error{where + ".targets: expected a list of strings"};
          for (const auto& t : value) {
            if (!t.IsScalar()) return util::Error{where + ".targets: expected a list of strings"};
            targets.push_back(t.as<std::string>());
          }
        } else if (key == "labels") {
          if (value.IsNull()) continue;
          if (!value.IsMap()) return util::Error{where + ".labels: expected a mapping of strings"};
          for (const auto& l : value) {
            if (!l.second.IsScalar() && !l.second.IsNull()) {
              return util::Error{where + ".labels." + l.first.as<std::string>() + ": expected a string"};
            }
            labels.emplace_back(l.first.as<std::string>(), l.second.IsNull() ? "" : l.second.as<std::string>());
          }
        } else {
          return util::Error{where + ": unknown field \"" + key + "\""};
        }
      }
      if (auto st = add_group(path, i, std::move(targets), labels, out); !st.ok()) return st.status_error();
    }
  } catch (const YAML::Exception& e) {
    return util::Error{std::string("invalid target group: ") + e.what()};
  }
  return out;
}

}  // namespace

util::Status validate_file_sd_pattern(std::string_view pattern) {
  // ^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$ in Prometheus.
  size_t star = pattern.find('*');
  bool star_ok = star == std::string_view::npos ||
                 (pattern.find('/', star) == std::string_view::npos && pattern.find('*', star + 1) == std::string_view::npos);
  if (!star_ok || !ends_with_any(pattern, {".json", ".yml", ".yaml", ".JSON", ".YML", ".YAML"})) {
    return util::Error{"path name \"" + std::string(pattern) +
                       "\" is not valid for file discovery (a `*` only in the last component; .json, .yml or .yaml)"};
  }
  return {};
}

util::Result<std::vector<TargetGroup>> parse_target_groups(std::string_view content, const std::string& path) {
  return is_json_path(path) ? parse_json_groups(content, path) : parse_yaml_groups(content, path);
}

FileDiscovery::FileDiscovery(FileDiscoveryOptions options) : options_(std::move(options)) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

FileDiscovery::~FileDiscovery() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

std::vector<std::string> FileDiscovery::list_files() const {
  std::set<std::string> files;
  for (const std::string& pattern : options_.patterns) {
    auto matched = tail::glob_files(pattern);
    if (!matched.ok()) continue;  // validated at config time; a bad pattern matches nothing
    files.insert(matched->begin(), matched->end());
  }
  return {files.begin(), files.end()};
}

std::vector<std::string> FileDiscovery::watched_dirs() const {
  std::set<std::string> dirs;
  for (const std::string& pattern : options_.patterns) {
    size_t slash = pattern.rfind('/');
    dirs.insert(slash == std::string::npos ? "." : slash == 0 ? "/" : pattern.substr(0, slash));
  }
  return {dirs.begin(), dirs.end()};
}

std::vector<TargetGroup> FileDiscovery::refresh() {
  std::vector<TargetGroup> changed;
  std::map<std::string, std::vector<TargetGroup>> now;
  for (const std::string& path : list_files()) {
    auto text = fsutil::read_file(path);
    util::Result<std::vector<TargetGroup>> groups =
        text.ok() ? parse_target_groups(*text, path) : util::Result<std::vector<TargetGroup>>(text.status_error());
    if (!groups.ok()) {
      std::fprintf(stderr, "level=error component=file_sd msg=\"Error reading file\" path=%s err=\"%s\"\n",
                   path.c_str(), groups.error().c_str());
      if (auto it = last_.find(path); it != last_.end()) now[path] = it->second;  // keep, as Prometheus
      continue;
    }
    now[path] = std::move(*groups);
  }
  // New or changed groups, then sources that disappeared (file gone or shorter) reported empty.
  for (const auto& [path, groups] : now) {
    auto it = last_.find(path);
    for (size_t i = 0; i < groups.size(); ++i) {
      if (it == last_.end() || i >= it->second.size() || !(it->second[i] == groups[i])) changed.push_back(groups[i]);
    }
  }
  for (const auto& [path, groups] : last_) {
    auto it = now.find(path);
    size_t kept = it == now.end() ? 0 : it->second.size();
    for (size_t i = kept; i < groups.size(); ++i) changed.push_back(TargetGroup{groups[i].source, {}, {}});
  }
  last_ = std::move(now);
  return changed;
}

void FileDiscovery::start(UpdateCallback on_update) {
  on_update_ = std::move(on_update);
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void FileDiscovery::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
}

void FileDiscovery::run() {
  tail::DirectoryWatcher watcher;
  const bool inotify = options_.use_inotify && watcher.fd() >= 0;
  if (inotify) {
    for (const std::string& dir : watched_dirs()) watcher.watch(dir);
  }
  // The first report always happens, even when empty, so that a consumer knows discovery ran.
  on_update_(refresh());
  const int64_t period_ms = std::max<int64_t>(options_.refresh_interval_ns / model::kNanosPerMilli, 1);
  auto next = std::chrono::steady_clock::now() + std::chrono::milliseconds(period_ms);
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify ? watcher.fd() : -1, POLLIN, 0}};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - std::chrono::steady_clock::now());
    int n = ::poll(fds, 2, static_cast<int>(std::max<int64_t>(left.count(), 0)));
    bool due = n == 0 || std::chrono::steady_clock::now() >= next;
    if (n > 0 && (fds[1].revents & POLLIN)) {
      watcher.drain([](const tail::DirectoryWatcher::Event&) {});
      // Editors and `mv` produce bursts of events: let the burst finish before reading.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      watcher.drain([](const tail::DirectoryWatcher::Event&) {});
      due = true;
    }
    if (!due) continue;
    next = std::chrono::steady_clock::now() + std::chrono::milliseconds(period_ms);
    std::vector<TargetGroup> changed = refresh();
    if (!changed.empty()) on_update_(std::move(changed));
  }
}

}  // namespace discovery
