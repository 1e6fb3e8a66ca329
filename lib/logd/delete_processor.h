// DeleteProcessor: carries out delete requests (the delete API with deletion_mode
// filter-and-delete and compactor.retention_enabled) on the stored chunks, as Loki's compactor
// does. At start and every compactor.compaction_interval, each request shard whose cancel period
// has passed is applied to every store (one per schema period, each under its maintenance lock:
// a local directory's flock, a bucket's lease), then marked processed. Until then the querier
// hides the matched lines (deletion/delete_filter_source.h), so processing late loses nothing.
//
// A shard that fails on one store stays unprocessed and is tried again next interval (deleting
// entries already gone is a no-op).
//
// Thread-safety: start()/stop() from one thread; run_once() may be called while stopped.
#pragma once

#include <cstdint>
#include <stop_token>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "deletion/delete_store.h"
#include "logd/logger.h"
#include "maint/target.h"
#include "util/clock.h"

namespace logd {

struct DeleteProcessorOptions {
  struct Store {
    maint::Target target;
    std::string data_dir;  // a local store's data directory (its maint.lock); "" for a bucket
  };
  std::vector<Store> stores;
  std::string owner;  // names the lease holder: the writer id
  int64_t interval_ns = 10LL * 60 * 1'000'000'000;
  int64_t cancel_period_ns = 24LL * 3600 * 1'000'000'000;
  // Whether a tenant's requests are carried out in the chunks (its deletion_mode is
  // filter-and-delete, asked at each pass); unset: every tenant's are.
  std::function<bool(const std::string& tenant)> deletes_chunks;
};

class DeleteProcessor {
 public:
  DeleteProcessor(DeleteProcessorOptions options, deletion::DeleteRequestStore& requests, const Logger& logger,
                  util::Clock& clock);
  ~DeleteProcessor();  // stop()

  void start();
  void stop();
  // One pass over every due request shard. Returns the entries deleted.
  uint64_t run_once(std::stop_token stop = {});

 private:
  DeleteProcessorOptions options_;
  deletion::DeleteRequestStore& requests_;
  const Logger& logger_;
  util::Clock& clock_;
  std::jthread thread_;
};

}  // namespace logd
