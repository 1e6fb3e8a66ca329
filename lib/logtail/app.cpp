// App: lifecycle (see app.h). Pages are in app_pages.cpp.
#include "logtail/app.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>

#include "discovery/file_sd.h"
#include "discovery/kubernetes_sd.h"
#include "logtail/app_impl.h"
#include "sources/gelf_listener.h"
#include "sources/journal_reader.h"
#include "sources/push_receiver.h"
#include "sources/syslog_listener.h"
#include "stages/stages_yaml.h"

namespace logtail {
namespace {

// Promtail's stdin reader: lines without their trailing "\r\n", empty lines skipped.
void read_stdin(App::Impl& impl, const model::LabelSet& labels) {
  std::string pending;
  char buf[64 * 1024];
  auto emit = [&](std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (line.empty()) return;
    impl.runner->process_unqueued(0, labels, std::string(line), impl.options.clock->now_ns());
  };
  while (!impl.stdin_stop.load()) {
    // poll with a timeout so that stop() is not held up by a terminal that never sends EOF.
    pollfd pfd{impl.options.stdin_fd, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 100);
    if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    ssize_t n = ::read(impl.options.stdin_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::string_view chunk(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = chunk.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      if (pending.empty()) {
        emit(chunk.substr(start, nl - start));
      } else {
        pending.append(chunk.substr(start, nl - start));
        emit(pending);
        pending.clear();
      }
    }
    pending.append(chunk.substr(start));
  }
  emit(pending);
  impl.runner->drain_all();
  impl.stdin_finished = true;
}

// The discoverers of one scrape config (file_sd_configs, kubernetes_sd_configs); null when it
// has none, so static-only configs keep their fixed targets.
util::Result<std::unique_ptr<discovery::DiscoverySet>> make_discovery(const ScrapeConfig& sc, size_t index,
                                                                      bool use_inotify) {
  std::vector<std::unique_ptr<discovery::Discoverer>> discoverers;
  for (const FileSdConfig& f : sc.file_sd_configs) {
    discoverers.push_back(std::make_unique<discovery::FileDiscovery>(discovery::FileDiscoveryOptions{
        .patterns = f.files, .refresh_interval_ns = f.refresh_interval, .use_inotify = use_inotify}));
  }
  for (size_t k = 0; k < sc.kubernetes_sd_configs.size(); ++k) {
    auto d = discovery::KubernetesDiscovery::create(sc.kubernetes_sd_configs[k]);
    if (!d.ok()) {
      return util::prefixed("scrape_configs[" + std::to_string(index) + "].kubernetes_sd_configs[" + std::to_string(k) +
                         "]: ", d.status_error());
    }
    discoverers.push_back(std::move(*d));
  }
  if (discoverers.empty()) return std::unique_ptr<discovery::DiscoverySet>();
  return std::make_unique<discovery::DiscoverySet>(static_target_groups(sc), std::move(discoverers));
}

// Starts the syslog and GELF listeners and push receivers of the scrape configs. Their entries go
// through their scrape config's pipeline like tailed lines, but carry no file position.
util::Status start_listening_sources(App::Impl& m) {
  for (size_t i = 0; i < m.config.scrape_configs.size(); ++i) {
    const ScrapeConfig& sc = m.config.scrape_configs[i];
    const std::string where = "scrape_configs[" + std::to_string(i) + "] (" + sc.job_name + "): ";
    if (sc.syslog) {
      const SyslogSourceConfig& c = *sc.syslog;
      sources::SyslogListenerOptions o;
      o.listen_address = c.listen_address;
      o.listen_protocol = c.listen_protocol;
      o.idle_timeout_ns = c.idle_timeout;
      o.max_message_length = static_cast<size_t>(c.max_message_length);
      o.rfc3164 = c.syslog_format == "rfc3164";
      o.rfc3164_default_to_current_year = c.rfc3164_default_to_current_year;
      o.label_structured_data = c.label_structured_data;
      o.use_incoming_timestamp = c.use_incoming_timestamp;
      o.use_rfc5424_message = c.use_rfc5424_message;
      o.tls = {c.tls_config.cert_file, c.tls_config.key_file, c.tls_config.ca_file};
      o.labels = c.labels;
      o.relabel_rules = sc.relabel_configs;
      o.clock = m.options.clock;
      auto l = sources::SyslogListener::start(std::move(o), [&m, i](model::LabelSet labels, model::Entry e) {
        m.runner->process_unqueued(i, labels, std::move(e.line), e.timestamp, {}, /*cancellable=*/true);
      });
      if (!l.ok()) return util::prefixed(where, l.status_error());
      m.sources.push_back(std::move(*l));
    }
    if (sc.gelf) {
      sources::GelfListenerOptions o;
      o.listen_address = sc.gelf->listen_address;
      o.use_incoming_timestamp = sc.gelf->use_incoming_timestamp;
      o.labels = sc.gelf->labels;
      o.relabel_rules = sc.relabel_configs;
      o.clock = m.options.clock;
      auto l = sources::GelfListener::start(std::move(o), [&m, i](model::LabelSet labels, model::Entry e) {
        m.runner->process_unqueued(i, labels, std::move(e.line), e.timestamp, {}, /*cancellable=*/true);
      });
      if (!l.ok()) return util::prefixed(where, l.status_error());
      m.sources.push_back(std::move(*l));
    }
    if (sc.loki_push_api) {
      const PushApiSourceConfig& c = *sc.loki_push_api;
      sources::PushReceiverOptions o;
      o.listen_address = c.http_listen_address;
      o.listen_port = static_cast<uint16_t>(c.http_listen_port);
      o.labels = c.labels;
      o.use_incoming_timestamp = c.use_incoming_timestamp;
      o.relabel_rules = sc.relabel_configs;
      o.clock = m.options.clock;
      auto r = sources::PushReceiver::start(std::move(o), [&m, i](model::LabelSet labels,
                                                                 std::vector<model::Entry> entries) {
        for (model::Entry& e : entries) m.runner->process_unqueued(i, labels, std::move(e.line), e.timestamp);
      });
      if (!r.ok()) return util::prefixed(where, r.status_error());
      m.sources.push_back(std::move(*r));
    }
    if (sc.journal) {
      const JournalSourceConfig& c = *sc.journal;
      sources::JournalReaderOptions o;
      o.path = c.path;
      o.matches = c.matches;
      o.max_age_ns = c.max_age;
      o.json = c.json;
      o.labels = c.labels;
      o.relabel_rules = sc.relabel_configs;
      o.clock = m.options.clock;
      // Promtail's positions key for the journal. Its cursor advances only once every client
      // acknowledged the entries before it, like file offsets: the journal is one AckRouter
      // source (a FileCursor named after the key) whose "offsets" are the entries' numbers.
      std::string key = "journal-" + sc.job_name;
      o.cursor = m.positions->get_string(key);
      auto acked = std::make_shared<tail::FileCursor>(key, positions::FileId{}, model::LabelSet(), 0);
      const uint64_t source = m.acks->source_for(acked);
      o.acknowledged = [acked] { return static_cast<uint64_t>(acked->acknowledged()); };
      o.save_cursor = [&m, key](const std::string& cursor) {
        if (!m.options.dry_run) m.positions->put_string(key, cursor);
      };
      auto j = sources::JournalReader::start(std::move(o), [&m, i, source](model::LabelSet labels, model::Entry e,
                                                                         uint64_t sequence) {
        m.runner->process_unqueued(i, labels, std::move(e.line), e.timestamp,
                                   client::SourcePosition{source, static_cast<int64_t>(sequence)},
                                   /*cancellable=*/true);
      });
      if (!j.ok()) return util::prefixed(where, j.status_error());
      m.sources.push_back(std::move(*j));
    }
  }
  return {};
}

}  // namespace

// Builds a stopped App's internals from a config: pipelines, clients, positions (create() and
// reload()).
util::Result<std::unique_ptr<App::Impl>> build_impl(Config config, AppOptions options);

App::App(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
App::~App() { stop(); }

const Config& App::config() const {
  std::shared_lock lock(mu_);
  return impl_->config;
}
bool App::stdin_finished() const {
  std::shared_lock lock(mu_);
  return impl_->stdin_finished.load();
}

util::Result<std::unique_ptr<App>> App::create(Config config, AppOptions options) {
  auto impl = build_impl(std::move(config), std::move(options));
  if (!impl.ok()) return impl.status_error();
  return std::unique_ptr<App>(new App(std::move(*impl)));
}

util::Status App::reload(Config next) {
  std::unique_lock lock(mu_);
  if (impl_->stdin_mode) return util::Error{"reload: not available when reading standard input"};
  const bool was_started = impl_->started;
  Config previous = impl_->config;
  AppOptions options = impl_->options;
  options.hostname = impl_->hostname;
  // The HTTP server keeps running with the first server block: Promtail does not rebind it either.
  next.server = previous.server;
  stop_locked();  // syncs acknowledged positions, frees the listening ports
  auto fresh = build_impl(std::move(next), options);
  std::string error;
  if (fresh.ok()) {
    impl_ = std::move(*fresh);
    util::Status st = was_started ? start_locked() : util::Status();
    if (st.ok()) return {};
    error = st.error();
    stop_locked();
  } else {
    error = fresh.error();
  }
  // Back to the configuration that was running: it was valid a moment ago.
  auto old = build_impl(std::move(previous), options);
  if (!old.ok()) return util::Error{"reload: " + error + "; restoring the previous config failed: " + old.error()};
  impl_ = std::move(*old);
  if (was_started) {
    if (auto st = start_locked(); !st.ok()) {
      return util::Error{"reload: " + error + "; restarting the previous config failed: " + st.error()};
    }
  }
  return util::Error{"reload: " + error + " (the previous config keeps running)"};
}

util::Result<std::unique_ptr<App::Impl>> build_impl(Config config, AppOptions options) {
  auto impl = std::make_unique<App::Impl>();
  impl->hostname = options.hostname.empty() ? local_hostname() : options.hostname;
  impl->stdin_mode = options.read_stdin || config.target_config.stdin;
  impl->config = std::move(config);
  impl->options = options;
  if (!impl->options.clock) impl->options.clock = &util::system_clock();
  util::Clock& clock = *impl->options.clock;
  impl->registry = std::make_shared<stages::MetricRegistry>(clock);
  const Config& c = impl->config;

  // Pipelines: one per scrape config (stdin uses the first; without one, an empty pipeline).
  for (size_t i = 0; i < c.scrape_configs.size(); ++i) {
    const ScrapeConfig& sc = c.scrape_configs[i];
    auto specs = stages::parse_pipeline_stages(sc.pipeline_stages,
                                               "scrape_configs[" + std::to_string(i) + "].pipeline_stages");
    if (!specs.ok()) return specs.status_error();
    auto p = stages::Pipeline::compile(*specs, {.registry = impl->registry, .job_name = sc.job_name, .clock = &clock});
    if (!p.ok()) return p.status_error();  // names the stage's key path
    impl->pipelines.push_back(std::move(*p));
    impl->targets.push_back(build_file_targets(sc, impl->hostname));
    auto ds = make_discovery(sc, i, options.use_inotify);
    if (!ds.ok()) return ds.status_error();
    impl->discovery.push_back(std::move(*ds));
  }
  if (impl->pipelines.empty()) {
    auto p = stages::Pipeline::compile({}, {.registry = impl->registry, .clock = &clock});
    impl->pipelines.push_back(std::move(*p));
  }

  const size_t nclients = options.dry_run ? 0 : c.clients.size();
  if (!options.dry_run && nclients == 0) return util::Error{"clients: at least one client is required (or -dry-run)"};
  auto store = positions::PositionsStore::open({.filename = c.positions.filename,
                                                .ignore_invalid_yaml = c.positions.ignore_invalid_yaml,
                                                .read_only = options.dry_run});
  if (!store.ok()) return store.status_error();
  impl->positions = std::move(*store);
  impl->acks = std::make_unique<AckRouter>(nclients);
  App::Impl* raw = impl.get();
  for (size_t i = 0; i < nclients; ++i) {
    client::ClientOptions co;
    co.max_queued_bytes = options.client_queue_bytes;
    co.max_streams = static_cast<size_t>(c.limits_config.max_streams);
    co.max_line_size = static_cast<size_t>(c.limits_config.max_line_size);
    co.max_line_size_truncate = c.limits_config.max_line_size_truncate;
    co.metrics = impl->client_metrics;
    co.on_ack = [raw, i](const client::BatchOutcome& outcome) { raw->acks->on_outcome(i, outcome); };
    auto cl = client::Client::create(c.clients[i], std::move(co));
    if (!cl.ok()) return util::prefixed("clients[" + std::to_string(i) + "]: ", cl.status_error());
    impl->clients.push_back(std::move(*cl));
  }
  impl->queue = std::make_unique<ScrapeLineQueue>(options.queue_max_lines, options.queue_max_bytes);
  impl->runner = std::make_unique<PipelineRunner>(&impl->pipelines, &impl->clients, impl->acks.get(),
                                                  impl->queue.get(), options.dry_run_out, clock);
  if (c.limits_config.readline_rate_enabled) {
    impl->runner->set_readline_limit({.rate = c.limits_config.readline_rate,
                                      .burst = c.limits_config.readline_burst,
                                      .drop = c.limits_config.readline_rate_drop},
                                     impl->registry);
  }
  return impl;
}

util::Status App::start() {
  std::unique_lock lock(mu_);
  return start_locked();
}

util::Status App::start_locked() {
  Impl& m = *impl_;
  if (m.started) return {};
  m.started = true;
  m.runner->start();
  if (m.stdin_mode) {
    model::LabelSet labels = stdin_labels(m.config, m.hostname);
    m.stdin_reader = std::thread([this, labels] { read_stdin(*impl_, labels); });
  } else {
    tail::TargetManagerOptions to;
    to.sync_period_ns = m.config.target_config.sync_period;
    to.min_poll_ns = m.config.file_watch_config.min_poll_frequency;
    to.max_poll_ns = m.config.file_watch_config.max_poll_frequency;
    to.use_inotify = m.options.use_inotify;
    to.clock = m.options.clock;
    for (size_t i = 0; i < m.config.scrape_configs.size(); ++i) {
      auto tm = std::make_unique<tail::TargetManager>(to, m.positions.get(), m.queue->consumer_for(i));
      if (auto st = tm->set_targets(m.targets[i].active); !st.ok()) {
        return util::prefixed("scrape_configs[" + std::to_string(i) + "] (" + m.config.scrape_configs[i].job_name +
                           "): ", st.status_error());
      }
      m.managers.push_back(std::move(tm));
    }
    m.queue->set_space_callback([&m] {
      for (auto& tm : m.managers) tm->wake();
    });
    for (auto& tm : m.managers) tm->start();
    if (auto st = start_listening_sources(m); !st.ok()) return st;
    // Discovered targets replace a manager's targets, and what /targets shows, whenever
    // discovery changes (the static ones are part of every update).
    for (size_t i = 0; i < m.discovery.size(); ++i) {
      if (!m.discovery[i]) continue;
      m.discovery[i]->start([&m, i](const std::vector<discovery::TargetGroup>& groups) {
        ScrapeTargets t = build_targets_from_groups(m.config.scrape_configs[i], groups, m.hostname);
        if (auto st = m.managers[i]->set_targets(t.active); !st.ok()) {
          std::fprintf(stderr, "level=error msg=\"discovered targets\" job=%s err=\"%s\"\n",
                       m.config.scrape_configs[i].job_name.c_str(), st.error().c_str());
        }
        std::lock_guard lock(m.targets_mu);
        m.targets[i] = std::move(t);
      });
    }
  }
  m.syncer = std::make_unique<positions::PositionsSyncer>(*m.positions, m.config.positions.sync_period,
                                                          *m.options.clock);
  return {};
}

bool App::stop() {
  std::unique_lock lock(mu_);
  return stop_locked();
}

bool App::stop_locked() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return true;
  m.stopped = true;
  const auto deadline = std::chrono::steady_clock::now() + m.options.shutdown_timeout;
  for (auto& ds : m.discovery) {
    if (ds) ds->stop();  // no target changes while shutting down
  }
  // 1. Stop reading, but keep the tailers: their positions are recorded only once the clients
  //    have settled what was read. Sources that push directly give up a push blocked on a full
  //    client queue (logd down) first, or stopping them would wait for logd.
  m.runner->cancel_unqueued();
  for (auto& s : m.sources) s->stop();  // no more unqueued entries after these
  m.queue->close_input();
  m.stdin_stop = true;
  if (m.stdin_reader.joinable()) m.stdin_reader.join();
  // 2. Run what was read through the pipelines; a push blocked on a down logd stays blocked
  //    until the clients stop below.
  bool ran_all = m.runner->finish(deadline);
  // 3. Flush the clients within what is left of the timeout.
  bool delivered = true;
  for (auto& cl : m.clients) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    delivered = cl->stop(std::max(left, std::chrono::milliseconds(0))) && delivered;
  }
  m.queue->set_space_callback(nullptr);
  m.runner->join();
  if (ran_all && delivered) m.runner->acknowledge_all_fed();
  // 4. Record acknowledged positions, then write them.
  for (auto& tm : m.managers) tm->stop();
  for (auto& s : m.sources) s->save_acknowledged_position();
  if (m.syncer) m.syncer->stop();
  bool synced = m.positions->close().ok();
  return ran_all && delivered && synced;
}

bool App::ready() const {
  std::shared_lock lock(mu_);
  const Impl& m = *impl_;
  if (!m.started) return false;
  if (m.stdin_mode || !m.config.server.health_check_target) return true;
  if (!m.sources.empty()) return true;
  for (const auto& tm : m.managers) {
    if (tm->files_active() > 0) return true;
  }
  return false;
}

}  // namespace logtail
