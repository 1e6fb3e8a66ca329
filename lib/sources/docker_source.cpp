#include "sources/docker_source.h"

#include <set>

#include "relabel/relabel.h"

namespace sources {

model::LabelSet docker_stream_labels(const model::LabelSet& target, std::string_view stream,
                                     const std::vector<relabel::RelabelRule>& rules) {
  model::LabelSet labels = target;
  labels.set(kDockerLogStreamLabel, stream);
  if (!relabel::apply_rules(rules, labels)) return {};
  relabel::drop_reserved_labels(labels);
  return labels;
}

util::Result<std::unique_ptr<DockerSource>> DockerSource::start(DockerSourceOptions options, Sink sink) {
  auto endpoint = discovery::docker_endpoint(options.sd);
  if (!endpoint.ok()) return endpoint.status_error();
  auto d = discovery::DockerDiscovery::create(options.sd);
  if (!d.ok()) return d.status_error();
  std::unique_ptr<DockerSource> s(new DockerSource(std::move(options), std::move(sink), std::move(*endpoint)));
  s->discovery_ = std::move(*d);
  DockerSource* raw = s.get();
  s->discovery_->start([raw](std::vector<discovery::TargetGroup> groups) { raw->sync(groups); });
  return s;
}

DockerSource::~DockerSource() { stop(); }

void DockerSource::sync(const std::vector<discovery::TargetGroup>& groups) {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  std::set<std::string> listed;
  size_t dropped = 0;
  for (const discovery::TargetGroup& g : groups) {
    for (const model::LabelSet& target : discovery::merged_targets(g)) {
      auto id = target.get(discovery::kDockerMetaContainerId);
      if (!id || !listed.insert(std::string(*id)).second) continue;  // one target per container
      const std::string cid(*id);
      auto it = readers_.find(cid);
      if (it != readers_.end()) {
        it->second->save_acknowledged();
        it->second->start();  // no-op while running; reads on after a transfer that ended
        continue;
      }
      model::LabelSet out = docker_stream_labels(target, "stdout", options_.relabel_rules);
      model::LabelSet err = docker_stream_labels(target, "stderr", options_.relabel_rules);
      if (out.empty() && err.empty()) {
        ++dropped;
        continue;
      }
      DockerContainerReaderOptions o;
      o.endpoint = endpoint_;
      o.container_id = cid;
      o.stdout_labels = std::move(out);
      o.stderr_labels = std::move(err);
      o.max_line_bytes = options_.max_line_bytes;
      const std::string key = docker_cursor_key(cid);
      if (options_.load_position) {
        if (auto c = parse_docker_log_cursor(options_.load_position(key))) o.resume = *c;
      }
      if (options_.open_ack) {
        DockerAckChannel ack = options_.open_ack(key);
        o.ack_source = ack.source;
        o.acknowledged = std::move(ack.acknowledged);
      }
      if (options_.save_position) {
        o.save_cursor = [save = options_.save_position, key](const std::string& cursor) { save(key, cursor); };
      }
      auto reader = std::make_unique<DockerContainerReader>(std::move(o), sink_);
      reader->start();
      readers_.emplace(cid, std::move(reader));
    }
  }
  // Containers no longer running: stop reading them (joined once their transfer returned).
  for (auto it = readers_.begin(); it != readers_.end();) {
    if (listed.count(it->first)) {
      ++it;
      continue;
    }
    it->second->request_stop();
    retiring_.push_back(std::move(it->second));
    it = readers_.erase(it);
  }
  for (auto it = retiring_.begin(); it != retiring_.end();) {
    if ((*it)->running()) {
      ++it;
      continue;
    }
    (*it)->join();
    (*it)->save_acknowledged();
    it = retiring_.erase(it);
  }
  dropped_ = dropped;
}

void DockerSource::stop() {
  if (discovery_) discovery_->stop();  // no sync() after this
  std::lock_guard lock(mu_);
  if (stopped_) return;
  stopped_ = true;
  for (auto& [id, r] : readers_) r->request_stop();
  for (auto& r : retiring_) r->request_stop();
  for (auto& [id, r] : readers_) r->join();
  for (auto& r : retiring_) r->join();
}

void DockerSource::save_acknowledged_position() {
  std::lock_guard lock(mu_);
  for (auto& [id, r] : readers_) r->save_acknowledged();
  for (auto& r : retiring_) r->save_acknowledged();
}

size_t DockerSource::containers_read() const {
  std::lock_guard lock(mu_);
  return readers_.size();
}

size_t DockerSource::containers_dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

}  // namespace sources
