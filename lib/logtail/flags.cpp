// logtail's command line (see flags.h).
#include "logtail/flags.h"

#include <charconv>

#include "flags/go_flags.h"

namespace logtail {
namespace {

using flags::parse_bool;

const flags::FlagTable<CommandLine>& specs() {
  static const flags::FlagTable<CommandLine> s = {
      {"config.file", {false, "Configuration file to load (promtail.yaml)",
                       [](CommandLine& c, const std::string& v) { c.config_file = v; return std::string(); }}},
      {"config.expand-env", {true, "Expand ${VAR} references in the config file",
                             [](CommandLine& c, const std::string& v) { return parse_bool(v, c.expand_env); }}},
      {"dry-run", {true, "Print processed entries to stdout instead of pushing; positions are not updated",
                   [](CommandLine& c, const std::string& v) { return parse_bool(v, c.dry_run); }}},
      {"print-config-stderr", {true, "Print the effective configuration on stderr at start",
                               [](CommandLine& c, const std::string& v) { return parse_bool(v, c.print_config_stderr); }}},
      {"check-syntax", {true, "Check the config file's syntax and exit",
                        [](CommandLine& c, const std::string& v) { return parse_bool(v, c.check_syntax); }}},
      {"stdin", {true, "Read lines from standard input instead of the scrape configs' files",
                 [](CommandLine& c, const std::string& v) { return parse_bool(v, c.read_stdin); }}},
      {"client.url", {false, "URL of the push endpoint (adds a client, or overrides the one with this URL)",
                      [](CommandLine& c, const std::string& v) { c.client_url = v; return std::string(); }}},
      {"client.tenant-id", {false, "Tenant ID for the -client.url client",
                            [](CommandLine& c, const std::string& v) { c.client_tenant_id = v; return std::string(); }}},
      {"client.external-labels", {false, "Labels added to every entry, k=v,k2=v2",
                                  [](CommandLine& c, const std::string& v) {
                                    auto l = parse_external_labels(v);
                                    if (!l.ok()) return l.error();
                                    for (const auto& x : *l) c.external_labels.set(x.name, x.value);
                                    return std::string();
                                  }}},
      {"server.http-listen-port", {false, "HTTP listen port (0 picks a free one)",
                                   [](CommandLine& c, const std::string& v) {
                                     int64_t n = 0;
                                     auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                                     if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 65535) {
                                       return "invalid port " + model::quote_go_string(v);
                                     }
                                     c.http_listen_port = n;
                                     return std::string();
                                   }}},
      {"server.http-listen-address", {false, "HTTP listen address",
                                      [](CommandLine& c, const std::string& v) { c.http_listen_address = v; return std::string(); }}},
      {"positions.file", {false, "Positions file",
                          [](CommandLine& c, const std::string& v) { c.positions_file = v; return std::string(); }}},
      {"log.level", {false, "Log level: debug, info, warn, error",
                     [](CommandLine& c, const std::string& v) { c.log_level = v; return std::string(); }}},
      {"version", {true, "Print the version and exit",
                   [](CommandLine& c, const std::string& v) { return parse_bool(v, c.show_version); }}},
      {"help", {true, "Print this help", [](CommandLine& c, const std::string& v) { return parse_bool(v, c.show_help); }}},
      {"h", {true, nullptr, [](CommandLine& c, const std::string& v) { return parse_bool(v, c.show_help); }}},
  };
  return s;
}

}  // namespace

util::Result<model::LabelSet> parse_external_labels(std::string_view text) {
  model::LabelSet out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view pair = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) return util::Error{"invalid label pair " + model::quote_go_string(pair) + ": want name=value"};
      std::string_view name = pair.substr(0, eq), value = pair.substr(eq + 1);
      if (!model::is_valid_label_name(name)) return util::Error{"invalid label name " + model::quote_go_string(name)};
      out.set(name, value);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

util::Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine cl;
  if (auto st = flags::parse_args(args, specs(), cl); !st.ok()) return st.status_error();
  return cl;
}

util::Status apply_command_line(const CommandLine& cl, Config& config) {
  if (!cl.client_url.empty()) {
    ClientConfig* target = nullptr;
    for (auto& c : config.clients) {
      if (c.url == cl.client_url) target = &c;
    }
    if (!target) {
      config.clients.emplace_back();
      target = &config.clients.back();
      target->url = cl.client_url;
    }
    if (!cl.client_tenant_id.empty()) target->tenant_id = cl.client_tenant_id;
  } else if (!cl.client_tenant_id.empty()) {
    return util::Error{"-client.tenant-id: needs -client.url"};
  }
  for (auto& c : config.clients) {
    for (const auto& l : cl.external_labels) c.external_labels.set(l.name, l.value);
  }
  if (cl.http_listen_port) config.server.http_listen_port = *cl.http_listen_port;
  if (cl.http_listen_address) config.server.http_listen_address = *cl.http_listen_address;
  if (cl.positions_file) config.positions.filename = *cl.positions_file;
  if (cl.log_level) config.server.log_level = *cl.log_level;
  if (cl.read_stdin) config.target_config.stdin = true;
  return {};
}

std::string usage() {
  return "Usage of logtail (Promtail-compatible log collector):\n" +
         flags::format_usage(specs(), flags::UsageLayout::kGo);
}

}  // namespace logtail
