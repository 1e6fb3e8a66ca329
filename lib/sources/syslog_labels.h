// Promtail's `__syslog_*` meta labels for a received syslog message, and the step that turns them
// into a stream's labels (relabel_configs, then every "__" label dropped).
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <optional>
#include <span>

#include "model/labels.h"
#include "relabel/relabel_rule.h"
#include "sources/syslog_message.h"

namespace sources {

// Adds __syslog_message_{severity,facility,hostname,app_name,proc_id,msg_id} (the empty ones are
// left out) and, with `label_structured_data`, __syslog_message_sd_<id>_<name> for each
// structured-data parameter ('@' in the id becomes '_': [example@99999 test="yes"] gives
// __syslog_message_sd_example_99999_test="yes").
void add_syslog_message_labels(const SyslogMessage& message, bool label_structured_data,
                               model::LabelSet& labels);

// The stream labels: `meta` relabeled by `rules`, without the "__" labels. nullopt when a rule
// drops the message (Promtail would ship it with no labels, which Loki rejects).
std::optional<model::LabelSet> syslog_stream_labels(model::LabelSet meta,
                                                    std::span<const relabel::RelabelRule> rules);

}  // namespace sources
