#include "logd/file_reloader.h"

#include "golang/quote.h"
#include "logd/metrics.h"

namespace logd {

FileReloader::FileReloader(FileReloaderOptions options, const Logger& logger, util::Clock& clock)
    : options_(std::move(options)), logger_(logger), clock_(clock) {}

FileReloader::~FileReloader() { stop(); }

util::Status FileReloader::reload() {
  std::lock_guard lock(mu_);
  util::Result<std::string> loaded = options_.load();
  if (!loaded.ok()) {
    ++failures_;
    last_ok_ = false;
    if (loaded.error() != last_error_) {
      logger_.log(LogLevel::kError, "reloading the " + options_.what + " failed; the last good one stays in force",
                  "err=" + golang::quote(loaded.error()));
      last_error_ = loaded.error();
    }
    return loaded.status_error();
  }
  if (!last_ok_ || *loaded != hash_) {
    logger_.log(LogLevel::kInfo, options_.what + " loaded", "sha256=" + *loaded);
  }
  last_ok_ = true;
  last_error_.clear();
  hash_ = std::move(*loaded);
  return {};
}

void FileReloader::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    while (clock_.sleep_for(options_.period, stop)) (void)reload();
  });
}

void FileReloader::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

bool FileReloader::last_reload_successful() const {
  std::lock_guard lock(mu_);
  return last_ok_;
}

uint64_t FileReloader::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

void FileReloader::render_metrics(std::string& out) const {
  std::lock_guard lock(mu_);
  render_single(out, options_.success_metric, "gauge",
                "Whether the last " + options_.what + " reload attempt was successful.", last_ok_ ? 1 : 0);
  render_single(out, options_.failures_metric, "counter",
                "Reloads of the " + options_.what + " that failed (the last good one stayed in force).",
                static_cast<double>(failures_));
  if (!options_.hash_metric.empty() && !hash_.empty()) {
    out += "# HELP " + options_.hash_metric + " Hash of the currently active " + options_.what + ".\n";
    out += "# TYPE " + options_.hash_metric + " gauge\n";
    out += options_.hash_metric + "{sha256=\"" + hash_ + "\"} 1\n";
  }
}

}  // namespace logd
