// File targets of a scrape config, as Promtail's file target syncer derives them: every
// static_configs entry yields one label set per `targets` item (the item as `__address__`,
// merged under the entry's labels; an entry without targets counts as `localhost`, as Promtail
// does), then `relabel_configs` run, and a set that relabeling drops, that lacks `__path__`, or
// whose `__host__` names another machine is left out. The result keeps `__path__` and
// `__path_exclude__` for the tailer and drops every other `__` label.
//
// Promtail adds no `job` label of its own: a `job` label comes from the static labels or from
// relabeling (the talk's config sets `job: varlogs`).
//
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "discovery/target_group.h"
#include "logtail/config.h"
#include "model/labels.h"

namespace logtail {

// A target that did not make it, with Promtail's reason ("dropping target, no labels", ...),
// for the /targets page.
struct DroppedTarget {
  model::LabelSet discovered;
  std::string reason;
};

struct ScrapeTargets {
  std::vector<model::LabelSet> active;  // for tail::TargetManager::set_targets
  std::vector<DroppedTarget> dropped;
};

// `hostname` is compared with a `__host__` label, when a target has one. Static configs only;
// discovered groups go through build_targets_from_groups.
ScrapeTargets build_file_targets(const ScrapeConfig& scrape, std::string_view hostname);

// The static_configs entries of `scrape` as target groups (sources "static/<i>"), one target per
// `targets` item (`__address__`), `localhost` when there is none.
std::vector<discovery::TargetGroup> static_target_groups(const ScrapeConfig& scrape);

// Relabels every target of `groups` (static and discovered, e.g. Kubernetes pods with their
// __meta_kubernetes_* labels) into file targets, with the same rules as build_file_targets.
ScrapeTargets build_targets_from_groups(const ScrapeConfig& scrape, const std::vector<discovery::TargetGroup>& groups,
                                        std::string_view hostname);

// The stream labels of entries read from standard input (-stdin): the static labels of the
// first scrape config (without `__` labels), or {job="stdin", hostname="<host>"} when there is
// none, as Promtail's stdin target does.
model::LabelSet stdin_labels(const Config& config, std::string_view hostname);

// This machine's name (gethostname), "" when unknown.
std::string local_hostname();

}  // namespace logtail
