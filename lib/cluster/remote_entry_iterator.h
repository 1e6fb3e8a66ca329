// RemoteEntryIterator: the entries of one ingester's select session (cluster/ingester_service.h)
// as a logql::EntryIterator. Holds one batch, and fetches the next one in the background as soon
// as a batch arrives, so reading and the round trip overlap. Each stream's labels are kept once,
// so labels() returns the same object for the same stream across batches (the EntryIterator
// contract). Destroying it early closes the session on the ingester.
//
// Not thread-safe: one query thread uses it (the prefetch runs on the CallPool).
#pragma once

#include <future>
#include <memory>
#include <set>
#include <vector>

#include "cluster/call_pool.h"
#include "cluster/ingester_client.h"
#include "logql/eval/source.h"

namespace cluster {

class RemoteEntryIterator final : public logql::EntryIterator {
 public:
  RemoteEntryIterator(std::shared_ptr<IngesterClient> client, EntryBatch first, CallPool& pool);
  ~RemoteEntryIterator() override;

  bool next() override;
  const model::LabelSet& labels() const override { return *current_labels_; }
  const model::Entry& entry() const override { return batch_.entries[pos_ - 1].second; }
  util::Status status() const override { return status_; }

 private:
  void load(EntryBatch batch);
  void prefetch();

  std::shared_ptr<IngesterClient> client_;
  CallPool& pool_;
  EntryBatch batch_;
  size_t pos_ = 0;
  std::vector<const model::LabelSet*> streams_;  // batch_.streams interned
  std::set<model::LabelSet> interned_;
  const model::LabelSet* current_labels_ = nullptr;
  std::future<util::Result<EntryBatch>> next_;
  bool fetching_ = false;
  util::Status status_;
};

}  // namespace cluster
