// logcli: the LogQL command-line client. Flags only; the work is in lib/logcli.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <iterator>

#include "logcli/query_command.h"
#include "logql/parser.h"
#include "logql/printer.h"

namespace {

void add_query_flags(CLI::App* cmd, logcli::QueryOptions& q, std::string& output, std::string& stdin_format,
                     std::string& timezone, bool& colored, bool instant) {
  cmd->add_option("query", q.query, "LogQL query")->required();
  cmd->add_option("--limit", q.limit, "Limit on number of entries to print; 0 prints all")->default_val(30);
  if (!instant) {
    cmd->add_option("--since", q.since, "Lookback window (default 1h; without --since/--from/--to, stdin input is covered whole)");
    cmd->add_option("--from", q.from, "Start of the range: RFC3339, unix seconds or unix nanoseconds");
    cmd->add_option("--to", q.to, "End of the range (exclusive)");
    cmd->add_option("--step", q.step, "Query resolution step width, as a duration or seconds");
    cmd->add_option("--interval", q.interval, "Log queries only: at most one entry per interval");
  } else {
    cmd->add_option("--now", q.now, "Time at which to evaluate (default: now, or the newest stdin entry)");
  }
  cmd->add_flag("--forward", q.forward, "Scan forwards through logs (oldest first)");
  cmd->add_flag("--stdin", q.use_stdin, "Take input logs from stdin");
  cmd->add_option("--stdin-format", stdin_format, "Form of stdin lines: raw (one unlabelled stream) or jsonl (logcli's jsonl output)")
      ->check(CLI::IsMember({"raw", "jsonl"}))
      ->default_val("raw");
  cmd->add_option("-o,--output", output, "Output format: default, raw, jsonl")
      ->check(CLI::IsMember({"default", "raw", "jsonl"}))
      ->default_val("default");
  cmd->add_flag("-q,--quiet", q.output.quiet, "Suppress query metadata");
  cmd->add_flag("--no-labels", q.output.no_labels, "Do not print any labels");
  cmd->add_option("--exclude-label", q.output.exclude_labels, "Exclude labels given the provided key during output");
  cmd->add_option("--include-label", q.output.include_labels, "Include labels given the provided key during output");
  cmd->add_option("--labels-length", q.output.fixed_labels_length, "Set a fixed padding to labels");
  cmd->add_option("-z,--timezone", timezone, "Timezone for output timestamps: Local or UTC")
      ->check(CLI::IsMember({"Local", "UTC"}))
      ->default_val("Local");
  cmd->add_flag("--colored-output", colored, "Show output with colored labels (only on a terminal)");
}

void finish_options(logcli::QueryOptions& q, const std::string& output, const std::string& stdin_format,
                    const std::string& timezone, bool colored) {
  q.output.mode = output == "raw" ? logcli::OutputMode::Raw
                  : output == "jsonl" ? logcli::OutputMode::Jsonl
                                      : logcli::OutputMode::Default;
  q.stdin_format = stdin_format == "jsonl" ? logcli::StdinFormat::Jsonl : logcli::StdinFormat::Raw;
  q.output.utc = timezone == "UTC";
  q.output.color = colored && isatty(STDOUT_FILENO);
}

int run_stdin_query(logcli::QueryOptions& q) {
  if (!q.use_stdin) {
    std::fprintf(stderr, "logcli: querying a server (--addr) is not supported yet; pass --stdin to query standard input\n");
    return 2;
  }
  // Parse before reading: a bad query should fail at once, not after the whole input.
  if (auto e = logql::parse(q.query); !e) {
    std::fprintf(stderr, "Query failed: %s\n", e.error().c_str());
    return 1;
  }
  auto source = logcli::StdinSource::read(STDIN_FILENO, q.stdin_format);
  if (!source) {
    std::fprintf(stderr, "logcli: %s\n", source.error().c_str());
    return 1;
  }
  int rc = logcli::run_query(q, **source, stdout, stderr);
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"logcli: run LogQL queries (Loki-compatible)", "logcli"};
  app.require_subcommand(1);

  logcli::QueryOptions query_opts, instant_opts;
  std::string q_output, q_format, q_tz, i_output, i_format, i_tz, fmt_query;
  bool q_color = false, i_color = false;

  auto* query = app.add_subcommand("query", "Run a LogQL query over a time range");
  add_query_flags(query, query_opts, q_output, q_format, q_tz, q_color, false);
  auto* instant = app.add_subcommand("instant-query", "Run an instant LogQL metric query");
  add_query_flags(instant, instant_opts, i_output, i_format, i_tz, i_color, true);
  auto* fmt = app.add_subcommand("fmt", "Format a LogQL query (from the argument or stdin) in canonical form");
  fmt->add_option("query", fmt_query, "LogQL query; read from stdin when absent");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (*query) {
    finish_options(query_opts, q_output, q_format, q_tz, q_color);
    return run_stdin_query(query_opts);
  }
  if (*instant) {
    finish_options(instant_opts, i_output, i_format, i_tz, i_color);
    instant_opts.instant = true;
    return run_stdin_query(instant_opts);
  }
  if (*fmt) return run_fmt(fmt_query);
  return 0;
}
