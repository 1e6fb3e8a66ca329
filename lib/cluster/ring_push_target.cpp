#include "cluster/ring_push_target.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "push/protobuf_encoder.h"
#include "ring/tokens.h"

namespace cluster {
namespace {

// What one push() and its ingester calls share: per stream, the answers so far against what it
// needs. The calls may outlive push() (it returns at quorum), hence the shared_ptr.
struct PushProgress {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> ok, failed, need, tolerate;
  size_t streams_done = 0;
  bool stream_failed = false;
  std::optional<util::Error> error;  // the first failure, a client error (4xx) preferred
  size_t calls_left = 0;

  bool finished() const { return streams_done == ok.size() || stream_failed || calls_left == 0; }
};

bool client_error(util::ErrorCode code) {
  return code == util::ErrorCode::kRateLimited || code == util::ErrorCode::kInvalidArgument ||
         code == util::ErrorCode::kTooLarge;
}

}  // namespace

RingPushTarget::RingPushTarget(ring::Ring& ring, IngesterClients& clients, CallPool& pool)
    : ring_(ring), clients_(clients), pool_(pool) {}

util::Status RingPushTarget::push(const std::string& tenant, const std::vector<push::Stream>& streams) {
  pushes_.fetch_add(1);
  if (streams.empty()) return {};
  auto state = ring_.state();
  const int64_t now = ring_.clock().now_ns();
  const ring::RingOptions options = ring_.options();
  auto progress = std::make_shared<PushProgress>();
  const size_t n = streams.size();
  progress->ok.assign(n, 0);
  progress->failed.assign(n, 0);
  progress->need.assign(n, 0);
  progress->tolerate.assign(n, 0);

  struct Share {
    std::string addr;
    std::vector<size_t> streams;
    std::string body;
  };
  std::map<std::string, Share> shares;  // by instance id
  for (size_t i = 0; i < n; ++i) {
    auto set = state->get(ring::token_for(tenant, streams[i].labels.to_string()), ring::kWrite, now, options);
    if (!set.ok()) {
      quorum_failures_.fetch_add(1);
      return util::unavailable(set.error());
    }
    progress->need[i] = set->min_success();
    progress->tolerate[i] = set->max_errors;
    for (const auto& inst : set->instances) {
      Share& share = shares[inst.id];
      share.addr = inst.addr;
      share.streams.push_back(i);
      push::append_protobuf_stream(share.body, streams[i]);
    }
  }
  progress->calls_left = shares.size();
  for (auto& [id, share] : shares) {
    calls_.fetch_add(1);
    pool_.submit([this, progress, client = clients_.get(share.addr), tenant, body = std::move(share.body),
                  indices = std::move(share.streams)] {
      util::Status st = client->push(tenant, body);
      if (!st.ok()) call_failures_.fetch_add(1);
      {
        std::lock_guard lock(progress->mu);
        for (size_t i : indices) {
          if (st.ok()) {
            if (++progress->ok[i] == progress->need[i]) ++progress->streams_done;
          } else if (++progress->failed[i] == progress->tolerate[i] + 1) {
            progress->stream_failed = true;
          }
        }
        if (!st.ok() && (!progress->error || (client_error(st.code()) && !client_error(progress->error->code)))) {
          progress->error = st.status_error();
        }
        --progress->calls_left;
      }
      progress->cv.notify_all();
    });
  }
  std::unique_lock lock(progress->mu);
  progress->cv.wait(lock, [&] { return progress->finished(); });
  if (progress->streams_done == n) return {};
  quorum_failures_.fetch_add(1);
  util::Error e = progress->error.value_or(util::unavailable("no quorum of ingesters answered"));
  if (client_error(e.code)) return e;
  return util::prefixed("pushing to the ingesters: ", e);
}

std::vector<model::LabelSet> RingPushTarget::series(const std::string& tenant,
                                                    const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                    int64_t end) {
  std::set<model::LabelSet> out;
  MetadataRequest req{tenant, "", matchers, start, end};
  for (const auto& inst : ring_.get_all_healthy(ring::kRead).instances) {
    auto s = clients_.get(inst.addr)->series(req);
    if (s.ok()) out.insert(s->begin(), s->end());
  }
  return {out.begin(), out.end()};
}

RingPushStats RingPushTarget::stats() const {
  return {pushes_.load(), quorum_failures_.load(), calls_.load(), call_failures_.load()};
}

}  // namespace cluster
