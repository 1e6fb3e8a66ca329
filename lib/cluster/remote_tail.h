// RemoteTail: live tails over the ingesters of a ring (ingest::TailSource), as Loki's querier
// tails every ingester. A subscription opens a tail session on each ingester healthy for reading,
// follows the ring (sessions on new ingesters are opened, those of departed ones closed, a session
// that breaks is reopened), and hands each entry to the subscriber once: every replica sends it,
// and a window of recently seen (stream, timestamp, line) keys drops the copies.
//
// Thread-safety: subscribe/unsubscribe from any thread; callbacks run on the subscription's
// poller threads, possibly concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "cluster/ingester_client.h"
#include "ingest/tail_source.h"
#include "ring/ring.h"
#include "util/clock.h"

namespace cluster {

class RemoteTail final : public ingest::TailSource {
 public:
  // `ring` and `clients` must outlive this.
  RemoteTail(ring::Ring& ring, IngesterClients& clients);
  ~RemoteTail() override;  // ends every subscription

  uint64_t subscribe(const std::string& tenant, TailCallback on_entry) override;
  void unsubscribe(uint64_t id) override;

  class Subscription;

 private:
  ring::Ring& ring_;
  IngesterClients& clients_;
  std::mutex mu_;
  std::map<uint64_t, std::unique_ptr<Subscription>> subscriptions_;
  uint64_t next_id_ = 1;
};

// Remembers which entries were delivered within a time window (replicas send each one up to RF
// times); thread-safe.
class SeenEntries {
 public:
  explicit SeenEntries(int64_t window_ns) : window_ns_(window_ns) {}
  // True the first time this (stream, timestamp, line) is offered within the window.
  bool first_time(const model::LabelSet& stream, const model::Entry& entry, int64_t now_ns);

 private:
  std::mutex mu_;
  int64_t window_ns_;
  std::map<uint64_t, int64_t> seen_;  // key hash -> when first seen
  int64_t last_prune_ = 0;
};

}  // namespace cluster
