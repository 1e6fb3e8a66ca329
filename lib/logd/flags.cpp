#include "logd/flags.h"

#include "golang/flags.h"
#include "model/time.h"

namespace logd {
namespace {

using FlagSpec = golang::Flag<Config>;
using golang::parse_bool_flag;
using golang::parse_float_flag;
using golang::parse_int_flag;

// Loki's duration flags take Prometheus' syntax ("1d" too), not only Go's time.ParseDuration.
std::string parse_dur(const std::string& v, int64_t& out) {
  auto d = model::parse_duration(v);
  if (!d.ok()) return d.error();
  out = *d;
  return "";
}

// The flags that set the command line itself, not the config: taken before the file is read.
struct ParseState {
  CommandLine cl;
  std::string config_file;
  bool expand_env = false;
};

const golang::FlagTable<ParseState>& command_specs() {
  static const golang::FlagTable<ParseState> specs = {
      {"h", {true, nullptr, [](ParseState& s, const std::string&) { s.cl.show_help = true; return std::string(); }}},
      {"help", {true, nullptr, [](ParseState& s, const std::string&) { s.cl.show_help = true; return std::string(); }}},
      {"version", {true, nullptr, [](ParseState& s, const std::string& v) { return parse_bool_flag(v, s.cl.show_version); }}},
      {"print-config", {true, nullptr,
                        [](ParseState& s, const std::string& v) { return parse_bool_flag(v, s.cl.print_config); }}},
      {"print-config-stderr", {true, nullptr,
                               [](ParseState& s, const std::string& v) { return parse_bool_flag(v, s.cl.print_config); }}},
      {"config.expand-env", {true, nullptr,
                             [](ParseState& s, const std::string& v) { return parse_bool_flag(v, s.expand_env); }}},
      {"config.file", {false, nullptr, [](ParseState& s, const std::string& v) { s.config_file = v; return std::string(); }}},
  };
  return specs;
}

const std::map<std::string, FlagSpec>& flag_specs() {
  static const std::map<std::string, FlagSpec> specs = {
      {"target", {false, "Roles to run: all (one process), write, read, backend, or a list of distributor, "
                         "ingester, querier, query-frontend, compactor, ruler",
                  [](Config& c, const std::string& v) { c.target = v; return std::string(); }}},
      {"ingester.lifecycler.ID", {false, "ID to register in the ring (default <host>-<port>)",
                                  [](Config& c, const std::string& v) { c.cluster.lifecycler.id = v; return std::string(); }}},
      {"ingester.lifecycler.id", {false, "Same as -ingester.lifecycler.ID",
                                  [](Config& c, const std::string& v) { c.cluster.lifecycler.id = v; return std::string(); }}},
      {"ingester.lifecycler.addr", {false, "Address to advertise in the ring",
                                    [](Config& c, const std::string& v) {
                                      c.cluster.lifecycler.address = v;
                                      return std::string();
                                    }}},
      {"ingester.lifecycler.port", {false, "Port to advertise in the ring (default: the internal port)",
                                    [](Config& c, const std::string& v) {
                                      return parse_int_flag(v, c.cluster.lifecycler.port, 0, 65535);
                                    }}},
      {"ingester.num-tokens", {false, "Tokens an ingester owns in the ring (default 128)",
                               [](Config& c, const std::string& v) {
                                 return parse_int_flag(v, c.cluster.lifecycler.num_tokens, 1, 1 << 20);
                               }}},
      {"ingester.heartbeat-period", {false, "Period of the ingester's ring heartbeats (default 5s)",
                                     [](Config& c, const std::string& v) {
                                       c.cluster.lifecycler_heartbeat_period_set = true;
                                       return parse_dur(v, c.cluster.lifecycler.heartbeat_period);
                                     }}},
      {"ingester.final-sleep", {false, "Time a leaving ingester stays in the ring after flushing (default 0s)",
                                [](Config& c, const std::string& v) {
                                  return parse_dur(v, c.cluster.lifecycler.final_sleep);
                                }}},
      {"ingester.tokens-file-path", {false, "File the ingester keeps its tokens in across restarts",
                                     [](Config& c, const std::string& v) {
                                       c.cluster.lifecycler.tokens_file_path = v;
                                       return std::string();
                                     }}},
      {"ingester.unregister-on-shutdown", {true, "Remove the ingester from the ring when it stops (default true)",
                                           [](Config& c, const std::string& v) {
                                             return parse_bool_flag(v, c.cluster.lifecycler.unregister_on_shutdown);
                                           }}},
      {"ingester.min-ready-duration", {false, "Time an ingester is ACTIVE before /ready says so (default 15s)",
                                       [](Config& c, const std::string& v) {
                                         return parse_dur(v, c.cluster.lifecycler.min_ready_duration);
                                       }}},
      {"ring.heartbeat-timeout", {false, "Heartbeat age past which an ingester is unhealthy (default 1m)",
                                  [](Config& c, const std::string& v) {
                                    c.cluster.lifecycler_ring_heartbeat_timeout_set = true;
                                    return parse_dur(v, c.cluster.lifecycler.ring.heartbeat_timeout);
                                  }}},
      {"distributor.replication-factor", {false, "Ingesters each stream is written to (default 3)",
                                          [](Config& c, const std::string& v) {
                                            return parse_int_flag(v, c.cluster.lifecycler.ring.replication_factor, 1, 1000);
                                          }}},
      {"ingester.client.timeout", {false, "Timeout of a distributor's or querier's call to an ingester (default 5s)",
                                   [](Config& c, const std::string& v) { return parse_dur(v, c.cluster.remote_timeout); }}},
      {"common.compactor-address", {false, "http(s)://host:port of the compactor, for roles that run apart from it",
                                    [](Config& c, const std::string& v) {
                                      c.common.compactor_address = v;
                                      return std::string();
                                    }}},
      {"querier.frontend-address", {false, "host:port of the query-frontend's internal API to take work from",
                                    [](Config& c, const std::string& v) {
                                      c.cluster.frontend_address = v;
                                      return std::string();
                                    }}},
      {"querier.worker-parallelism", {false, "Queries a querier takes from the frontend at once",
                                      [](Config& c, const std::string& v) {
                                        return parse_int_flag(v, c.cluster.worker_parallelism, 1, 1024);
                                      }}},
      {"querier.query-ingesters-within", {false, "Queries older than this skip the ingesters (default 3h)",
                                          [](Config& c, const std::string& v) {
                                            return parse_dur(v, c.cluster.query_ingesters_within);
                                          }}},
      {"querier.split-queries-by-interval", {false, "The query-frontend splits range queries by this (default 1h)",
                                             [](Config& c, const std::string& v) {
                                               return parse_dur(v, c.cluster.split_queries_by_interval);
                                             }}},
      {"querier.max-outstanding-requests-per-tenant", {false, "Queued query pieces per tenant past which the "
                                                              "query-frontend answers 429 (default 2048)",
                                                       [](Config& c, const std::string& v) {
                                                         return parse_int_flag(v, c.cluster.max_outstanding_per_tenant, 1,
                                                                          INT64_MAX);
                                                       }}},
      {"auth.enabled", {true, "Require X-Scope-OrgID (multi-tenant mode)",
                        [](Config& c, const std::string& v) { return parse_bool_flag(v, c.auth_enabled); }}},
      {"server.http-listen-address", {false, "HTTP listen address (default 127.0.0.1)",
                                      [](Config& c, const std::string& v) {
                                        c.server.http_listen_address = v;
                                        return std::string();
                                      }}},
      {"server.http-listen-port", {false, "HTTP listen port (default 3100; 0 picks a free port)",
                                   [](Config& c, const std::string& v) {
                                     return parse_int_flag(v, c.server.http_listen_port, 0, 65535);
                                   }}},
      {"server.http-conn-limit", {false, "Maximum open HTTP connections (0: derived from the descriptor limit)",
                                  [](Config& c, const std::string& v) {
                                    return parse_int_flag(v, c.server.http_listen_conn_limit, 0, 1 << 24);
                                  }}},
      {"server.http-read-timeout", {false, "Read timeout for one HTTP request, header and body (default 30s)",
                                    [](Config& c, const std::string& v) {
                                      return parse_dur(v, c.server.http_server_read_timeout);
                                    }}},
      {"server.http-write-timeout", {false, "Write timeout for one HTTP response (default 30s)",
                                     [](Config& c, const std::string& v) {
                                       return parse_dur(v, c.server.http_server_write_timeout);
                                     }}},
      {"server.http-idle-timeout", {false, "Keep-alive wait for a connection's next request (default 2m)",
                                    [](Config& c, const std::string& v) {
                                      return parse_dur(v, c.server.http_server_idle_timeout);
                                    }}},
      {"server.http-max-query-bytes", {false, "Largest query string plus form body of a query request, bytes (default 65536)",
                                       [](Config& c, const std::string& v) {
                                         return parse_int_flag(v, c.server.http_max_query_bytes, 0, INT64_MAX);
                                       }}},
      {"server.grpc-listen-port", {false, "Port of the roles' internal API (protobuf over HTTP; 0: the HTTP port)",
                                   [](Config& c, const std::string& v) {
                                     return parse_int_flag(v, c.server.grpc_listen_port, 0, 65535);
                                   }}},
      {"server.http-tls-cert-path", {false, "HTTPS certificate (PEM); with the key, the port speaks TLS only",
                                     [](Config& c, const std::string& v) {
                                       c.server.http_tls_config.cert_file = v;
                                       return std::string();
                                     }}},
      {"server.http-tls-key-path", {false, "HTTPS private key (PEM)",
                                    [](Config& c, const std::string& v) {
                                      c.server.http_tls_config.key_file = v;
                                      return std::string();
                                    }}},
      {"server.http-tls-client-auth", {false, "Client certificates: NoClientCert, ..., RequireAndVerifyClientCert",
                                       [](Config& c, const std::string& v) {
                                         c.server.http_tls_config.client_auth_type = v;
                                         return std::string();
                                       }}},
      {"server.http-tls-ca-path", {false, "CA certificates (PEM) client certificates are verified against",
                                   [](Config& c, const std::string& v) {
                                     c.server.http_tls_config.client_ca_file = v;
                                     return std::string();
                                   }}},
      {"server.tls-min-version", {false, "Minimum TLS version: VersionTLS10 .. VersionTLS13",
                                  [](Config& c, const std::string& v) {
                                    c.server.tls_min_version = v;
                                    return std::string();
                                  }}},
      {"log.level", {false, "Log level: debug, info, warn, error",
                     [](Config& c, const std::string& v) { c.server.log_level = v; return std::string(); }}},
      {"common.path-prefix", {false, "Data directory (default ./data)",
                              [](Config& c, const std::string& v) { c.common.path_prefix = v; return std::string(); }}},
      {"ingester.wal-enabled", {true, "Write a WAL so acknowledged pushes survive a crash",
                                [](Config& c, const std::string& v) { return parse_bool_flag(v, c.ingester.wal.enabled); }}},
      {"pattern-ingester.enabled", {true, "Mine log patterns from ingested lines for /loki/api/v1/patterns",
                                    [](Config& c, const std::string& v) {
                                      return parse_bool_flag(v, c.pattern_ingester.enabled);
                                    }}},
      {"ingester.wal-dir", {false, "WAL directory (default <path_prefix>/wal)",
                            [](Config& c, const std::string& v) { c.ingester.wal.dir = v; return std::string(); }}},
      {"ingester.max-chunk-age", {false, "Maximum age of a chunk before it is flushed",
                                  [](Config& c, const std::string& v) { return parse_dur(v, c.ingester.max_chunk_age); }}},
      {"ingester.memory-ceiling", {false, "Hard ceiling on log data in memory, bytes or e.g. 2GB (0: none; logd only)",
                                   [](Config& c, const std::string& v) {
                                     auto b = model::parse_bytes(v);
                                     if (!b.ok() || *b > uint64_t(INT64_MAX)) return "cannot parse " + v + " as a byte size";
                                     c.ingester.memory_ceiling = static_cast<int64_t>(*b);
                                     return std::string();
                                   }}},
      {"ingester.chunks-idle-period", {false, "Flush a stream's chunk after this long without entries",
                                       [](Config& c, const std::string& v) {
                                         return parse_dur(v, c.ingester.chunk_idle_period);
                                       }}},
      {"distributor.ingestion-rate-limit-mb", {false, "Per-tenant ingestion rate, MiB/s",
                                               [](Config& c, const std::string& v) {
                                                 return parse_float_flag(v, c.limits_config.ingestion_rate_mb);
                                               }}},
      {"distributor.ingestion-burst-size-mb", {false, "Per-tenant ingestion burst, MiB",
                                               [](Config& c, const std::string& v) {
                                                 return parse_float_flag(v, c.limits_config.ingestion_burst_size_mb);
                                               }}},
      {"ingester.max-global-streams-per-user", {false, "Maximum active streams per tenant (0: unlimited)",
                                                [](Config& c, const std::string& v) {
                                                  return parse_int_flag(v, c.limits_config.max_global_streams_per_user, 0,
                                                                   INT64_MAX);
                                                }}},
      {"compactor.retention-enabled", {true, "Delete chunks past limits_config retention (Loki's compactor)",
                                       [](Config& c, const std::string& v) {
                                         return parse_bool_flag(v, c.compactor.retention_enabled);
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
      {"runtime-config.file", {false, "File of per-tenant limit overrides, read again every reload period",
                               [](Config& c, const std::string& v) { c.runtime_config.file = v; return std::string(); }}},
      {"runtime-config.reload-period", {false, "How often the runtime config file is read (default 10s)",
                                        [](Config& c, const std::string& v) { return parse_dur(v, c.runtime_config.period); }}},
      {"querier.query-timeout", {false, "Query timeout",
                                 [](Config& c, const std::string& v) { return parse_dur(v, c.limits_config.query_timeout); }}},
      {"ruler.evaluation-interval", {false, "How often rule groups are evaluated (default 1m)",
                                     [](Config& c, const std::string& v) { return parse_dur(v, c.ruler.evaluation_interval); }}},
      {"ruler.poll-interval", {false, "How often rule files are re-read (default 1m)",
                               [](Config& c, const std::string& v) { return parse_dur(v, c.ruler.poll_interval); }}},
      {"ruler.alertmanager-url", {false, "Comma-separated Alertmanager URLs alerts are sent to",
                                  [](Config& c, const std::string& v) {
                                    c.ruler.alertmanager_url = v;
                                    return std::string();
                                  }}},
      {"ruler.alertmanager-use-v2", {true, "Use Alertmanager's v2 API (default true)",
                                     [](Config& c, const std::string& v) { return parse_bool_flag(v, c.ruler.enable_alertmanager_v2); }}},
      {"ruler.external.url", {false, "URL alerts link back to (generatorURL, $externalURL)",
                              [](Config& c, const std::string& v) {
                                c.ruler.external_url = v;
                                return std::string();
                              }}},
      {"ruler.storage.type", {false, "Rule storage: local or s3 (default local, s3 when common.storage.s3 is set)",
                              [](Config& c, const std::string& v) {
                                c.ruler.storage_type = v;
                                return std::string();
                              }}},
      {"ruler.storage.local.directory", {false, "Rule files: <dir>/<tenant>/<namespace>.yaml (default <path_prefix>/rules)",
                                         [](Config& c, const std::string& v) {
                                           c.ruler.storage_local_directory = v;
                                           return std::string();
                                         }}},
      {"ruler.rule-path", {false, "Where the ruler keeps its alert state (default <path_prefix>/rules-temp)",
                           [](Config& c, const std::string& v) {
                             c.ruler.rule_path = v;
                             return std::string();
                           }}},
      {"ruler.enable-api", {true, "Serve the rules API (default true)",
                            [](Config& c, const std::string& v) { return parse_bool_flag(v, c.ruler.enable_api); }}},
      {"ruler.resend-delay", {false, "Minimum time between resends of a firing alert (default 1m)",
                              [](Config& c, const std::string& v) { return parse_dur(v, c.ruler.resend_delay); }}},
      {"ruler.remote-write.enabled", {true, "Send recorded samples to ruler.remote_write.clients",
                                      [](Config& c, const std::string& v) {
                                        return parse_bool_flag(v, c.ruler.remote_write_enabled);
                                      }}},
  };
  return specs;
}

}  // namespace

std::string usage() {
  // The command flags are listed by hand: they name their values (<path>) and come first.
  return "Usage: logd [flags]\n"
         "A Loki-compatible log server. With no flags it serves 127.0.0.1:3100 with its data under ./data.\n\n"
         "  -config.file <path>       YAML configuration file (Loki's key names)\n"
         "  -config.expand-env        Replace ${VAR} references in the configuration file\n"
         "  -print-config             Print the effective configuration as YAML and exit\n"
         "  -version                  Print the version and exit\n" +
         golang::format_usage(flag_specs(), golang::UsageLayout::kColumns);
}

util::Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  ParseState state;
  std::vector<golang::Arg> overrides;  // config flags, applied over the file in order
  auto is_bool = [](const std::string& name) {
    if (auto b = golang::bool_in(command_specs(), name)) return b;
    return golang::bool_in(flag_specs(), name);
  };
  auto take = [&](const golang::Arg& arg) -> util::Status {
    if (command_specs().count(arg.name)) return golang::apply_arg(command_specs(), arg, state);
    overrides.push_back(arg);
    return {};
  };
  if (auto st = golang::visit_args(args, is_bool, take); !st.ok()) {
    return st.status_error();
  }
  CommandLine cl = std::move(state.cl);
  if (!state.config_file.empty()) {
    auto c = load_config_file(state.config_file, state.expand_env);
    if (!c.ok()) return c.status_error();
    cl.config = std::move(*c);
  }
  for (const auto& arg : overrides) {
    if (auto st = golang::apply_arg(flag_specs(), arg, cl.config); !st.ok()) return st.status_error();
  }
  if (auto st = check_config(cl.config); !st.ok()) return st.status_error();
  return cl;
}

}  // namespace logd
