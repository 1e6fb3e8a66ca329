#include "logd/flags.h"
#include "util/go_bool.h"

#include <charconv>
#include <functional>
#include <map>

namespace logd {
namespace {

struct FlagSpec {
  bool is_bool;
  const char* help;
  // Applies the value to the config; returns an error message or "".
  std::function<std::string(Config&, const std::string&)> apply;
};

std::string parse_bool(const std::string& v, bool& out) {
  auto b = util::parse_go_bool(v);
  if (!b) return "invalid boolean value " + model::quote_go_string(v);
  out = *b;
  return "";
}

std::string parse_int(const std::string& v, int64_t& out, int64_t min, int64_t max) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) return "invalid integer value " + model::quote_go_string(v);
  if (n < min || n > max) return v + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  out = n;
  return "";
}

std::string parse_float(const std::string& v, double& out) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || end != v.c_str() + v.size() || d < 0) return "invalid value " + model::quote_go_string(v);
  out = d;
  return "";
}

std::string parse_dur(const std::string& v, int64_t& out) {
  auto d = model::parse_duration(v);
  if (!d.ok()) return d.error();
  out = *d;
  return "";
}

const std::map<std::string, FlagSpec>& flag_specs() {
  static const std::map<std::string, FlagSpec> specs = {
      {"target", {false, "Component to run; only \"all\" (logd is one process)",
                  [](Config& c, const std::string& v) { c.target = v; return std::string(); }}},
      {"auth.enabled", {true, "Require X-Scope-OrgID (multi-tenant mode)",
                        [](Config& c, const std::string& v) { return parse_bool(v, c.auth_enabled); }}},
      {"server.http-listen-address", {false, "HTTP listen address (default 127.0.0.1)",
                                      [](Config& c, const std::string& v) {
                                        c.server.http_listen_address = v;
                                        return std::string();
                                      }}},
      {"server.http-listen-port", {false, "HTTP listen port (default 3100; 0 picks a free port)",
                                   [](Config& c, const std::string& v) {
                                     return parse_int(v, c.server.http_listen_port, 0, 65535);
                                   }}},
      {"server.grpc-listen-port", {false, "gRPC port: only 0 (logd has no gRPC server)",
                                   [](Config& c, const std::string& v) {
                                     return parse_int(v, c.server.grpc_listen_port, 0, 65535);
                                   }}},
      {"log.level", {false, "Log level: debug, info, warn, error",
                     [](Config& c, const std::string& v) { c.server.log_level = v; return std::string(); }}},
      {"common.path-prefix", {false, "Data directory (default ./data)",
                              [](Config& c, const std::string& v) { c.common.path_prefix = v; return std::string(); }}},
      {"ingester.wal-enabled", {true, "Write a WAL so acknowledged pushes survive a crash",
                                [](Config& c, const std::string& v) { return parse_bool(v, c.ingester.wal.enabled); }}},
      {"ingester.wal-dir", {false, "WAL directory (default <path_prefix>/wal)",
                            [](Config& c, const std::string& v) { c.ingester.wal.dir = v; return std::string(); }}},
      {"ingester.max-chunk-age", {false, "Maximum age of a chunk before it is flushed",
                                  [](Config& c, const std::string& v) { return parse_dur(v, c.ingester.max_chunk_age); }}},
      {"ingester.chunks-idle-period", {false, "Flush a stream's chunk after this long without entries",
                                       [](Config& c, const std::string& v) {
                                         return parse_dur(v, c.ingester.chunk_idle_period);
                                       }}},
      {"distributor.ingestion-rate-limit-mb", {false, "Per-tenant ingestion rate, MiB/s",
                                               [](Config& c, const std::string& v) {
                                                 return parse_float(v, c.limits_config.ingestion_rate_mb);
                                               }}},
      {"distributor.ingestion-burst-size-mb", {false, "Per-tenant ingestion burst, MiB",
                                               [](Config& c, const std::string& v) {
                                                 return parse_float(v, c.limits_config.ingestion_burst_size_mb);
                                               }}},
      {"ingester.max-global-streams-per-user", {false, "Maximum active streams per tenant (0: unlimited)",
                                                [](Config& c, const std::string& v) {
                                                  return parse_int(v, c.limits_config.max_global_streams_per_user, 0,
                                                                   INT64_MAX);
                                                }}},
      {"compactor.retention-enabled", {true, "Delete chunks past limits_config retention (Loki's compactor)",
                                       [](Config& c, const std::string& v) {
                                         return parse_bool(v, c.compactor.retention_enabled);
                                       }}},
      {"compactor.compaction-interval", {false, "How often retention runs (default 10m)",
                                         [](Config& c, const std::string& v) {
                                           return parse_dur(v, c.compactor.compaction_interval);
                                         }}},
      {"compactor.retention-delete-delay", {false, "Delete a chunk this long after it expired (default 2h)",
                                            [](Config& c, const std::string& v) {
                                              return parse_dur(v, c.compactor.retention_delete_delay);
                                            }}},
      {"store.retention", {false, "Retention period for every stream no retention_stream rule matches (0: keep)",
                           [](Config& c, const std::string& v) {
                             return parse_dur(v, c.limits_config.retention_period);
                           }}},
      {"querier.query-timeout", {false, "Query timeout",
                                 [](Config& c, const std::string& v) { return parse_dur(v, c.limits_config.query_timeout); }}},
  };
  return specs;
}

}  // namespace

