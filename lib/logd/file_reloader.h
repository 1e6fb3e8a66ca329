// Reads a configuration file again every `period` on the injected clock and installs it when it
// parses, keeping the last good one when it does not: the runtime config (per-tenant limits) and
// the credentials of the built-in auth. A failed reload is logged once per distinct error
// (not every period) and counted; its metrics say whether the last attempt succeeded.
//
// Thread-safety: reload() may be called from any thread (it is serialized); start()/stop() from
// one thread. The `load` function runs on the reloader's thread or the caller of reload().
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "logd/logger.h"
#include "util/clock.h"
#include "util/result.h"

namespace logd {

struct FileReloaderOptions {
  std::string what;  // names the file in logs: "runtime config"
  int64_t period = 10'000'000'000;
  // Reads, parses and (on success) installs the file; returns the SHA-256 (hex) of what it read.
  std::function<util::Result<std::string>()> load;
  // Metric names: `<success_metric>` gauge, `<failures_metric>` counter, and, when not empty,
  // `<hash_metric>{sha256="..."}` gauge.
  std::string success_metric, failures_metric, hash_metric;
};

class FileReloader {
 public:
  FileReloader(FileReloaderOptions options, const Logger& logger, util::Clock& clock);
  ~FileReloader();  // stop()

  // One reload now. On failure the installed config stays.
  util::Status reload();
  void start();  // reload() every period until stop()
  void stop();

  bool last_reload_successful() const;
  uint64_t failures() const;
  void render_metrics(std::string& out) const;

 private:
  const FileReloaderOptions options_;
  const Logger& logger_;
  util::Clock& clock_;
  mutable std::mutex mu_;  // serializes reload() and guards the state below
  bool last_ok_ = true;
  uint64_t failures_ = 0;
  std::string hash_, last_error_;
  std::jthread thread_;
};

}  // namespace logd
