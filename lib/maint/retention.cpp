#include "maint/retention.h"

#include <algorithm>
#include <charconv>

#include "logql/parser.h"
#include "model/time.h"
#include "store/bucket_store.h"

namespace maint {

util::Result<std::vector<idx::Matcher>> parse_selector(std::string_view selector) {
  auto ms = logql::parse_matchers(selector);
  if (!ms.ok()) return util::prefixed("selector " + std::string(selector) + ": ", ms.status_error());
  return store::to_index_matchers(*ms);
}

util::Result<RetentionRule> parse_retention_rule(std::string_view text) {
  // The selector ends at its closing brace; what follows is "=DURATION[@PRIORITY]". Searching
  // from the end keeps '=' and '@' inside quoted values out of the way.
  auto close = text.rfind('}');
  if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != '=')
    return util::Error{"retention rule " + std::string(text) + ": want SELECTOR=DURATION[@PRIORITY]"};
  RetentionRule rule;
  rule.selector = std::string(text.substr(0, close + 1));
  std::string_view rest = text.substr(close + 2);
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    std::string_view prio = rest.substr(at + 1);
    auto [p, ec] = std::from_chars(prio.data(), prio.data() + prio.size(), rule.priority);
    if (ec != std::errc() || p != prio.data() + prio.size())
      return util::Error{"retention rule " + std::string(text) + ": bad priority " + std::string(prio)};
    rest = rest.substr(0, at);
  }
  auto period = model::parse_duration(rest);
  if (!period.ok()) return util::prefixed("retention rule " + std::string(text) + ": ", period.status_error());
  if (*period <= 0) return util::Error{"retention rule " + std::string(text) + ": the period must be positive"};
  rule.period = *period;
  auto ms = parse_selector(rule.selector);
  if (!ms.ok()) return ms.status_error();
  rule.matchers = std::move(*ms);
  return rule;
}

namespace {

bool selects(const std::vector<idx::Matcher>& matchers, const model::LabelSet& labels) {
  auto compiled = idx::compile_matchers(matchers);
  if (!compiled.ok()) return false;
  for (const auto& m : *compiled)
    if (!m.matches(labels.get(m.matcher().name).value_or(""))) return false;
  return true;
}

}  // namespace

int64_t retention_for(const model::LabelSet& labels, const RetentionOptions& options) {
  const RetentionRule* best = nullptr;
  for (const auto& r : options.rules) {
    if (!selects(r.matchers, labels)) continue;
    // Loki's choice: the highest priority; among equals, the shortest period.
    if (!best || r.priority > best->priority || (r.priority == best->priority && r.period < best->period)) best = &r;
  }
  return best ? best->period : options.retention_period;
}

util::Result<RetentionReport> apply_retention(const Target& target, const std::string& tenant,
                                              const RetentionOptions& options) {
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  RetentionReport report;
  ChunkChange change;
  std::map<model::LabelSet, int64_t> retention_cache;
  for (const auto& [file, c] : indexed_chunks(*snap)) {
    auto [it, fresh] = retention_cache.try_emplace(c.labels, 0);
    if (fresh) it->second = retention_for(c.labels, options);
    int64_t retention = it->second;
    if (retention <= 0) continue;
    // Whole chunks only: a chunk goes once its newest entry is past the retention.
    if (c.ref.max_time >= options.now - retention) continue;
    report.expired.push_back(ExpiredChunk{c.labels, c.ref, retention});
    change.removed.insert(file);
  }
  if (options.dry_run || change.empty()) return report;
  auto applied = apply_change(target, *snap, change);
  if (!applied.ok()) return applied.status_error();
  report.applied = std::move(*applied);
  return report;
}

util::Result<DeleteReport> delete_entries(const Target& target, const std::string& tenant,
                                          const DeleteOptions& options, const Progress& progress) {
  if (options.start >= options.end) return util::Error{"delete: empty time range"};
  auto compiled = idx::compile_matchers(options.matchers);
  if (!compiled.ok()) return compiled.status_error();
  auto snap = load_tenant_index(target, tenant);
  if (!snap.ok()) return snap.status_error();
  DeleteReport report;
  ChunkChange change;
  auto chunks = indexed_chunks(*snap);
  size_t done = 0;
  auto in_range = [&](const model::Entry& e) {
    return e.timestamp >= options.start && e.timestamp < options.end && (!options.entry_filter || options.entry_filter(e));
  };
  for (const auto& [file, c] : chunks) {
    if (progress) progress(done++, chunks.size());
    if (!c.ref.overlaps(options.start, options.end)) continue;
    bool match = true;
    for (const auto& m : *compiled)
      if (!m.matches(c.labels.get(m.matcher().name).value_or(""))) match = false;
    if (!match) continue;
    if (!options.entry_filter && options.start <= c.ref.min_time && c.ref.max_time < options.end) {
      report.chunks_deleted.push_back(file);
      report.entries_deleted += c.ref.entries;
      change.removed.insert(file);
      continue;
    }
    // Partly inside: rewrite without the range (never from a corrupt source).
    auto reader = open_chunk(target, tenant, file);
    util::Status ok = reader.ok() ? reader->verify() : util::Status(reader.status_error());
    if (!ok.ok() && ok.code() != util::ErrorCode::kCorruption && ok.code() != util::ErrorCode::kNotFound) {
      return ok.status_error();  // the store does not answer: nothing is changed
    }
    if (!ok.ok()) {
      report.skipped.push_back(file + ": " + ok.error());
      continue;
    }
    auto all = reader->read_all();
    if (!all.ok()) return all.status_error();
    uint64_t n = std::count_if(all->begin(), all->end(), in_range);
    if (n == 0) continue;
    report.entries_deleted += n;
    report.chunks_rewritten.push_back(file);
    if (options.dry_run) continue;
    RewriteOptions one = options.rewrite;
    one.target_chunk_size = SIZE_MAX;
    auto rewritten = merge_chunks({&*reader}, one, in_range);
    if (!rewritten.ok()) return rewritten.status_error();
    for (const auto& data : *rewritten) {
      auto w = write_chunk(target, tenant, data);
      if (!w.ok()) return w.status_error();
      change.added.push_back(std::move(*w));
    }
    change.removed.insert(file);
  }
  if (progress) progress(chunks.size(), chunks.size());
  if (options.dry_run || change.empty()) return report;
  auto applied = apply_change(target, *snap, change);
  if (!applied.ok()) return applied.status_error();
  report.applied = std::move(*applied);
  return report;
}

}  // namespace maint
