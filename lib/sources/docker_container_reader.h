// DockerContainerReader: one container's logs through the Docker Engine API, as Promtail's
// docker target reads them: GET /containers/{id}/json (a TTY container's logs are one raw
// stream), then GET /containers/{id}/logs?follow=true&stdout=true&stderr=true&timestamps=true
// &since=<cursor>, demultiplexed and assembled into lines (docker_log_frames.h) that go to the
// sink with the labels of their stream and the daemon's timestamp.
//
// The transfer runs on its own thread until the container stops (the daemon ends the body),
// the transfer fails, or request_stop(); start() runs it again from where it left off (the
// cursor of the last line handed on), so a container that is still listed after a failed
// transfer is read on without loss or repeats.
//
// Positions: lines handed on are numbered 1, 2, 3... per reader; `acknowledged` tells up to which
// number the clients delivered everything, and the cursor below that point is given to
// `save_cursor` (JournalCursorTracker does the bookkeeping), so a restart of logtail resumes
// after the last delivered line.
//
// Thread-safety: start(), request_stop(), join() and save_acknowledged() from one controlling
// thread; the transfer thread calls the sink, `acknowledged` and `save_cursor` (these two also
// from save_acknowledged(), serialized by an internal mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "discovery/docker_api.h"
#include "model/entry.h"
#include "model/labels.h"
#include "sources/docker_log_cursor.h"
#include "sources/docker_log_frames.h"
#include "sources/journal_cursor_tracker.h"

namespace sources {

struct DockerContainerReaderOptions {
  discovery::DockerEndpoint endpoint;
  std::string container_id;
  model::LabelSet stdout_labels;  // empty: the stream's lines are dropped (relabeling dropped them)
  model::LabelSet stderr_labels;
  DockerLogCursor resume;        // where reading starts
  size_t max_line_bytes = 256 * 1024;
  uint64_t ack_source = 0;       // passed to the sink with each line's number
  // Every line numbered up to the result was delivered; null: a line counts as delivered once
  // the sink returns.
  std::function<uint64_t()> acknowledged;
  std::function<void(const std::string& cursor)> save_cursor;  // may be null
};

class DockerContainerReader {
 public:
  using Sink = std::function<void(const model::LabelSet& labels, model::Entry entry, uint64_t ack_source,
                                  uint64_t sequence)>;

  DockerContainerReader(DockerContainerReaderOptions options, Sink sink);
  ~DockerContainerReader();  // request_stop() and join()
  DockerContainerReader(const DockerContainerReader&) = delete;
  DockerContainerReader& operator=(const DockerContainerReader&) = delete;

  // Starts the transfer unless it is running (joins a finished one first).
  void start();
  bool running() const { return running_.load(); }
  void request_stop();
  void join();
  // Saves the cursor of what was acknowledged since the last look.
  void save_acknowledged();

  const std::string& container_id() const { return options_.container_id; }
  std::string last_error() const;
  uint64_t lines() const { return sequence_.load(); }

 private:
  void run();
  void deliver(DockerStream stream, int64_t ts, std::string line);

  DockerContainerReaderOptions options_;
  Sink sink_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> cancel_{false};
  std::atomic<uint64_t> sequence_{0};
  mutable std::mutex mu_;       // guards the fields below
  DockerLogCursor read_cursor_;  // after the last line handed on (or skipped as delivered)
  DockerLogCursor transfer_start_;  // read_cursor_ when the transfer began
  bool skipping_ = false;           // still at lines the transfer may repeat
  uint64_t seen_at_resume_ = 0;     // lines at exactly transfer_start_'s time seen in this transfer
  JournalCursorTracker tracker_;
  std::string error_;
};

}  // namespace sources
