#include "logql/eval/log_query.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "logql/log/pipeline.h"

namespace logql {

log::PipelineOptions pipeline_options_of(const QueryParams& params) {
  log::PipelineOptions o;
  o.templates = params.templates;
  o.templates.cancel = params.cancel;
  return o;
}

namespace {

// The loop both forms share: select the streams, run each entry through the pipeline, apply
// `interval` and `limit` in iterator order (time order in the query's direction), and hand each
// kept entry to `sink(hash, labels, labels_key, entry, line, categories)`. `labels` is valid
// during the call; `labels_key` is the source stream's labels for entries that keep them (a
// stable pointer worth caching on), else null; `line` is the entry's line after the pipeline.
// With params.categorize_labels, `labels` are the stream labels and `categories` the entry's
// metadata and parsed labels (a sink may move them out), null when the entry has neither; the
// per-entry cost of splitting them is paid only then. A sink returning false ends the loop. The query's cancellation is checked every 1024 entries read
// (or each MiB of lines), and ends the loop with its status.
template <typename Sink>
util::Status for_each_log_entry(const ast::LogSelector& selector, const QueryParams& params, LogSource& source,
                                Sink&& sink) {
  // Without stages and structured metadata an entry keeps its line and stream labels, so the
  // pipeline can be skipped entirely; this is also the grep-speed path for plain selectors.
  // With no stages the pipeline is compiled lazily, on the first entry that carries structured
  // metadata (which becomes part of the entry's labels).
  std::optional<log::Pipeline> pipeline;
  auto compile = [&]() -> util::Status {
    auto compiled = log::Pipeline::compile(selector.stages, pipeline_options_of(params));
    if (!compiled.ok()) return compiled.status_error();
    pipeline.emplace(std::move(compiled).value());
    return {};
  };
  if (!selector.stages.empty()) {
    if (auto st = compile(); !st.ok()) return st;
  }

  SelectParams sp;
  sp.matchers = selector.matchers;
  sp.start = params.start;
  sp.end = params.end;
  sp.direction = params.direction;
  sp.stages = &selector.stages;
  sp.cancel = params.cancel;
  auto it_or = source.select(sp);
  if (!it_or.ok()) return it_or.status_error();
  EntryIterator& it = **it_or;

  const bool categorize = params.categorize_labels;
  log::CategorizedLabels categories;
  std::unordered_map<const model::LabelSet*, std::unique_ptr<log::StreamPipeline>> stream_pipelines;
  const model::LabelSet* last_stream = nullptr;
  log::StreamPipeline* last_pipeline = nullptr;
  const bool forward = params.direction == Direction::Forward;
  uint32_t count = 0;
  bool have_last = false;
  int64_t last_ts = 0;
  util::CheckInterval check_interval;
  while ((params.limit == 0 || count < params.limit) && it.next()) {
    const model::Entry& e = it.entry();
    if (params.cancel && (params.cancel->stopped() || check_interval.due(e.line.size()))) {
      if (auto st = params.cancel->check(); !st.ok()) return st;
    }
    if (params.interval > 0 && have_last) {
      // Loki's readStreams keeps an entry when it is at least `interval` past the last kept one.
      const __int128 ts = e.timestamp, last = last_ts;  // 128 bits: no wrap near the ends of time
      bool keep = forward ? ts >= last + params.interval : ts <= last - params.interval;
      if (!keep) continue;
    }
    const model::LabelSet& stream_labels = it.labels();
    if (selector.stages.empty() && e.metadata.empty()) {
      if (!sink(uint64_t{0}, stream_labels, &stream_labels, e, std::string_view(e.line),
                static_cast<log::CategorizedLabels*>(nullptr)))
        return {};
    } else {
      if (!pipeline) {
        if (auto st = compile(); !st.ok()) return st;
      }
      if (&stream_labels != last_stream) {  // runs of one stream skip the lookup
        auto& sp_ptr = stream_pipelines[&stream_labels];
        if (!sp_ptr) sp_ptr = pipeline->for_stream(stream_labels);
        last_stream = &stream_labels;
        last_pipeline = sp_ptr.get();
      }
      std::string_view line_out;
      if (categorize) {
        if (!last_pipeline->process_categorized(e.timestamp, e.line, e.metadata, line_out, categories)) continue;
        if (!sink(categories.stream->hash, categories.stream->labels, nullptr, e, line_out, &categories)) return {};
      } else {
        const log::ResultLabels* labels_out = nullptr;
        if (!last_pipeline->process(e.timestamp, e.line, e.metadata, line_out, labels_out)) continue;
        if (!sink(labels_out->hash, labels_out->labels, nullptr, e, line_out,
                  static_cast<log::CategorizedLabels*>(nullptr)))
          return {};
      }
    }
    have_last = true;
    last_ts = e.timestamp;
    ++count;
  }
  if (params.cancel) {
    // A source that stopped early for the cancellation looks like its end: say why.
    if (auto st = params.cancel->status(); !st.ok()) return st;
  }
  return it.status();
}

}  // namespace

util::Result<QueryResult> evaluate_log_query(const ast::LogSelector& selector, const QueryParams& params,
                                             LogSource& source) {
  QueryResult result;
  result.type = ResultType::Streams;
  // Output streams are found by label-set hash, confirmed by equality: a `| json` query can
  // make one stream per entry, and ordered-map compares of whole label sets dominated. Streams
  // are sorted once at the end.
  std::unordered_map<uint64_t, size_t> first_by_hash;  // hash -> first stream with it
  std::vector<size_t> next_same_hash;                   // per stream: next with the same hash
  std::unordered_map<const model::LabelSet*, size_t> by_pointer;  // source stream -> output stream
  uint64_t result_bytes = 0;  // lines and stream labels held (max_result_bytes)

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
    for (const auto& l : labels) result_bytes += l.name.size() + l.value.size();
    return result.streams.size() - 1;
  };
  auto st = for_each_log_entry(selector, params, source,
                               [&](uint64_t hash, const model::LabelSet& labels, const model::LabelSet* key,
                                   const model::Entry& e, std::string_view line, log::CategorizedLabels* cat) {
    if (key) {
      // Entries without a pipeline keep their source stream's labels; remember where each went.
      // (ResultLabels::hash is the fingerprint too, so both paths agree on a set's hash.)
      auto [pos, fresh] = by_pointer.try_emplace(key, 0);
      if (fresh) pos->second = stream_for_hash(labels.fingerprint(), labels);
      result.streams[pos->second].entries.push_back(e);
    } else if (cat) {
      for (const auto* set : {&cat->metadata, &cat->parsed})
        for (const auto& l : *set) result_bytes += l.name.size() + l.value.size();
      result.streams[stream_for_hash(hash, labels)].entries.push_back(
          model::Entry{e.timestamp, std::string(line), std::move(cat->metadata), std::move(cat->parsed)});
    } else {
      result.streams[stream_for_hash(hash, labels)].entries.push_back(
          model::Entry{e.timestamp, std::string(line), e.metadata});
    }
    result_bytes += line.size();
    return params.max_result_bytes == 0 || result_bytes <= params.max_result_bytes;
  });
  if (!st.ok()) return st.status_error();
  if (params.max_result_bytes != 0 && result_bytes > params.max_result_bytes) {
    return util::too_large(max_result_bytes_message(params.max_result_bytes));
  }

