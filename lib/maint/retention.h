// Retention and deletes over a tenant's store: `logidx retention` and `logidx delete`.
//
// Retention works on whole chunks, as Loki's compactor does: a chunk goes once its newest entry
// is older than the retention that applies to its stream (the matching rule with the highest
// priority, the shortest period among equals; else the global period; 0 keeps forever).
// Deletes remove the entries of matching streams in a time range [start, end): chunks entirely
// inside go, chunks partly inside are rewritten without those entries.
//
// Both use the snapshot/swap protocol of index_update.h, so they are safe beside a running logd.
// Callers hold the maintenance lock. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/matcher.h"
#include "maint/chunk_rewrite.h"

namespace maint {

struct RetentionRule {
  std::string selector;  // as written, e.g. {app="debug"}
  std::vector<idx::Matcher> matchers;
  int64_t period = 0;  // ns
  int priority = 0;
};

// `SELECTOR=DURATION` or `SELECTOR=DURATION@PRIORITY`, e.g. `{app="debug"}=24h` or
// `{namespace=~"dev-.*"}=7d@2`; the selector follows LogQL's rules.
util::Result<RetentionRule> parse_retention_rule(std::string_view text);

// A LogQL stream selector as index matchers (LogQL's validation: at least one matcher that does
// not match the empty string).
util::Result<std::vector<idx::Matcher>> parse_selector(std::string_view selector);

struct RetentionOptions {
  int64_t now = 0;               // ns
  int64_t retention_period = 0;  // ns; 0: streams no rule matches are kept forever
  std::vector<RetentionRule> rules;
  bool dry_run = false;
};

// The retention period that applies to a stream (0: keep forever).
int64_t retention_for(const model::LabelSet& labels, const RetentionOptions& options);

struct ExpiredChunk {
  model::LabelSet labels;
  idx::ChunkRef ref;
  int64_t retention = 0;
};

struct RetentionReport {
  std::vector<ExpiredChunk> expired;  // what went (or, dry run, would go)
  ApplyResult applied;
};

util::Result<RetentionReport> apply_retention(const Target& target, const std::string& tenant,
                                              const RetentionOptions& options);

struct DeleteOptions {
  std::vector<idx::Matcher> matchers;
  int64_t start = 0;  // inclusive, ns
  int64_t end = 0;    // exclusive, ns
  bool dry_run = false;
  RewriteOptions rewrite;  // encoding of rewritten chunks
  // When set, only the entries in the range it returns true for go (the delete API's line
  // filters); chunks are then never dropped whole without reading them.
  std::function<bool(const model::Entry&)> entry_filter;
};

struct DeleteReport {
  std::vector<std::string> chunks_deleted;    // entirely inside the range
  std::vector<std::string> chunks_rewritten;  // partly inside
  uint64_t entries_deleted = 0;               // counted from the chunks (dry run too)
  std::vector<std::string> skipped;           // corrupt chunks left alone, with the reason
  ApplyResult applied;
};

util::Result<DeleteReport> delete_entries(const Target& target, const std::string& tenant,
                                          const DeleteOptions& options, const Progress& progress = {});

}  // namespace maint