std::string usage() {
  std::string out =
      "Usage: logd [flags]\n"
      "A Loki-compatible log server. With no flags it serves 127.0.0.1:3100 with its data under ./data.\n\n"
      "  -config.file <path>       YAML configuration file (Loki's key names)\n"
      "  -config.expand-env        Replace ${VAR} references in the configuration file\n"
      "  -print-config             Print the effective configuration as YAML and exit\n"
      "  -version                  Print the version and exit\n";
  for (const auto& [name, spec] : flag_specs()) {
    std::string left = "  -" + name + (spec.is_bool ? "" : " <value>");
    if (left.size() < 28) left.resize(28, ' ');
    else left += ' ';
    out += left + spec.help + "\n";
  }
  return out;
}

util::Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine cl;
  std::string config_file;
  bool expand_env = false;
  std::vector<std::pair<std::string, std::string>> overrides;  // applied after the file, in order
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') return util::Error{"unexpected argument " + model::quote_go_string(arg)};
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::string name = body, value;
    bool has_value = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    auto need_value = [&]() -> util::Status {
      if (has_value) return {};
      if (i + 1 >= args.size()) return util::Error{"-" + name + ": flag needs an argument"};
      value = args[++i];
      return {};
    };
    auto bool_value = [&](bool& out) -> util::Status {
      if (!has_value) {
        out = true;
        return {};
      }
      if (auto e = parse_bool(value, out); !e.empty()) return util::Error{"-" + name + ": " + e};
      return {};
    };
    util::Status st;
    if (name == "h" || name == "help") {
      cl.show_help = true;
    } else if (name == "version") {
      st = bool_value(cl.show_version);
    } else if (name == "print-config" || name == "print-config-stderr") {
      st = bool_value(cl.print_config);
    } else if (name == "config.expand-env") {
      st = bool_value(expand_env);
    } else if (name == "config.file") {
      st = need_value();
      config_file = value;
    } else if (auto it = flag_specs().find(name); it != flag_specs().end()) {
      if (it->second.is_bool && !has_value) {
        value = "true";
      } else {
        st = need_value();
      }
      overrides.emplace_back(name, value);
    } else {
      return util::Error{"flag provided but not defined: -" + name};
    }
    if (!st.ok()) return util::Error{st.error()};
  }
  if (!config_file.empty()) {
    auto c = load_config_file(config_file, expand_env);
    if (!c.ok()) return util::Error{c.error()};
    cl.config = std::move(*c);
  }
  for (const auto& [name, value] : overrides) {
    if (auto e = flag_specs().at(name).apply(cl.config, value); !e.empty()) {
      return util::Error{"-" + name + ": " + e};
    }
  }
  if (auto st = check_config(cl.config); !st.ok()) return util::Error{st.error()};
  return cl;
}

}  // namespace logd
