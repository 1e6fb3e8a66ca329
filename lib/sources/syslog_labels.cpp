#include "sources/syslog_labels.h"

#include <string>

#include "relabel/relabel.h"

namespace sources {

void add_syslog_message_labels(const SyslogMessage& m, bool label_structured_data,
                               model::LabelSet& labels) {
  labels.set("__syslog_message_severity", severity_name(m.severity));
  labels.set("__syslog_message_facility", facility_name(m.facility));
  // LabelSet::set with an empty value removes the label, which is what an absent field means.
  labels.set("__syslog_message_hostname", m.hostname);
  labels.set("__syslog_message_app_name", m.app_name);
  labels.set("__syslog_message_proc_id", m.proc_id);
  labels.set("__syslog_message_msg_id", m.msg_id);
  if (!label_structured_data) return;
  std::string name;
  for (const SyslogSdElement& el : m.structured_data) {
    for (const SyslogSdParam& p : el.params) {
      name.assign("__syslog_message_sd_");
      for (char c : el.id) name.push_back(c == '@' ? '_' : c);
      name.push_back('_');
      name.append(p.name);
      labels.set(name, p.value);
    }
  }
}

std::optional<model::LabelSet> syslog_stream_labels(model::LabelSet meta,
                                                    std::span<const relabel::RelabelRule> rules) {
  if (!rules.empty() && !relabel::apply_rules(rules, meta)) return std::nullopt;
  relabel::drop_reserved_labels(meta);
  return meta;
}

}  // namespace sources
