#include "logd/ruler_metrics.h"

#include <functional>
#include <vector>

#include "logd/metrics.h"
#include "model/go_float.h"

namespace logd {
namespace {

std::string escape(const std::string& v) {
  std::string out;
  append_label_value(out, v);
  return out;
}

// One family: HELP, TYPE, and a line per row.
template <class Row>
void family(std::string& out, const std::string& name, const char* type, const char* help,
            const std::vector<Row>& rows, const std::function<std::string(const Row&)>& labels,
            const std::function<double(const Row&)>& value) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  for (const Row& r : rows) out += name + "{" + labels(r) + "} " + model::format_go_float(value(r)) + "\n";
}

}  // namespace

void render_ruler_metrics(std::string& out, const ruler::RulerStats& s) {
  using G = ruler::GroupStats;
  std::function<std::string(const G&)> gl = [](const G& g) {
    return "rule_group=\"" + escape(g.name_space + ";" + g.group) + "\",user=\"" + escape(g.tenant) + "\"";
  };
  family<G>(out, "loki_prometheus_rule_evaluations_total", "counter", "The total number of rule evaluations.",
            s.groups, gl, [](const G& g) { return double(g.evaluations); });
  family<G>(out, "loki_prometheus_rule_evaluation_failures_total", "counter",
            "The total number of rule evaluation failures.", s.groups, gl, [](const G& g) { return double(g.failures); });
  family<G>(out, "loki_prometheus_rule_group_iterations_total", "counter",
            "The total number of scheduled rule group evaluations, whether executed or missed.", s.groups, gl,
            [](const G& g) { return double(g.iterations + g.missed); });
  family<G>(out, "loki_prometheus_rule_group_iterations_missed_total", "counter",
            "The total number of rule group evaluations missed due to slow rule group evaluation.", s.groups, gl,
            [](const G& g) { return double(g.missed); });
  family<G>(out, "loki_prometheus_rule_group_last_duration_seconds", "gauge",
            "The duration of the last rule group evaluation.", s.groups, gl, [](const G& g) { return g.last_duration; });
  family<G>(out, "loki_prometheus_rule_group_duration_seconds_sum", "counter",
            "Seconds spent evaluating the rule group, over all evaluations.", s.groups, gl,
            [](const G& g) { return g.duration_sum; });
  family<G>(out, "loki_prometheus_rule_group_duration_seconds_count", "counter",
            "Rule group evaluations timed in loki_prometheus_rule_group_duration_seconds_sum.", s.groups, gl,
            [](const G& g) { return double(g.iterations); });
  family<G>(out, "loki_prometheus_rule_group_interval_seconds", "gauge", "The interval of a rule group.", s.groups, gl,
            [](const G& g) { return double(g.interval_ns) / 1e9; });
  family<G>(out, "loki_prometheus_rule_group_rules", "gauge", "The number of rules.", s.groups, gl,
            [](const G& g) { return double(g.rules); });

  using N = std::pair<std::string, ruler::AlertmanagerCounters>;
  std::function<std::string(const N&)> nl = [](const N& n) {
    return "alertmanager=\"" + escape(n.second.url) + "\",user=\"" + escape(n.first) + "\"";
  };
  family<N>(out, "loki_prometheus_notifications_sent_total", "counter", "Total number of alerts sent.",
            s.notifications, nl, [](const N& n) { return double(n.second.sent); });
  family<N>(out, "loki_prometheus_notifications_errors_total", "counter",
            "Total number of alerts in requests that failed (each attempt).", s.notifications, nl,
            [](const N& n) { return double(n.second.errors); });
  family<N>(out, "loki_prometheus_notifications_dropped_total", "counter",
            "Total number of alerts dropped: the queue was full, or every attempt failed.", s.notifications, nl,
            [](const N& n) { return double(n.second.dropped); });
  family<N>(out, "loki_prometheus_notifications_queue_length", "gauge", "The number of alerts in the queue.",
            s.notifications, nl, [](const N& n) { return double(n.second.queue_length); });

  struct W {
    std::string tenant, name;
    ruler::RemoteWriteCounters c;
  };
  std::vector<W> ws;
  for (size_t i = 0; i < s.remote_write.size(); ++i) {
    ws.push_back({s.remote_write[i].first, s.remote_write_names[i].second, s.remote_write[i].second});
  }
  std::function<std::string(const W&)> wl = [](const W& w) {
    return "remote_name=\"" + escape(w.name) + "\",user=\"" + escape(w.tenant) + "\"";
  };
  family<W>(out, "loki_ruler_remote_write_samples_sent_total", "counter", "Samples the remote-write endpoint accepted.",
            ws, wl, [](const W& w) { return double(w.c.samples_sent); });
  family<W>(out, "loki_ruler_remote_write_samples_failed_total", "counter",
            "Samples the remote-write endpoint refused for good (4xx).", ws, wl,
            [](const W& w) { return double(w.c.samples_failed); });
  family<W>(out, "loki_ruler_remote_write_samples_dropped_total", "counter",
            "Samples dropped because the queue was full or the ruler stopped.", ws, wl,
            [](const W& w) { return double(w.c.samples_dropped); });
  family<W>(out, "loki_ruler_remote_write_samples_retried_total", "counter", "Samples sent again after a failure.", ws,
            wl, [](const W& w) { return double(w.c.samples_retried); });
  family<W>(out, "loki_ruler_remote_write_samples_pending", "gauge", "Samples queued for sending.", ws, wl,
            [](const W& w) { return double(w.c.pending); });
  out += "# HELP loki_ruler_rule_file_errors Problems found in rule files at the last load.\n"
         "# TYPE loki_ruler_rule_file_errors gauge\nloki_ruler_rule_file_errors " +
         std::to_string(s.load_errors) + "\n";
}

}  // namespace logd
