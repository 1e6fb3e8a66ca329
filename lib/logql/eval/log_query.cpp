#include "logql/eval/log_query.h"

#include <algorithm>
#include <map>
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
  std::map<model::LabelSet, size_t> by_labels;                              // output stream index
  std::unordered_map<const void*, size_t> by_pointer;                       // cache of the above
  std::unordered_map<const model::LabelSet*, std::unique_ptr<log::StreamPipeline>> stream_pipelines;

  auto stream_for = [&](const void* key, const model::LabelSet& labels) -> Stream& {
    auto cached = by_pointer.find(key);
    if (cached != by_pointer.end()) return result.streams[cached->second];
    auto [pos, inserted] = by_labels.try_emplace(labels, result.streams.size());
    if (inserted) result.streams.push_back(Stream{labels, {}});
    by_pointer.emplace(key, pos->second);
    return result.streams[pos->second];
  };

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
      auto& sp_ptr = stream_pipelines[&stream_labels];
      if (!sp_ptr) sp_ptr = pipeline->for_stream(stream_labels);
      std::string_view line_out;
      const log::ResultLabels* labels_out = nullptr;
      if (!sp_ptr->process(e.timestamp, e.line, e.metadata, line_out, labels_out)) continue;
      stream_for(labels_out, labels_out->labels)
          .entries.push_back(model::Entry{e.timestamp, std::string(line_out), e.metadata});
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
