// App's /metrics and /targets bodies (see app.h).
#include <algorithm>
#include <map>

#include "logtail/app_impl.h"

namespace logtail {
namespace {

std::string escape_label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

}  // namespace

std::string App::render_metrics() const {
  std::shared_lock lock(mu_);  // reload() swaps impl_
  const Impl& m = *impl_;
  // File metrics over every scrape config's manager, one family each (a family may appear only
  // once in the exposition format, so the managers' own render_metrics() cannot be concatenated).
  std::vector<tail::FileStats> files;
  for (const auto& tm : m.managers) {
    auto s = tm->stats();
    files.insert(files.end(), std::make_move_iterator(s.begin()), std::make_move_iterator(s.end()));
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help, auto value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    for (const auto& f : files) {
      out += std::string(name) + "{path=\"" + escape_label_value(f.path) + "\"} " + std::to_string(value(f)) + "\n";
    }
  };
  family("promtail_read_bytes_total", "gauge", "Number of bytes read.", [](const auto& f) { return f.read_offset; });
  family("promtail_read_lines_total", "counter", "Number of lines read.", [](const auto& f) { return f.lines_read; });
  family("promtail_file_bytes_total", "gauge", "Number of bytes total.", [](const auto& f) { return f.file_size; });
  out += "# HELP promtail_files_active_total Number of active files.\n# TYPE promtail_files_active_total gauge\n";
  out += "promtail_files_active_total " + std::to_string(files.size()) + "\n";
  size_t active = 0;
  {
    std::lock_guard targets_lock(m.targets_mu);
    for (const auto& t : m.targets) active += t.active.size();
  }
  out += "# HELP promtail_targets_active_total Number of active total.\n# TYPE promtail_targets_active_total gauge\n";
  out += "promtail_targets_active_total " + std::to_string(active) + "\n";
  m.client_metrics->render(out);
  out += m.registry->render();
  return out;
}

std::string App::render_targets() const {
  std::shared_lock lock(mu_);  // reload() swaps impl_
  const Impl& m = *impl_;
  std::string out = "logtail targets\n\n";
  if (m.stdin_mode) {
    out += "reading standard input (job " +
           (m.config.scrape_configs.empty() ? std::string("stdin") : m.config.scrape_configs[0].job_name) + ")\n";
    return out;
  }
  std::lock_guard targets_lock(m.targets_mu);
  for (size_t i = 0; i < m.config.scrape_configs.size(); ++i) {
    out += m.config.scrape_configs[i].job_name + "\n";
    for (const auto& t : m.targets[i].active) {
      out += "  target " + t.to_string() + "\n";
    }
    if (i < m.managers.size()) {
      auto files = m.managers[i]->stats();
      std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
      for (const auto& f : files) {
        out += "    file " + f.path + "  " + f.labels.to_string() + "  read=" + std::to_string(f.read_offset) +
               " acknowledged=" + std::to_string(f.acknowledged) + " size=" + std::to_string(f.file_size) +
               " lines=" + std::to_string(f.lines_read) + "\n";
      }
      if (files.empty()) out += "    (no files match yet)\n";
    }
    for (const auto& d : m.targets[i].dropped) {
      out += "  dropped " + d.discovered.to_string() + ": " + d.reason + "\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace logtail
