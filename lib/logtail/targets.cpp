// Scrape config -> file targets (see targets.h).
#include "logtail/targets.h"

#include <unistd.h>

#include "relabel/relabel.h"

namespace logtail {
namespace {

// Keeps the labels the tailer needs, drops the other `__` ones (Promtail drops them all once
// the target is built; our TargetManager drops `__path__` itself).
void drop_reserved_except_paths(model::LabelSet& labels) {
  auto path = labels.get("__path__");
  auto exclude = labels.get("__path_exclude__");
  std::string path_value(path.value_or("")), exclude_value(exclude.value_or(""));
  relabel::drop_reserved_labels(labels);
  if (!path_value.empty()) labels.set("__path__", path_value);
  if (!exclude_value.empty()) labels.set("__path_exclude__", exclude_value);
}

}  // namespace

std::vector<discovery::TargetGroup> static_target_groups(const ScrapeConfig& scrape) {
  std::vector<discovery::TargetGroup> groups;
  for (size_t i = 0; i < scrape.static_configs.size(); ++i) {
    const StaticConfig& sc = scrape.static_configs[i];
    discovery::TargetGroup g{"static/" + std::to_string(i), sc.labels, {}};
    std::vector<std::string> addresses = sc.targets;
    if (addresses.empty()) addresses.push_back("localhost");
    for (const std::string& address : addresses) g.targets.push_back(model::LabelSet{{"__address__", address}});
    groups.push_back(std::move(g));
  }
  return groups;
}

ScrapeTargets build_targets_from_groups(const ScrapeConfig& scrape, const std::vector<discovery::TargetGroup>& groups,
                                        std::string_view hostname) {
  ScrapeTargets out;
  for (const discovery::TargetGroup& group : groups) {
    // group.Labels.Merge(target): the target's own labels (its address) win.
    for (model::LabelSet& discovered : discovery::merged_targets(group)) {
      model::LabelSet labels = discovered;
      if (!relabel::apply_rules(scrape.relabel_configs, labels)) {
        out.dropped.push_back({std::move(discovered), "dropping target, no labels"});
        continue;
      }
      if (auto host = labels.get("__host__"); host && *host != hostname) {
        out.dropped.push_back({std::move(discovered), "ignoring target, wrong host (" + std::string(*host) + ")"});
        continue;
      }
      if (!labels.has("__path__")) {
        out.dropped.push_back({std::move(discovered), "no path for target"});
        continue;
      }
      drop_reserved_except_paths(labels);
      out.active.push_back(std::move(labels));
    }
  }
  return out;
}

ScrapeTargets build_file_targets(const ScrapeConfig& scrape, std::string_view hostname) {
  return build_targets_from_groups(scrape, static_target_groups(scrape), hostname);
}

model::LabelSet stdin_labels(const Config& config, std::string_view hostname) {
  model::LabelSet labels;
  if (config.scrape_configs.empty()) {
    labels.set("job", "stdin");
    labels.set("hostname", hostname);
    return labels;
  }
  for (const StaticConfig& group : config.scrape_configs.front().static_configs) {
    for (const model::Label& l : group.labels) labels.set(l.name, l.value);
  }
  relabel::drop_reserved_labels(labels);
  return labels;
}

std::string local_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

}  // namespace logtail
