#include "cluster/remote_ingesters.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "cluster/remote_entry_iterator.h"
#include "logql/eval/merge_iterators.h"
#include "store/dedup_merge_source.h"

namespace cluster {
namespace {

// The line filters at the head of a pipeline: exact for the line as stored, so the ingester may
// apply them. Filters after another stage are left to the querier (unpack and line_format
// rewrite the line).
std::vector<logql::ast::LineFilter> leading_line_filters(const std::vector<logql::ast::Stage>* stages) {
  std::vector<logql::ast::LineFilter> out;
  if (!stages) return out;
  for (const auto& stage : *stages) {
    const auto* f = std::get_if<logql::ast::LineFilter>(&stage);
    if (!f) break;
    out.push_back(*f);
  }
  return out;
}

class RemoteSource final : public logql::LogSource {
 public:
  RemoteSource(RemoteIngesters& owner, std::string tenant) : owner_(owner), tenant_(std::move(tenant)) {}

  util::Result<std::unique_ptr<logql::EntryIterator>> select(const logql::SelectParams& params) override {
    auto [start, end] = owner_.ingester_window(params.start, params.end);
    if (start >= end) return logql::merge_iterators({}, params.direction);
    SelectRequest req;
    req.tenant = tenant_;
    req.matchers = params.matchers;
    req.line_filters = leading_line_filters(params.stages);
    req.start = start;
    req.end = end;
    req.backward = params.direction == logql::Direction::Backward;
    req.batch_entries = owner_.options().batch_entries;
    std::mutex mu;
    std::vector<std::unique_ptr<logql::EntryIterator>> children;
    util::Status st = owner_.for_all([&](const std::shared_ptr<IngesterClient>& client) -> util::Status {
      auto first = client->select(req);
      if (!first.ok()) return first.status_error();
      owner_.count_select();
      auto it = std::make_unique<RemoteEntryIterator>(client, std::move(*first), owner_.pool());
      std::lock_guard lock(mu);
      children.push_back(std::move(it));
      return {};
    });
    if (!st.ok()) return st.status_error();
    return store::make_dedup_merge_iterator(std::move(children), params.direction);
  }

