#include "sources/docker_container_reader.h"

#include <cstdio>

#include "util/strings.h"

namespace sources {

DockerContainerReader::DockerContainerReader(DockerContainerReaderOptions options, Sink sink)
    : options_(std::move(options)), sink_(std::move(sink)), read_cursor_(options_.resume) {}

DockerContainerReader::~DockerContainerReader() {
  request_stop();
  join();
}

void DockerContainerReader::start() {
  if (running_.load()) return;
  join();
  cancel_ = false;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void DockerContainerReader::request_stop() { cancel_ = true; }

void DockerContainerReader::join() {
  if (thread_.joinable()) thread_.join();
}

std::string DockerContainerReader::last_error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void DockerContainerReader::save_acknowledged() {
  std::lock_guard lock(mu_);
  const uint64_t acked = options_.acknowledged ? options_.acknowledged() : sequence_.load();
  if (auto cursor = tracker_.advance(acked); cursor && options_.save_cursor) options_.save_cursor(*cursor);
}

void DockerContainerReader::deliver(DockerStream stream, int64_t ts, std::string line) {
  std::string cursor;
  {
    std::lock_guard lock(mu_);
    // A transfer asks from the cursor's time on (inclusive): skip what was delivered before,
    // which can only be the first lines of the transfer.
    if (skipping_) {
      if (transfer_start_.already_delivered(ts, seen_at_resume_)) return;
      skipping_ = false;
    }
    read_cursor_ = read_cursor_.after(ts);
    cursor = read_cursor_.to_string();
  }
  const model::LabelSet& labels = stream == DockerStream::kStderr ? options_.stderr_labels : options_.stdout_labels;
  if (labels.empty()) {
    std::lock_guard lock(mu_);
    tracker_.filtered(std::move(cursor));
    return;
  }
  const uint64_t seq = sequence_.load() + 1;
  {
    std::lock_guard lock(mu_);
    tracker_.handed_on(seq, std::move(cursor));
  }
  sequence_ = seq;
  sink_(labels, model::Entry{ts, std::move(line), {}}, options_.ack_source, seq);
}

void DockerContainerReader::run() {
  httpclient::Connection connection;
  auto fail = [&](std::string message) {
    if (!cancel_.load()) {
      std::fprintf(stderr, "level=warn component=docker container=%s msg=\"reading logs\" err=\"%s\"\n",
                   options_.container_id.c_str(), message.c_str());
    }
    std::lock_guard lock(mu_);
    error_ = std::move(message);
  };
  const std::string base = "/containers/" + httpclient::uri_encode(options_.container_id, false);
  httpclient::Request inspect = discovery::docker_request(options_.endpoint, base + "/json");
  inspect.timeout_ms = 30'000;
  inspect.cancel = &cancel_;
  httpclient::Response info = connection.perform(inspect);
  bool tty = false;
  if (!info.ok()) {
    fail("GET " + base + "/json: " + (info.transport_ok() ? "HTTP " + std::to_string(info.status) : info.error));
    running_ = false;
    return;
  }
  if (auto t = discovery::parse_docker_container_tty(info.body); t.ok()) {
    tty = *t;
  } else {
    fail(t.error());
    running_ = false;
    return;
  }

  std::string since;
  {
    std::lock_guard lock(mu_);
    since = read_cursor_.since();
    transfer_start_ = read_cursor_;
    seen_at_resume_ = 0;
    skipping_ = true;
    error_.clear();
  }
  DockerLineAssembler out([&](int64_t ts, std::string line) { deliver(DockerStream::kStdout, ts, std::move(line)); },
                          options_.max_line_bytes);
  DockerLineAssembler err([&](int64_t ts, std::string line) { deliver(DockerStream::kStderr, ts, std::move(line)); },
                          options_.max_line_bytes);
  DockerFrameDemuxer demux(
      tty, [&](DockerStream s, std::string_view frame) { (s == DockerStream::kStderr ? err : out).add_frame(frame); },
      [&](std::string_view message) { fail("the daemon reported: " + std::string(util::trim(message))); });
  httpclient::Request logs = discovery::docker_request(
      options_.endpoint,
      base + "/logs?follow=true&stdout=true&stderr=true&timestamps=true&since=" + since);
  logs.cancel = &cancel_;
  bool malformed = false;
  logs.on_data = [&](std::string_view bytes) {
    if (cancel_.load()) return false;
    malformed = !demux.feed(bytes);
    return !malformed;
  };
  logs.on_response = [](const httpclient::Response& r) { return r.status / 100 == 2; };
  httpclient::Response r = connection.perform(logs);
  if (r.status / 100 != 2) {
    fail("GET " + base + "/logs: " + (r.transport_ok() || r.status != 0 ? "HTTP " + std::to_string(r.status) : r.error));
  } else if (malformed) {
    fail("GET " + base + "/logs: a malformed stream frame header");
  } else if (!r.transport_ok()) {
    fail("GET " + base + "/logs: " + r.error);
  } else {
    // The daemon ended the body: the container stopped. A last line without "\n" is complete.
    demux.finish();
    out.finish();
    err.finish();
  }
  save_acknowledged();
  running_ = false;
}

}  // namespace sources
