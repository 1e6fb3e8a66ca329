#include "cluster/remote_entry_iterator.h"

namespace cluster {

RemoteEntryIterator::RemoteEntryIterator(std::shared_ptr<IngesterClient> client, EntryBatch first, CallPool& pool)
    : client_(std::move(client)), pool_(pool) {
  load(std::move(first));
}

RemoteEntryIterator::~RemoteEntryIterator() {
  // Ended early: free the ingester's session now rather than when it expires.
  if (fetching_) {
    auto pending = std::make_shared<std::future<util::Result<EntryBatch>>>(std::move(next_));
    pool_.submit([pending, client = client_] {
      auto b = pending->get();
      if (b.ok() && b->session != 0) client->select_close(b->session);
    });
  } else if (batch_.session != 0 && status_.ok()) {
    pool_.submit([client = client_, session = batch_.session] { client->select_close(session); });
  }
}

void RemoteEntryIterator::load(EntryBatch batch) {
  batch_ = std::move(batch);
  pos_ = 0;
  streams_.clear();
  streams_.reserve(batch_.streams.size());
  for (auto& ls : batch_.streams) streams_.push_back(&*interned_.insert(std::move(ls)).first);
  batch_.streams.clear();
  if (batch_.session != 0) prefetch();
}

void RemoteEntryIterator::prefetch() {
  auto promise = std::make_shared<std::promise<util::Result<EntryBatch>>>();
  next_ = promise->get_future();
  fetching_ = true;
  pool_.submit([promise, client = client_, session = batch_.session] { promise->set_value(client->select_next(session)); });
}

bool RemoteEntryIterator::next() {
  while (pos_ >= batch_.entries.size()) {
    if (!fetching_) return false;
    fetching_ = false;
    auto b = next_.get();
    if (!b.ok()) {
      status_ = util::prefixed("ingester " + client_->address() + ": ", b.status_error());
      batch_ = {};
      return false;
    }
    load(std::move(*b));
  }
  current_labels_ = streams_[batch_.entries[pos_].first];
  ++pos_;
  return true;
}

}  // namespace cluster