 private:
  RemoteIngesters& owner_;
  std::string tenant_;
};

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

RemoteIngesters::RemoteIngesters(ring::Ring& ring, IngesterClients& clients, CallPool& pool,
                                 RemoteIngestersOptions options)
    : ring_(ring), clients_(clients), pool_(pool), options_(options) {}

std::pair<int64_t, int64_t> RemoteIngesters::ingester_window(int64_t start, int64_t end) const {
  if (options_.query_ingesters_within_ns <= 0) return {start, end};
  const int64_t oldest = ring_.clock().now_ns() - options_.query_ingesters_within_ns;
  return {std::max(start, oldest), end};
}

util::Status RemoteIngesters::for_all(const std::function<util::Status(const std::shared_ptr<IngesterClient>&)>& call) {
  auto set = ring_.get_replication_set_for_operation(ring::kRead);
  if (!set.ok()) {
    read_failures_.fetch_add(1);
    return util::unavailable(set.error());
  }
  struct Progress {
    std::mutex mu;
    std::condition_variable cv;
    size_t left = 0;
    std::vector<std::string> errors;
  };
  auto progress = std::make_shared<Progress>();
  progress->left = set->instances.size();
  for (const auto& inst : set->instances) {
    // `call` is borrowed: every task finishes before for_all returns.
    pool_.submit([this, progress, &call, client = clients_.get(inst.addr), id = inst.id] {
      util::Status st = call(client);
      if (!st.ok()) failures_.fetch_add(1);
      {
        std::lock_guard lock(progress->mu);
        if (!st.ok()) progress->errors.push_back(id + ": " + st.error());
        --progress->left;
      }
      progress->cv.notify_all();
    });
  }
  std::unique_lock lock(progress->mu);
  progress->cv.wait(lock, [&] { return progress->left == 0; });
  if (static_cast<int>(progress->errors.size()) > set->max_errors) {
    read_failures_.fetch_add(1);
    std::string message = "too many ingesters failed (" + std::to_string(progress->errors.size()) + " of " +
                          std::to_string(set->instances.size()) + ", at most " + std::to_string(set->max_errors) +
                          " may): ";
    for (size_t i = 0; i < progress->errors.size(); ++i) message += (i ? "; " : "") + progress->errors[i];
    return util::unavailable(message);
  }
  return {};
}

util::Result<std::unique_ptr<logql::LogSource>> RemoteIngesters::source(const std::string& tenant) {
  return std::unique_ptr<logql::LogSource>(std::make_unique<RemoteSource>(*this, tenant));
}

util::Result<std::vector<std::string>> RemoteIngesters::string_union(
    const MetadataRequest& req,
    util::Result<std::vector<std::string>> (IngesterClient::*call)(const MetadataRequest&)) {
  if (req.start >= req.end) return std::vector<std::string>{};
  std::mutex mu;
  std::vector<std::string> out;
  auto st = for_all([&](const std::shared_ptr<IngesterClient>& c) -> util::Status {
    auto values = ((*c).*call)(req);
    if (!values.ok()) return values.status_error();
    std::lock_guard lock(mu);
    out.insert(out.end(), values->begin(), values->end());
    return {};
  });
  if (!st.ok()) return st.status_error();
  return sorted_unique(std::move(out));
}

util::Result<std::vector<std::string>> RemoteIngesters::label_names(const std::string& tenant, int64_t start,
                                                                    int64_t end) {
  auto [s, e] = ingester_window(start, end);
  return string_union(MetadataRequest{tenant, "", {}, s, e}, &IngesterClient::label_names);
}

util::Result<std::vector<std::string>> RemoteIngesters::label_values(const std::string& tenant, const std::string& name,
                                                                     const std::vector<logql::ast::Matcher>& matchers,
                                                                     int64_t start, int64_t end) {
  auto [s, e] = ingester_window(start, end);
  return string_union(MetadataRequest{tenant, name, matchers, s, e}, &IngesterClient::label_values);
}

util::Result<std::vector<model::LabelSet>> RemoteIngesters::series(const std::string& tenant,
                                                                   const std::vector<logql::ast::Matcher>& matchers,
                                                                   int64_t start, int64_t end) {
  auto [s, e] = ingester_window(start, end);
  if (s >= e) return std::vector<model::LabelSet>{};
  std::mutex mu;
  std::set<model::LabelSet> out;
  MetadataRequest req{tenant, "", matchers, s, e};
  auto st = for_all([&](const std::shared_ptr<IngesterClient>& c) -> util::Status {
    auto series = c->series(req);
    if (!series.ok()) return series.status_error();
    std::lock_guard lock(mu);
    out.insert(series->begin(), series->end());
    return {};
  });
  if (!st.ok()) return st.status_error();
  return std::vector<model::LabelSet>(out.begin(), out.end());
}

util::Result<store::IndexStats> RemoteIngesters::stats(const std::string& tenant,
                                                       const std::vector<logql::ast::Matcher>& matchers, int64_t start,
                                                       int64_t end) {
  auto [s, e] = ingester_window(start, end);
  if (s >= e) return store::IndexStats{};
  std::mutex mu;
  std::map<model::LabelSet, store::IndexStats> per_stream;
  MetadataRequest req{tenant, "", matchers, s, e};
  auto st = for_all([&](const std::shared_ptr<IngesterClient>& c) -> util::Status {
    auto stats = c->stream_stats(req);
    if (!stats.ok()) return stats.status_error();
    std::lock_guard lock(mu);
    for (const auto& one : *stats) {
      store::IndexStats& best = per_stream[one.labels];
      if (one.stats.entries > best.entries) best = one.stats;
    }
    return {};
  });
  if (!st.ok()) return st.status_error();
  store::IndexStats total;
  for (const auto& [labels, one] : per_stream) {
    total.streams += 1;
    total.chunks += one.chunks;
    total.entries += one.entries;
    total.bytes += one.bytes;
  }
  return total;
}

util::Result<std::vector<store::StreamSpans>> RemoteIngesters::stream_spans(
    const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t start, int64_t end) {
  auto [s, e] = ingester_window(start, end);
  if (s >= e) return std::vector<store::StreamSpans>{};
  std::mutex mu;
  std::map<model::LabelSet, StreamStats> per_stream;
  MetadataRequest req{tenant, "", matchers, s, e};
  auto st = for_all([&](const std::shared_ptr<IngesterClient>& c) -> util::Status {
    auto stats = c->stream_stats(req);
    if (!stats.ok()) return stats.status_error();
    std::lock_guard lock(mu);
    for (auto& one : *stats) {
      StreamStats& best = per_stream[one.labels];
      if (one.stats.entries > best.stats.entries) best = std::move(one);
    }
    return {};
  });
  if (!st.ok()) return st.status_error();
  std::vector<store::StreamSpans> out;
  out.reserve(per_stream.size());
  for (auto& [labels, one] : per_stream) out.push_back(store::StreamSpans{labels, std::move(one.spans)});
  return out;
}

util::Result<std::vector<pattern::StreamPatterns>> RemoteIngesters::patterns(
    const std::string& tenant, const std::vector<logql::ast::Matcher>& matchers, int64_t start, int64_t end,
    int64_t step) {
  std::mutex mu;
  std::vector<std::vector<pattern::StreamPatterns>> answers;
  MetadataRequest req{tenant, "", matchers, start, end, step};
  auto st = for_all([&](const std::shared_ptr<IngesterClient>& c) -> util::Status {
    auto streams = c->patterns(req);
    if (!streams.ok()) return streams.status_error();
    std::lock_guard lock(mu);
    answers.push_back(std::move(*streams));
    return {};
  });
  if (!st.ok()) return st.status_error();
  return pattern::dedupe_replicas(std::move(answers));
}

RemoteIngestersStats RemoteIngesters::remote_stats() const {
  return {selects_.load(), failures_.load(), read_failures_.load()};
}

}  // namespace cluster
