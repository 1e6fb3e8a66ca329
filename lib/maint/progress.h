// A progress line on stderr for long maintenance runs, drawn only when stderr is a terminal
// (cron and pipes get no escape codes). Not thread-safe: one per run.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace maint {

class TerminalProgress {
 public:
  explicit TerminalProgress(std::string what) : what_(std::move(what)), enabled_(::isatty(2) == 1) {}
  ~TerminalProgress() {
    if (drawn_) std::fputs("\r\033[K", stderr);
  }

  // Redraws at most ten times a second; the end (done == total) erases the line, so results
  // printed next start on a clean line.
  void operator()(size_t done, size_t total) {
    if (!enabled_ || total == 0) return;
    if (done >= total) {
      if (drawn_) std::fputs("\r\033[K", stderr);
      drawn_ = false;
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    std::fprintf(stderr, "\r\033[K%s: %zu/%zu (%zu%%)", what_.c_str(), done, total, done * 100 / total);
    std::fflush(stderr);
  }

 private:
  std::string what_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace maint