  // Loki sorts result streams by their label string. Plain sets compare without rendering
  // them (a `| json` query can return a stream per entry); otherwise render each set once.
  bool plain = std::all_of(result.streams.begin(), result.streams.end(),
                           [](const Stream& s) { return model::renders_plain(s.labels); });
  std::vector<size_t> order(result.streams.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (plain) {
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return model::compare_rendered_plain(result.streams[a].labels, result.streams[b].labels) < 0;
    });
  } else {
    std::vector<std::string> rendered(result.streams.size());
    for (size_t i = 0; i < rendered.size(); ++i) rendered[i] = result.streams[i].labels.to_string();
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rendered[a] < rendered[b]; });
  }
  std::vector<Stream> sorted;
  sorted.reserve(order.size());
  for (size_t i : order) sorted.push_back(std::move(result.streams[i]));
  result.streams = std::move(sorted);
  return result;
}

util::Status stream_log_query(const ast::LogSelector& selector, const QueryParams& params, LogSource& source,
                              const EntryCallback& emit) {
  // Entries arrive in time order; only a run of equal timestamps needs reordering (by label
  // string, then arrival), so the run is held in reused slots and flushed when time moves on.
  struct Held {
    model::LabelSet labels;
    model::Entry entry;
  };
  std::vector<Held> run;
  size_t held = 0;
  auto flush = [&] {
    if (held > 1) {
      std::stable_sort(run.begin(), run.begin() + static_cast<std::ptrdiff_t>(held), [](const Held& a, const Held& b) {
        return model::compare_rendered(a.labels, b.labels) < 0;
      });
    }
    for (size_t i = 0; i < held; ++i) emit(run[i].labels, run[i].entry);
    held = 0;
  };
  auto st = for_each_log_entry(selector, params, source,
                               [&](uint64_t, const model::LabelSet& labels, const model::LabelSet*,
                                   const model::Entry& e, std::string_view line, log::CategorizedLabels* cat) {
    if (held > 0 && run[0].entry.timestamp != e.timestamp) flush();
    if (held == run.size()) run.emplace_back();
    Held& h = run[held++];
    h.labels = labels;  // assignment reuses the slot's buffers
    h.entry.timestamp = e.timestamp;
    h.entry.line.assign(line);
    if (cat) {
      h.entry.metadata = std::move(cat->metadata);
      h.entry.parsed = std::move(cat->parsed);
    } else {
      h.entry.metadata = e.metadata;  // `parsed` is only ever set in categorized queries
    }
    return true;
  });
  if (!st.ok()) return st;
  flush();
  return {};
}

}  // namespace logql
