// logcli: the LogQL command-line client (Loki's logcli commands and flags). Flags only; the work
// is in lib/logcli.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "logcli/delete_command.h"
#include "logcli/push_command.h"
#include "logcli/query_backend.h"
#include "logcli/query_command.h"
#include "logcli/rules_command.h"
#include "logcli/server_commands.h"
#include "logcli/tail_command.h"
#include "logql/parser.h"
#include "logql/printer.h"
#include "model/time.h"

namespace {

// Flags shared by every command (Loki's logcli takes them before or after the command).
struct GlobalFlags {
  logcli::ClientOptions client;
  std::string store_dir;
  std::string cache_dir;
  int store_read_threads = 2;
  bool store_block_filters = true;
  std::string output = "default";
  std::string timezone = "Local";
  bool quiet = false;
  bool stats = false;
};

struct QueryFlags {
  logcli::QueryOptions q;
  std::string stdin_format = "raw";
  bool colored = false;
  uint32_t batch = 1000;
  bool tail = false;
  int64_t delay_for = 0;
};

void add_global_flags(CLI::App& app, GlobalFlags& g) {
  app.add_option("--addr", g.client.addr, "Server address")->envname("LOKI_ADDR")->default_val("http://localhost:3100");
  app.add_option("--username", g.client.username, "Username for HTTP basic auth")->envname("LOKI_USERNAME");
  app.add_option("--password", g.client.password, "Password for HTTP basic auth")->envname("LOKI_PASSWORD");
  app.add_option("--ca-cert", g.client.ca_cert, "Path to the server Certificate Authority")->envname("LOKI_CA_CERT_PATH");
  app.add_flag("--tls-skip-verify", g.client.tls_skip_verify, "Server certificate TLS skip verify")
      ->envname("LOKI_TLS_SKIP_VERIFY");
  app.add_option("--cert", g.client.cert, "Path to the client certificate")->envname("LOKI_CLIENT_CERT_PATH");
  app.add_option("--key", g.client.key, "Path to the client certificate key")->envname("LOKI_CLIENT_KEY_PATH");
  app.add_option("--org-id", g.client.org_id, "Tenant ID (X-Scope-OrgID); a|b queries several")->envname("LOKI_ORG_ID");
  app.add_option("--bearer-token", g.client.bearer_token, "Bearer token for the server")->envname("LOKI_BEARER_TOKEN");
  app.add_option("--bearer-token-file", g.client.bearer_token_file, "File holding the bearer token")
      ->envname("LOKI_BEARER_TOKEN_FILE");
  app.add_option("--store", g.store_dir,
                 "Query a logd store directly, read-only, instead of a server: a data directory (or a copy of "
                 "one), or s3://bucket/prefix (endpoint and credentials from AWS_*)");
  app.add_option("--cache-dir", g.cache_dir,
                 "With --store s3://...: keep downloaded chunks and index files here between runs "
                 "(default: $XDG_CACHE_HOME/logkit/<bucket>; \"none\": no cache)");
  app.add_option("--store-read-threads", g.store_read_threads,
                 "With --store: threads that decompress and filter chunk blocks ahead of the query (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  app.add_flag("--store-block-filters,!--no-store-block-filters", g.store_block_filters,
               "With --store: skip chunk blocks whose trigram filter rules out a |= literal (default on)");
  app.add_flag("-q,--quiet", g.quiet, "Suppress query metadata");
  app.add_flag("--stats", g.stats, "Show query statistics");
  app.add_option("-o,--output", g.output, "Output format: default, raw, jsonl")
      ->check(CLI::IsMember({"default", "raw", "jsonl"}));
  app.add_option("-z,--timezone", g.timezone, "Timezone for output timestamps: Local or UTC")
      ->check(CLI::IsMember({"Local", "UTC"}));
}

void add_query_flags(CLI::App* cmd, QueryFlags& f, bool instant) {
  auto& q = f.q;
  cmd->add_option("query", q.query, "LogQL query")->required();
  cmd->add_option("--limit", q.limit, "Limit on number of entries to print; 0 prints all")->default_val(30);
  if (!instant) {
    cmd->add_option("--since", q.since, "Lookback window (default 1h; with --stdin and no range, the whole input)");
    cmd->add_option("--from", q.from, "Start of the range: RFC3339, unix seconds or unix nanoseconds");
    cmd->add_option("--to", q.to, "End of the range (exclusive)");
    cmd->add_option("--step", q.step, "Query resolution step width, as a duration or seconds");
    cmd->add_option("--interval", q.interval, "Log queries only: at most one entry per interval");
    cmd->add_option("--batch", f.batch, "Entries per request when the limit is larger (pages through the results)")
        ->default_val(1000);
    cmd->add_flag("-t,--tail", f.tail, "Tail the logs live over the WebSocket");
    cmd->add_option("--delay-for", f.delay_for, "Delay tailing by this many seconds, to re-order late entries")
        ->default_val(0);
  } else {
    cmd->add_option("--now", q.now, "Time at which to evaluate (default: now, or the newest stdin entry)");
  }
  cmd->add_flag("--forward", q.forward, "Scan forwards through logs (oldest first)");
  cmd->add_flag("--stdin", q.use_stdin, "Take input logs from stdin");
  cmd->add_option("--stdin-format", f.stdin_format, "Form of stdin lines: raw (one unlabelled stream) or jsonl")
      ->check(CLI::IsMember({"raw", "jsonl"}));
  cmd->add_flag("--no-labels", q.output.no_labels, "Do not print any labels");
  cmd->add_option("--exclude-label", q.output.exclude_labels, "Exclude labels given the provided key during output");
  cmd->add_option("--include-label", q.output.include_labels, "Include labels given the provided key during output");
  cmd->add_option("--labels-length", q.output.fixed_labels_length, "Set a fixed padding to labels");
  cmd->add_flag("--colored-output", f.colored, "Show output with colored labels (only on a terminal)");
}

void finish_options(QueryFlags& f, const GlobalFlags& g) {
  auto& q = f.q;
  q.output.mode = g.output == "raw" ? logcli::OutputMode::Raw
                  : g.output == "jsonl" ? logcli::OutputMode::Jsonl
                                        : logcli::OutputMode::Default;
  q.stdin_format = f.stdin_format == "jsonl" ? logcli::StdinFormat::Jsonl : logcli::StdinFormat::Raw;
  q.output.utc = g.timezone == "UTC";
  q.output.color = f.colored && isatty(STDOUT_FILENO);
  q.output.quiet = g.quiet;
}

int run_stdin_query(logcli::QueryOptions& q) {
  // Parse before reading: a bad query should fail at once, not after the whole input.
  if (auto e = logql::parse(q.query); !e) {
    std::fprintf(stderr, "Query failed: %s\n", e.error().c_str());
    return 1;
  }
  auto source = logcli::StdinSource::read(STDIN_FILENO, q.stdin_format, util::system_clock());
  if (!source) {
    std::fprintf(stderr, "logcli: %s\n", source.error().c_str());
    return 1;
  }
  int rc = logcli::run_query(q, **source, stdout, stderr, util::system_clock());
  std::fflush(stdout);
  return rc;
}

int run_fmt(const std::string& arg) {
  std::string text = arg;
  if (text.empty()) text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  auto expr = logql::parse(text);
  if (!expr) {
    std::fprintf(stderr, "%s\n", expr.error().c_str());
    return 1;
  }
  std::printf("%s\n", logql::prettify(*expr).c_str());
  return 0;
}

// The server, or the data directory with --store.
std::unique_ptr<logcli::QueryBackend> open_backend(GlobalFlags& g) {
  g.client.quiet = g.quiet;
  if (g.store_dir.empty()) return logcli::make_http_backend(g.client);
  logcli::StoreBackendOptions so;
  so.location = g.store_dir;
  so.org_id = g.client.org_id;
  so.cache_dir = g.cache_dir == "none" ? "" : g.cache_dir.empty() ? logcli::default_store_cache_dir(g.store_dir) : g.cache_dir;
  so.read_threads = g.store_read_threads;
  so.use_block_filters = g.store_block_filters;
  auto b = logcli::open_store_backend(so);
  if (!b) {
    std::fprintf(stderr, "logcli: %s\n", b.error().c_str());
    return nullptr;
  }
  return std::move(*b);
}

int run_query_command(QueryFlags& f, GlobalFlags& g) {
  finish_options(f, g);
  if (f.q.use_stdin) return run_stdin_query(f.q);
  if (f.tail) {
    if (!g.store_dir.empty()) {
      std::fprintf(stderr, "logcli: --tail needs a server; it cannot follow a --store directory\n");
      return 2;
    }
    g.client.quiet = g.quiet;
    return logcli::run_tail(g.client, f.q, f.delay_for, stdout, stderr, util::system_clock());
  }
  auto backend = open_backend(g);
  if (!backend) return 1;
  logcli::ServerQueryOptions s;
  s.batch = f.batch;
  s.stats = g.stats;
  s.progress = isatty(STDERR_FILENO) && (f.q.limit == 0 || f.q.limit > f.batch);
  int rc = logcli::run_server_query(*backend, f.q, s, stdout, stderr, util::system_clock());
  std::fflush(stdout);
  return rc;
}

void add_range_flags(CLI::App* cmd, logcli::ListOptions& o) {
  cmd->add_option("--since", o.since, "Lookback window (default 1h)");
  cmd->add_option("--from", o.from, "Start of the range: RFC3339, unix seconds or unix nanoseconds");
  cmd->add_option("--to", o.to, "End of the range (exclusive)");
}

struct PushFlags {
  logcli::PushOptions o;
  std::string batch_size = "1MiB", batch_wait = "1s", min_backoff = "500ms", max_backoff = "5m";
  std::vector<std::string> labels;
};

void add_push_flags(CLI::App* cmd, PushFlags& f) {
  cmd->add_option("file", f.o.inputs, "jsonl files to push, in order (default: stdin; - is stdin)");
  cmd->add_option("--batch-size", f.batch_size, "Bytes of lines per push request (e.g. 1MiB)")->default_str("1MiB");
  cmd->add_option("--batch-wait", f.batch_wait, "Longest wait before a partial batch is sent")->default_str("1s");
  cmd->add_option("--checkpoint", f.o.checkpoint,
                  "File recording how far the input has been acknowledged; a rerun resumes from it");
  cmd->add_option("--max-retries", f.o.max_retries, "Retries of a batch on 429, 5xx or connection errors (0: forever)")
      ->default_val(10);
  cmd->add_option("--min-backoff", f.min_backoff, "First retry delay")->default_str("500ms");
  cmd->add_option("--max-backoff", f.max_backoff, "Longest retry delay")->default_str("5m");
  cmd->add_option("--label", f.labels, "name=value added to every stream (repeatable)");
}

int run_push_command(PushFlags& f, const GlobalFlags& g) {
  auto fail = [](const std::string& why) {
    std::fprintf(stderr, "logcli push: %s\n", why.c_str());
    return 2;
  };
  auto size = model::parse_bytes(f.batch_size);
  if (!size || *size == 0) return fail("--batch-size: not a size: " + f.batch_size);
  f.o.batch_size = static_cast<int64_t>(*size);
  for (auto [text, out] : {std::pair{&f.batch_wait, &f.o.batch_wait_ns}, std::pair{&f.min_backoff, &f.o.min_backoff_ns},
                           std::pair{&f.max_backoff, &f.o.max_backoff_ns}}) {
    auto d = model::parse_duration(*text);
    if (!d || *d <= 0) return fail("not a positive duration: " + *text);
    *out = *d;
  }
  if (f.o.max_retries < 0) return fail("--max-retries must be 0 or more");
  for (const auto& l : f.labels) {
    size_t eq = l.find('=');
    if (eq == std::string::npos || !model::is_valid_label_name(l.substr(0, eq)) || eq + 1 == l.size())
      return fail("--label wants name=value: " + l);
    f.o.extra_labels.set(l.substr(0, eq), l.substr(eq + 1));
  }
  f.o.progress = isatty(STDERR_FILENO) && !g.quiet;
  f.o.quiet = g.quiet;
  return logcli::run_push(g.client, f.o, stderr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"logcli: run LogQL queries against a Loki-compatible server, a logd data directory or stdin",
               "logcli"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalFlags g;
  add_global_flags(app, g);

  QueryFlags query_flags, instant_flags;
  std::string fmt_query;
  auto* query = app.add_subcommand("query", "Run a LogQL query over a time range");
  add_query_flags(query, query_flags, false);
  auto* instant = app.add_subcommand("instant-query", "Run an instant LogQL query");
  add_query_flags(instant, instant_flags, true);

  logcli::ListOptions labels_opts, series_opts, stats_opts;
  std::string label_name;
  auto* labels = app.add_subcommand("labels", "List label names, or the values of one label");
  labels->add_option("label", label_name, "The label whose values to list");
  add_range_flags(labels, labels_opts);
  std::vector<std::string> series_matchers;
  auto* series = app.add_subcommand("series", "List the series (label sets) matching a selector");
  series->add_option("matcher", series_matchers, "Stream selector, e.g. '{app=\"api\"}'")->required();
  add_range_flags(series, series_opts);
  std::string stats_query;
  auto* stats = app.add_subcommand("stats", "Index statistics (streams, chunks, entries, bytes) for a selector");
  stats->add_option("query", stats_query, "LogQL query (its stream selector)")->required();
  add_range_flags(stats, stats_opts);

  // Loki's logcli flags for volume and volume_range.
  logcli::VolumeOptions volume_opts, volume_range_opts;
  volume_range_opts.range_query = true;
  std::string volume_query, volume_range_query, volume_step = "1h";
  auto add_volume_flags = [&](CLI::App* cmd, logcli::VolumeOptions& o, std::string& q) {
    cmd->add_option("query", q, "Stream selector, e.g. '{app=~\".+\"}', or '{}' for every stream")->required();
    add_range_flags(cmd, o.range);
    cmd->add_option("--limit", o.limit, "Series to return, the largest first (default 100)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--targetLabels", o.target_labels, "Labels to aggregate into (repeat or comma-separate)")
        ->delimiter(',');
    cmd->add_flag("--aggregateByLabels", o.aggregate_by_labels, "Aggregate by label names only");
  };
  auto* volume = app.add_subcommand("volume", "Bytes per series over a range, from the index (index/volume)");
  add_volume_flags(volume, volume_opts, volume_query);
  auto* volume_range =
      app.add_subcommand("volume_range", "Bytes per series per step, from the index (index/volume_range)");
  add_volume_flags(volume_range, volume_range_opts, volume_range_query);
  volume_range->add_option("--step", volume_step, "Bucket width, a duration (default 1h)");

  logcli::DetectedFieldsOptions detected_opts;
  std::string detected_query, detected_field;
  auto* detected = app.add_subcommand("detected-fields", "Fields found in a query's lines, or the values of one");
  detected->add_option("query", detected_query, "Log query, e.g. '{app=\"api\"} |= \"error\"'")->required();
  detected->add_option("field", detected_field, "A field whose values to list");
  add_range_flags(detected, detected_opts.range);
  detected->add_option("--line-limit", detected_opts.line_limit, "Lines to read, the newest first (default 1000)")
      ->check(CLI::PositiveNumber);
  detected->add_option("--limit", detected_opts.limit, "Fields (or values) to print (default 1000)")
      ->check(CLI::PositiveNumber);

  logcli::PatternsOptions patterns_opts;
  std::string patterns_query, patterns_step;
  bool patterns_json = false;
  auto* patterns = app.add_subcommand("patterns", "Log patterns the server mined from a selector's lines (patterns)");
  patterns->add_option("query", patterns_query, "Stream selector, e.g. '{app=\"api\"}'")->required();
  add_range_flags(patterns, patterns_opts.range);
  patterns->add_option("--step", patterns_step, "Count lines per this duration (default: the server's, range/250)");
  patterns->add_flag("--json", patterns_json, "Print each pattern as a JSON object with its samples");

  auto* fmt = app.add_subcommand("fmt", "Format a LogQL query (from the argument or stdin) in canonical form");
  fmt->add_option("query", fmt_query, "LogQL query; read from stdin when absent");

  auto* rules = app.add_subcommand("rules", "Check or evaluate ruler rule files offline");
  rules->require_subcommand(1);
  std::vector<std::string> lint_files;
  auto* lint = rules->add_subcommand("lint", "Validate rule files: YAML, LogQL, names, templates");
  lint->add_option("file", lint_files, "Rule files")->required();
  auto* check = rules->add_subcommand("check", "Same as lint");
  check->add_option("file", lint_files, "Rule files")->required();
  logcli::RulesEvalOptions eval_opts;
  std::string eval_stdin_format = "raw";
  auto* eval = rules->add_subcommand("eval", "Evaluate a rule file once over --stdin or --store data");
  eval->add_option("file", eval_opts.file, "Rule file")->required();
  eval->add_flag("--stdin", eval_opts.use_stdin, "Read the logs from stdin");
  eval->add_option("--stdin-format", eval_stdin_format, "Form of stdin lines: raw or jsonl")
      ->check(CLI::IsMember({"raw", "jsonl"}));
  eval->add_option("--time", eval_opts.time,
                   "Evaluation time: RFC3339, unix seconds or ns (default: now, or just after the last stdin entry)");
  eval->add_option("--external-url", eval_opts.external_url, "$externalURL and generatorURL base in templates");

  auto* del = app.add_subcommand("delete", "Create, list or cancel delete requests (the server's delete API)");
  del->require_subcommand(1);
  logcli::DeleteCreateOptions del_opts;
  auto* del_create = del->add_subcommand("create", "Request the deletion of the lines a selector and line filters match");
  del_create->add_option("--query", del_opts.query, "Stream selector with optional line filters")->required();
  add_range_flags(del_create, del_opts.range);
  del_create->add_option("--max-interval", del_opts.max_interval, "Split the request into shards of this duration");
  auto* del_list = del->add_subcommand("list", "List the tenant's delete requests: id, status, start, end, query");
  std::string del_id;
  bool del_force = false;
  auto* del_cancel = del->add_subcommand("cancel", "Cancel a delete request within its cancel period");
  del_cancel->add_option("request-id", del_id, "The request's id (from `delete list`)")->required();
  del_cancel->add_flag("--force", del_force, "Cancel even after the cancel period");

  PushFlags push_flags;
  auto* push = app.add_subcommand("push", "Push entries in jsonl form (logcli query -o jsonl) to the server, resumably");
  add_push_flags(push, push_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*query) return run_query_command(query_flags, g);
  if (*instant) {
    instant_flags.q.instant = true;
    return run_query_command(instant_flags, g);
  }
  if (*fmt) return run_fmt(fmt_query);
  if (*push) return run_push_command(push_flags, g);
  if (*lint || *check) return logcli::run_rules_lint(lint_files, stdout, stderr);
  if (*eval) {
    eval_opts.stdin_format = eval_stdin_format == "jsonl" ? logcli::StdinFormat::Jsonl : logcli::StdinFormat::Raw;
    eval_opts.store_dir = g.store_dir;
    eval_opts.org_id = g.client.org_id;
    return logcli::run_rules_eval(eval_opts, stdout, stderr);
  }
  if (*del) {
    g.client.quiet = g.quiet;
    logcli::HttpClient client(g.client);
    if (*del_create) return logcli::run_delete_create(client, del_opts, stdout, stderr);
    if (*del_list) return logcli::run_delete_list(client, stdout, stderr);
    return logcli::run_delete_cancel(client, del_id, del_force, stdout, stderr);
  }
  auto backend = open_backend(g);
  if (!backend) return 1;
  if (*labels) {
    std::optional<std::string> name;
    if (!label_name.empty()) name = label_name;
    return logcli::run_labels(*backend, name, labels_opts, stdout, stderr, util::system_clock());
  }
  if (*series) return logcli::run_series(*backend, series_matchers, series_opts, stdout, stderr, util::system_clock());
  if (*detected) {
    std::optional<std::string> field;
    if (!detected_field.empty()) field = detected_field;
    return logcli::run_detected_fields(*backend, detected_query, field, detected_opts, stdout, stderr,
                                       util::system_clock());
  }
  if (*patterns) {
    if (!patterns_step.empty()) {
      auto step = model::parse_duration(patterns_step);
      if (!step.ok()) {
        std::fprintf(stderr, "logcli: --step: %s\n", step.error().c_str());
        return 1;
      }
      patterns_opts.step = *step;
    }
    return logcli::run_patterns(*backend, patterns_query, patterns_opts, patterns_json, stdout, stderr,
                                util::system_clock());
  }
  if (*volume) return logcli::run_volume(*backend, volume_query, volume_opts, stdout, stderr, util::system_clock());
  if (*volume_range) {
    auto step = model::parse_duration(volume_step);
    if (!step.ok()) {
      std::fprintf(stderr, "logcli: --step: %s\n", step.error().c_str());
      return 1;
    }
    volume_range_opts.step = *step;
    return logcli::run_volume(*backend, volume_range_query, volume_range_opts, stdout, stderr, util::system_clock());
  }
  if (*stats) {
    stats_opts.color = isatty(STDOUT_FILENO);
    return logcli::run_index_stats(*backend, stats_query, stats_opts, stdout, stderr,
                                    util::system_clock());
  }
  return 0;
}
