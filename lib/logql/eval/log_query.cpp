#include "logql/eval/log_query.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "logql/log/pipeline.h"

namespace logql {

util::Result<QueryResult> evaluate_log_query(const ast::LogSelector& selector, const QueryParams& params,
                                             LogSource& source) {
  // Without stages and structured metadata an entry keeps its line and stream labels, so the
  // pipeline can be skipped entirely; this is also the grep-speed path for plain selectors.
  // With no stages the pipeline is compiled lazily, on the first entry that carries structured
  // metadata (which becomes part of the entry's labels).
  std::optional<log::Pipeline> pipeline;
  auto compile = [&]() -> util::Status {
    auto compiled = log::Pipeline::compile(selector.stages);
    if (!compiled.ok()) return util::Error{compiled.error()};
    pipeline.emplace(std::move(compiled).value());
    return {};
  };
  if (!selector.stages.empty()) {
    if (auto st = compile(); !st.ok()) return util::Error{st.error()};
  }

  SelectParams sp;
  sp.matchers = selector.matchers;
  sp.start = params.start;
  sp.end = params.end;
  sp.direction = params.direction;
  sp.stages = &selector.stages;
  auto it_or = source.select(sp);
  if (!it_or.ok()) return util::Error{it_or.error()};
  EntryIterator& it = **it_or;

  QueryResult result;
  result.type = ResultType::Streams;
  // Output streams are found by label-set hash (ResultLabels carry it precomputed), confirmed by
  // equality: a `| json` query can make one stream per entry, and ordered-map compares of whole
  // label sets dominated. Streams are sorted once at the end.
  std::unordered_map<uint64_t, size_t> first_by_hash;  // hash -> first stream with it
  std::vector<size_t> next_same_hash;                   // per stream: next with the same hash
  std::unordered_map<const model::LabelSet*, size_t> by_pointer;  // source stream -> output stream
  std::unordered_map<const model::LabelSet*, std::unique_ptr<log::StreamPipeline>> stream_pipelines;

  auto stream_for_hash = [&](uint64_t hash, const model::LabelSet& labels) -> size_t {
    auto [head, fresh] = first_by_hash.try_emplace(hash, result.streams.size());
    if (!fresh) {
      size_t i = head->second;
      while (true) {
        if (result.streams[i].labels == labels) return i;
        if (next_same_hash[i] == SIZE_MAX) break;
        i = next_same_hash[i];
      }
      next_same_hash[i] = result.streams.size();
    }
    result.streams.push_back(Stream{labels, {}});
    next_same_hash.push_back(SIZE_MAX);
    return result.streams.size() - 1;
  };
  // Entries without a pipeline keep their source stream's labels; remember where each went.
  // (ResultLabels::hash is the fingerprint too, so both paths agree on a set's hash.)
  auto stream_for = [&](const model::LabelSet* key, const model::LabelSet& labels) -> Stream& {
    auto [pos, fresh] = by_pointer.try_emplace(key, 0);
    if (fresh) pos->second = stream_for_hash(labels.fingerprint(), labels);
    return result.streams[pos->second];
  };

  const model::LabelSet* last_stream = nullptr;
  log::StreamPipeline* last_pipeline = nullptr;
  const bool forward = params.direction == Direction::Forward;
  uint32_t count = 0;
  bool have_last = false;
  int64_t last_ts = 0;
  while ((params.limit == 0 || count < params.limit) && it.next()) {
    const model::Entry& e = it.entry();
    if (params.interval > 0 && have_last) {
      // Loki's readStreams keeps an entry when it is at least `interval` past the last kept one.
      bool keep = forward ? e.timestamp >= last_ts + params.interval : e.timestamp <= last_ts - params.interval;
      if (!keep) continue;
    }
    const model::LabelSet& stream_labels = it.labels();
    if (selector.stages.empty() && e.metadata.empty()) {
      stream_for(&stream_labels, stream_labels).entries.push_back(e);
    } else {
      if (!pipeline) {
        if (auto st = compile(); !st.ok()) return util::Error{st.error()};
      }
      if (&stream_labels != last_stream) {  // runs of one stream skip the lookup
        auto& sp_ptr = stream_pipelines[&stream_labels];
        if (!sp_ptr) sp_ptr = pipeline->for_stream(stream_labels);
        last_stream = &stream_labels;
        last_pipeline = sp_ptr.get();
      }
      std::string_view line_out;
      const log::ResultLabels* labels_out = nullptr;
      if (!last_pipeline->process(e.timestamp, e.line, e.metadata, line_out, labels_out)) continue;
      // Interned sets are unique per pipeline, so a set seen once per entry is not worth a
      // pointer-cache entry: go by hash directly.
      Stream& out = result.streams[stream_for_hash(labels_out->hash, labels_out->labels)];
      out.entries.push_back(model::Entry{e.timestamp, std::string(line_out), e.metadata});
    }
    have_last = true;
    last_ts = e.timestamp;
    ++count;
  }
  if (!it.status().ok()) return util::Error{it.status().error()};

  // Loki sorts result streams by their label string.
  std::vector<std::pair<std::string, size_t>> order;
  order.reserve(result.streams.size());
  for (size_t i = 0; i < result.streams.size(); ++i) order.emplace_back(result.streams[i].labels.to_string(), i);
  std::sort(order.begin(), order.end());
  std::vector<Stream> sorted;
  sorted.reserve(order.size());
  for (auto& [_, i] : order) sorted.push_back(std::move(result.streams[i]));
  result.streams = std::move(sorted);
  return result;
}

}  // namespace logql
