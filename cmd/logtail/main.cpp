// logtail: the Promtail-compatible collector. Flags and signals only; the work is in lib/logtail.
#include <csignal>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "logtail/app.h"
#include "logtail/config.h"
#include "logtail/endpoints.h"
#include "logtail/flags.h"

namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "logtail: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto cl = logtail::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!cl.ok()) {
    fail(cl.error());
    std::fprintf(stderr, "Run 'logtail -help' for the flags.\n");
    return 1;
  }
  if (cl->show_help) {
    std::fputs(logtail::usage().c_str(), stdout);
    return 0;
  }
  if (cl->show_version) {
    std::puts("logtail, version 3.0.0-logtail (Promtail compatible)");
    return 0;
  }

  logtail::ParseOptions parse_options{.expand_env = cl->expand_env, .env_lookup = {}};
  util::Result<logtail::Config> config = logtail::Config{};
  if (!cl->config_file.empty()) {
    config = logtail::load_config_file(cl->config_file, parse_options);
  } else if (!cl->read_stdin) {
    return fail("-config.file is required (only -stdin runs without one)");
  }
  if (!config.ok()) return fail(config.error());
  if (cl->check_syntax) {
    std::printf("Valid config file! No syntax issues found\n");
    return 0;
  }
  if (auto st = logtail::apply_command_line(*cl, *config); !st.ok()) return fail(st.error());
  if (cl->print_config_stderr) {
    std::fprintf(stderr, "%s\n", logtail::print_config(*config).c_str());
  }

  // SIGTERM/SIGINT are blocked in every thread (the workers inherit the mask) and awaited here,
  // so shutdown runs on the main thread rather than in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reload the config file
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  logtail::AppOptions options;
  options.dry_run = cl->dry_run;
  options.read_stdin = config->target_config.stdin;
  options.clock = &util::system_clock();  // the one source of time, passed down
  auto app = logtail::App::create(*config, options);
  if (!app.ok()) return fail(app.error());

  // Promtail's reload: re-read the config file; on any error the running config stays.
  auto reload = [&]() -> util::Status {
    if (cl->config_file.empty()) return util::Error{"no -config.file to reload"};
    auto next = logtail::load_config_file(cl->config_file, parse_options);
    if (!next.ok()) return next.status_error();
    if (auto st = logtail::apply_command_line(*cl, *next); !st.ok()) return st;
    auto st = (*app)->reload(std::move(*next));
    if (st.ok()) {
      std::fprintf(stderr, "level=info msg=\"reloaded config file\" file=%s\n", cl->config_file.c_str());
    } else {
      std::fprintf(stderr, "level=error msg=\"reload failed\" err=\"%s\"\n", st.error().c_str());
    }
    return st;
  };

  std::unique_ptr<http::Server> server;
  if (!config->server.disable && !options.read_stdin) {
    server = logtail::make_http_server(**app);
    if (config->server.enable_runtime_reload) {  // as Promtail: POST /reload only when enabled
      std::string prefix = config->server.http_path_prefix;
      while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
      server->route("POST", prefix + "/reload", [&reload](const http::Request&) {
        auto st = reload();
        return st.ok() ? http::Response::text(200, "config reloaded\n")
                       : http::Response::text(500, "failed to reload config: " + st.error() + "\n");
      });
    }
    if (auto st = server->start(); !st.ok()) return fail("server: " + st.error());
    std::fprintf(stderr, "level=info msg=\"server listening on addresses\" http=%s:%u\n",
                 config->server.http_listen_address.empty() ? "0.0.0.0" : config->server.http_listen_address.c_str(),
                 static_cast<unsigned>(server->port()));
  }
  if (auto st = (*app)->start(); !st.ok()) return fail(st.error());
  std::fprintf(stderr, "level=info msg=\"logtail started\" mode=%s%s\n", options.read_stdin ? "stdin" : "files",
               options.dry_run ? " dry_run=true" : "");

  // Wait for a signal, or (stdin) for the end of the input.
  const timespec tick{0, 100'000'000};
  int sig = 0;
  for (;;) {
    sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGHUP) {
      (void)reload();  // logged; the old config keeps running on failure
      continue;
    }
    if (sig > 0) break;
    if (options.read_stdin && (*app)->stdin_finished()) break;
  }
  if (sig > 0) {
    std::fprintf(stderr, "level=info msg=\"received %s, shutting down\"\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  }
  bool clean = (*app)->stop();
  if (server) server->stop();
  if (!clean) {
    std::fprintf(stderr, "level=warn msg=\"not everything was delivered before the shutdown timeout; "
                         "it will be read again at the next start\"\n");
  }
  std::fprintf(stderr, "level=info msg=\"logtail stopped\"\n");
  return 0;
}
