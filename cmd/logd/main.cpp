// logd: the Loki-compatible log server. Flags and signals only; the work is in lib/logd.
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logd/flags.h"
#include "logd/server.h"
#include "golang/duration.h"
#include "golang/quote.h"
#include "util/clock.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto cl = logd::parse_command_line(args);
  if (!cl.ok()) {
    std::fprintf(stderr, "logd: %s\n", cl.error().c_str());
    std::fprintf(stderr, "Run 'logd -help' for the flags.\n");
    return 1;
  }
  if (cl->show_help) {
    std::fputs(logd::usage().c_str(), stdout);
    return 0;
  }
  if (cl->show_version) {
    std::puts("logd, version 3.0.0-logd (Loki HTTP API compatible)");
    return 0;
  }
  if (cl->print_config) {
    std::fputs(logd::print_config(cl->config).c_str(), stdout);
    return 0;
  }

  // Block SIGTERM/SIGINT in every thread (the server's threads inherit the mask) and wait for
  // them here, so shutdown runs on the main thread rather than in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto server = logd::LogdServer::start(cl->config, util::system_clock());
  if (!server.ok()) {
    std::fprintf(stderr, "logd: %s\n", server.error().c_str());
    return 1;
  }
  const auto& c = cl->config;
  const logd::Logger& log = (*server)->logger();
  log.log(logd::LogLevel::kInfo, "logd listening",
          "address=" + c.server.http_listen_address + ":" + std::to_string((*server)->port()) +
              " data=" + golang::quote(c.common.path_prefix) + " auth_enabled=" + (c.auth_enabled ? "true" : "false"));

  int sig = 0;
  sigwait(&signals, &sig);
  log.log(logd::LogLevel::kInfo, "shutting down: flushing every stream",
          std::string("signal=") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
  // The flush may wait on a store that never answers: past ingester.shutdown_flush_timeout the
  // process exits without it. Every acknowledged push is already in the WAL (written before the
  // answer), so the next start replays what was not flushed.
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
  std::thread watchdog;
  if (const int64_t bound_ns = c.ingester.shutdown_flush_timeout; bound_ns > 0) {
    watchdog = std::thread([&, bound_ns] {
      std::unique_lock lock(done_mu);
      if (done_cv.wait_for(lock, std::chrono::nanoseconds(bound_ns), [&] { return done; })) return;
      log.log(logd::LogLevel::kError,
              "shutdown did not finish within ingester.shutdown_flush_timeout: exiting; the WAL keeps what was "
              "not flushed and the next start replays it",
              "timeout=" + golang::format_duration(bound_ns));
      std::_Exit(1);
    });
  }
  auto st = (*server)->shutdown();
  if (watchdog.joinable()) {
    {
      std::lock_guard lock(done_mu);
      done = true;
    }
    done_cv.notify_all();
    watchdog.join();
  }
  if (!st.ok()) {
    log.log(logd::LogLevel::kError, "flush on shutdown failed (the WAL keeps what was not flushed; the next start replays it): " + st.error());
    return 1;
  }
  log.log(logd::LogLevel::kInfo, "logd stopped");
  return 0;
}
