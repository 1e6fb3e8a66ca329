// DockerSource: Promtail's docker_sd_configs target manager. Docker discovery
// (discovery/docker_sd.h) reports the running containers every refresh_interval; each container
// (by id; its first target when it has several networks or ports) becomes a target whose labels
// are its discovered labels plus __meta_docker_container_log_stream ("stdout" or "stderr"),
// relabeled with the scrape config's relabel_configs, "__" labels dropped, as Promtail labels
// each entry. A container whose two streams are both dropped (or left without labels) is not
// read at all. Each kept container is read by a DockerContainerReader from its saved cursor
// (positions key "cursor-<id>"); a container no longer listed is stopped and dropped, a new one
// picked up at the next refresh, one whose transfer ended while still listed read on.
//
// Thread-safety: the discovery thread drives the readers; stop() and
// save_acknowledged_position() from the controlling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "discovery/docker_sd.h"
#include "relabel/relabel_rule.h"
#include "sources/docker_container_reader.h"
#include "sources/source.h"
#include "util/result.h"

namespace sources {

inline constexpr char kDockerLogStreamLabel[] = "__meta_docker_container_log_stream";

// Where a container's lines are acknowledged: an ack source id for the sink, and how far they
// were delivered (see DockerContainerReaderOptions).
struct DockerAckChannel {
  uint64_t source = 0;
  std::function<uint64_t()> acknowledged;
};

struct DockerSourceOptions {
  discovery::DockerSdConfig sd;
  std::vector<relabel::RelabelRule> relabel_rules;
  size_t max_line_bytes = 256 * 1024;  // Promtail's bound when limits_config.max_line_size is 0
  // The positions file: the saved value of a key ("" when none), and saving one (may be null).
  std::function<std::string(const std::string& key)> load_position;
  std::function<void(const std::string& key, const std::string& value)> save_position;
  // The ack channel of a container's cursor key; null: lines count as delivered once handed on.
  std::function<DockerAckChannel(const std::string& key)> open_ack;
};

// The labels of a container's `stream` lines ("stdout", "stderr"): the target's labels with the
// stream meta label, relabeled, "__" labels dropped; empty when dropped.
model::LabelSet docker_stream_labels(const model::LabelSet& target, std::string_view stream,
                                     const std::vector<relabel::RelabelRule>& rules);

class DockerSource final : public Source {
 public:
  using Sink = DockerContainerReader::Sink;

  // Creates the discovery and starts it; containers are read as they are discovered.
  static util::Result<std::unique_ptr<DockerSource>> start(DockerSourceOptions options, Sink sink);
  ~DockerSource() override;

  void stop() override;
  void save_acknowledged_position() override;

  // Containers being read / discovered but dropped by relabeling (for /targets and tests).
  size_t containers_read() const;
  size_t containers_dropped() const;

 private:
  DockerSource(DockerSourceOptions options, Sink sink, discovery::DockerEndpoint endpoint)
      : options_(std::move(options)), sink_(std::move(sink)), endpoint_(std::move(endpoint)) {}
  void sync(const std::vector<discovery::TargetGroup>& groups);

  DockerSourceOptions options_;
  Sink sink_;
  discovery::DockerEndpoint endpoint_;
  std::unique_ptr<discovery::DockerDiscovery> discovery_;
  mutable std::mutex mu_;  // guards the fields below
  std::map<std::string, std::unique_ptr<DockerContainerReader>> readers_;  // by container id
  std::vector<std::unique_ptr<DockerContainerReader>> retiring_;  // stopping; joined later
  size_t dropped_ = 0;
  bool stopped_ = false;
};

}  // namespace sources
