// App's internals, shared by app.cpp (lifecycle) and app_pages.cpp (/metrics, /targets).
// Not part of the public API.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "client/metrics.h"
#include "discovery/discovery_set.h"
#include "logtail/ack_router.h"
#include "logtail/app.h"
#include "logtail/line_queue.h"
#include "logtail/pipeline_runner.h"
#include "logtail/targets.h"
#include "positions/positions_store.h"
#include "positions/positions_syncer.h"
#include "sources/source.h"
#include "stages/metric_registry.h"
#include "stages/pipeline.h"
#include "tail/target_manager.h"

namespace logtail {

struct App::Impl {
  Config config;
  AppOptions options;
  std::string hostname;

  std::shared_ptr<stages::MetricRegistry> registry;
  std::shared_ptr<client::ClientMetrics> client_metrics = std::make_shared<client::ClientMetrics>();
  std::vector<stages::Pipeline> pipelines;  // one per scrape config
  std::vector<ScrapeTargets> targets;       // one per scrape config; discovery replaces them
  mutable std::mutex targets_mu;            // guards targets once started (discovery threads)
  std::unique_ptr<positions::PositionsStore> positions;
  std::unique_ptr<AckRouter> acks;
  std::vector<std::unique_ptr<client::Client>> clients;
  std::unique_ptr<ScrapeLineQueue> queue;
  std::vector<std::unique_ptr<tail::TargetManager>> managers;  // one per scrape config (file mode)
  // One per scrape config (null without file_sd/kubernetes_sd): feeds managers[i] as targets change.
  std::vector<std::unique_ptr<discovery::DiscoverySet>> discovery;
  std::unique_ptr<PipelineRunner> runner;
  // Sources that read by themselves (syslog, gelf, loki_push_api, journal), in config order: they feed
  // the runner directly; the journal keeps its cursor under "journal-<job>".
  std::vector<std::unique_ptr<sources::Source>> sources;

  std::unique_ptr<positions::PositionsSyncer> syncer;  // positions.sync_period, on options.clock

  std::thread stdin_reader;
  std::atomic<bool> stdin_finished{false};
  std::atomic<bool> stdin_stop{false};  // stop() asks the reader to return
  bool stdin_mode = false;
  bool started = false;
  bool stopped = false;
};

}  // namespace logtail
