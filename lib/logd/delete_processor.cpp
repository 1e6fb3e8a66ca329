#include "logd/delete_processor.h"

#include "deletion/delete_request.h"
#include "maint/maintenance_lock.h"
#include "maint/retention.h"
#include "golang/quote.h"
#include "store/bucket_store.h"

namespace logd {

DeleteProcessor::DeleteProcessor(DeleteProcessorOptions options, deletion::DeleteRequestStore& requests,
                                 const Logger& logger, util::Clock& clock)
    : options_(std::move(options)), requests_(requests), logger_(logger), clock_(clock) {}

DeleteProcessor::~DeleteProcessor() { stop(); }

void DeleteProcessor::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    do {
      run_once(stop);
    } while (clock_.sleep_for(options_.interval_ns, stop));
  });
}

void DeleteProcessor::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

uint64_t DeleteProcessor::run_once(std::stop_token stop) {
  uint64_t entries = 0;
  for (const std::string& tenant : requests_.tenants()) {
    // filter-only (or disabled) tenants: their requests keep hiding lines at query time.
    if (options_.deletes_chunks && !options_.deletes_chunks(tenant)) continue;
    for (const deletion::DeleteRequest& shard : requests_.due(tenant, clock_.now_ns(), options_.cancel_period_ns)) {
      if (stop.stop_requested()) return entries;
      auto query = deletion::DeleteQuery::compile(shard.query);
      if (!query.ok()) continue;  // checked when the request was made
      maint::DeleteOptions o;
      o.matchers = store::to_index_matchers((*query)->matchers());
      o.start = shard.start;
      o.end = shard.end + 1;  // the request's end is inclusive
      if ((*query)->has_line_filters()) {
        o.entry_filter = [q = *query](const model::Entry& e) { return q->matches_line(e.line); };
      }
      std::string fields = "tenant=" + golang::quote(tenant) + " request_id=" + shard.request_id;
      bool failed = false;
      uint64_t deleted = 0;
      size_t chunks_deleted = 0, chunks_rewritten = 0;
      for (const auto& st : options_.stores) {
        auto lock = maint::lock_store(st.target, st.data_dir, options_.owner);
        if (!lock.ok()) {
          failed = true;
          logger_.log(LogLevel::kInfo, "delete request postponed: the store is busy",
                      fields + " reason=" + golang::quote(lock.error()));
          break;
        }
        auto report = maint::delete_entries(st.target, tenant, o);
        if (!report.ok()) {
          failed = true;
          logger_.log(LogLevel::kError, "delete request failed", fields + " err=" + golang::quote(report.error()));
          break;
        }
        deleted += report->entries_deleted;
        chunks_deleted += report->chunks_deleted.size();
        chunks_rewritten += report->chunks_rewritten.size();
      }
      if (failed) continue;
      if (auto st = requests_.mark_processed(tenant, shard); !st.ok()) {
        logger_.log(LogLevel::kWarn, "delete request not marked processed", fields + " err=" + golang::quote(st.error()));
        continue;
      }
      entries += deleted;
      logger_.log(LogLevel::kInfo, "delete request processed",
                  fields + " entries=" + std::to_string(deleted) + " chunks_deleted=" + std::to_string(chunks_deleted) +
                      " chunks_rewritten=" + std::to_string(chunks_rewritten));
    }
  }
  return entries;
}

}  // namespace logd
