// PipelineRunner: the one thread between the line queue and the clients. It runs each line
// through its scrape config's stage pipeline (compiled once), flushes buffering stages
// (multiline, cri) every 100ms, and hands what comes out to every client (or to the dry-run
// printer), recording each entry's file position with the AckRouter so positions advance only
// once every client has settled it.
//
// Positions and buffering stages: an entry emitted by a buffering pipeline may join several
// lines, so it is credited with the offset of the line before the one being processed (what
// the stage can no longer be holding), and entries emitted by a timed flush with none; after a
// clean shutdown every fed line is acknowledged. After a crash, at most the lines a buffering
// stage was holding are read again. Non-buffering pipelines credit each line exactly.
//
// Thread-safety: start()/finish() from the controlling thread; the work runs on its thread.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/client.h"
#include "logtail/ack_router.h"
#include "logtail/line_queue.h"
#include "stages/pipeline.h"
#include "util/clock.h"
#include "util/token_bucket.h"

namespace logtail {

class PipelineRunner {
 public:
  // `pipelines[i]` processes lines of scrape config i. `clients` empty with `dry_run_out` set:
  // print instead of push. Pointers must outlive the runner.
  // `clock` paces the flushes of buffering stages.
  PipelineRunner(std::vector<stages::Pipeline>* pipelines, std::vector<std::unique_ptr<client::Client>>* clients,
                 AckRouter* acks, ScrapeLineQueue* queue, std::FILE* dry_run_out,
                 util::Clock& clock = util::system_clock());
  ~PipelineRunner();

  // limits_config.readline_rate*: one token bucket over every entry that leaves the pipelines,
  // whatever its source, as Promtail's global limiter. `drop`: an entry over the limit is
  // dropped (settled, counted as logentry_dropped_lines_total{reason="global_rate_limiter_drop"}
  // in `registry`); otherwise the runner waits for a token (back-pressure on every source).
  // Call before start().
  struct ReadlineLimit {
    double rate = 0;  // lines per second
    int64_t burst = 0;
    bool drop = true;
  };
  void set_readline_limit(const ReadlineLimit& limit, std::shared_ptr<stages::MetricRegistry> registry);

  void start();
  // Asks the thread to finish once the queue is empty (the caller has closed its input), drain
  // the pipelines and return. Blocks until then or `deadline`; true when it finished.
  bool finish(std::chrono::steady_clock::time_point deadline);
  // Joins the thread (after finish(); a push blocked on a stopped client returns at once).
  void join();

  // Runs one line that does not come through the queue (stdin, syslog, pushes, the journal),
  // from any thread. `position` (source 0: none) is acknowledged like a file line's: the
  // journal registers a source with the AckRouter and numbers its entries as offsets.
  // `cancellable`: cancel_unqueued() may make its pushes give up (sources that lose nothing by
  // it: the journal re-reads from its cursor, syslog senders get no acknowledgement anyway).
  void process_unqueued(size_t scrape_index, const model::LabelSet& labels, std::string line, int64_t read_time_ns,
                        client::SourcePosition position = {}, bool cancellable = false);
  // Drains the pipelines' held entries (stdin reader at end of input).
  void drain_all();

  // After every client settled everything: acknowledge the last line fed of every source that
  // went through a buffering pipeline.
  void acknowledge_all_fed();
  // Shutdown: cancellable pushes from process_unqueued() that wait for room in a client queue
  // give up (the entry is not acknowledged; a journal cursor stays before it), so that those
  // sources can be stopped while the clients still drain what the tailers read.
  void cancel_unqueued();

 private:
  void run();
  void handle(QueuedScrapeLine& line);
  // Runs `e` through `pipeline` and ships what comes out, crediting `position`.
  void run_pipeline(stages::Pipeline& pipeline, stages::Entry& e, client::SourcePosition position);
  void ship(stages::Entry& entry, client::SourcePosition position);
  // Hands what ship() collected to every client (one queue lock per client for many entries).
  void deliver();
  // The shared copy of `labels` handed to the clients: one of the recently shipped sets when
  // equal (most lines repeat one of a few), so that shipping a line copies no labels.
  std::shared_ptr<const model::LabelSet> shared_labels(const model::LabelSet& labels);
  void flush_buffered(int64_t now_ns);

  std::vector<stages::Pipeline>* const pipelines_;
  std::vector<std::unique_ptr<client::Client>>* const clients_;
  AckRouter* const acks_;
  ScrapeLineQueue* const queue_;
  std::FILE* const dry_run_out_;
  util::Clock& clock_;

  // What the readline limit lets an entry do: go on (after waiting for a token when not
  // dropping), be dropped, or neither (a cancellable push given up at shutdown).
  enum class Admission { kShip, kDrop, kGiveUp };
  Admission admit_readline();
  std::optional<util::TokenBucket> readline_bucket_;  // guarded by run_mu_
  bool readline_drop_ = true;
  std::shared_ptr<stages::MetricRegistry> registry_;

  std::mutex run_mu_;  // one thread at a time drives the pipelines
  bool shipping_cancellable_ = false;  // guarded by run_mu_: a cancellable process_unqueued runs
  std::atomic<bool> unqueued_cancel_{false};
  stages::Entry scratch_;  // reused line after line: its label set and strings keep their capacity
  std::vector<std::shared_ptr<const model::LabelSet>> recent_labels_;  // most recently shipped first
  const tail::FileCursor* last_cursor_ = nullptr;  // the cursor of the last queued line, and its source id
  uint64_t last_source_ = 0;
  std::vector<client::Entry> outbox_;  // shipped, not yet handed to the clients (delivered before run_mu_ is released)
  struct Fed {
    int64_t last_fed = 0;     // end offset of the last line fed to a buffering pipeline
    int64_t last_pushed = 0;  // highest offset credited to an entry
  };
  std::unordered_map<uint64_t, Fed> fed_;  // buffering pipelines only

  std::atomic<bool> finishing_{false};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace logtail
