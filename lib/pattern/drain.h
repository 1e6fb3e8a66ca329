// Drain: online log clustering (He et al., "Drain: An Online Log Parsing Approach with Fixed
// Depth Tree", ICWS 2017), as Loki's pattern ingester runs it per stream (pkg/pattern/drain).
//
// A line's tokens (line_tokenizer.h) descend a prefix tree: first by token count, then by the
// leading tokens (at most log_cluster_depth - 2 levels; a token with a digit, or one past
// max_children at a node, goes down the `<_>` branch). At the leaf the most similar cluster is
// chosen: similarity is the share of positions where the cluster's token equals the line's
// (`<_>` positions do not count); at or above similarity_threshold the line joins the cluster
// and every position where they differ becomes `<_>`; below it the line starts a cluster.
// Lines with fewer than 4 or more than 80 tokens are not clustered (Loki's bounds).
//
// Memory is bounded: at most max_clusters clusters (the least recently matched is evicted), each
// at most 80 tokens of a line of at most max_line_length bytes, with retain_for / sample_interval
// samples. When evictions pass max_eviction_ratio of the lines trained (a stream whose lines do
// not cluster), the Drain stops training for 10 minutes, as Loki's limiter does.
//
// Defaults are Loki's (drain.DefaultConfig): depth 30, similarity 0.3, 15 children, 300
// clusters, eviction ratio 0.25, lines up to 3000 bytes, 10 s samples.
//
// Thread-safety: none; one stream's lock guards its Drains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pattern/line_tokenizer.h"
#include "pattern/sample_buckets.h"

namespace pattern {

struct DrainConfig {
  int log_cluster_depth = 30;         // >= 3
  double similarity_threshold = 0.3;  // (0, 1]
  size_t max_children = 15;           // per tree node, >= 2
  size_t max_clusters = 300;          // 0: unlimited
  double max_eviction_ratio = 0.25;
  size_t max_line_length = 3000;      // bytes of the tokenized text
  int64_t sample_interval_ns = 10'000'000'000;
  int64_t throttle_ns = 600'000'000'000;  // how long training stops past the eviction ratio
};

inline constexpr size_t kMinTokens = 4;
inline constexpr size_t kMaxTokens = 80;

struct Cluster {
  uint64_t id = 0;
  std::vector<std::string> tokens;   // the template; `<_>` where lines differ
  std::vector<int32_t> spaces_after;  // from the cluster's first line (line_tokenizer.h)
  SampleBuckets samples;
};

// Why lines were not clustered, and clusters dropped (for /metrics).
struct DrainStats {
  uint64_t lines_trained = 0;
  uint64_t lines_skipped = 0;     // too long, too few or too many tokens, undecodable, throttled
  uint64_t clusters_created = 0;
  uint64_t clusters_evicted = 0;  // past max_clusters
};

class Drain {
 public:
  Drain(const DrainConfig& config, LineFormat format);
  ~Drain();
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;

  // Clusters one line with timestamp `ts_ns`; `now_ns` (the clock) paces the throttle. Returns
  // the line's cluster, or nullptr when the line was not used.
  const Cluster* train(std::string_view line, int64_t ts_ns, int64_t now_ns);

  // The pattern text of a cluster (`<_>` runs collapsed).
  std::string pattern_of(const Cluster& c) const { return tokenizer_.join(c.tokens, c.spaces_after); }
  // Most recently matched first.
  void for_each_cluster(const std::function<void(const Cluster&)>& fn) const;
  size_t cluster_count() const { return lru_.size(); }

  // Drops samples of intervals before `cutoff_ms`, deletes the clusters left without any and
  // the tree branches that lead to none. Returns the clusters left.
  size_t prune(int64_t cutoff_ms);

  const DrainStats& stats() const { return stats_; }
  LineFormat format() const { return tokenizer_.format(); }

 private:
  struct Node;
  using Lru = std::list<Cluster>;

  Cluster* tree_search(const std::vector<std::string_view>& tokens);
  Cluster* best_match(const std::vector<uint64_t>& ids, const std::vector<std::string_view>& tokens);
  void add_to_tree(const Cluster& c);
  Node* child_for(Node& node, const std::string& token);
  bool allow(int64_t now_ns);
  void evict_oldest();
  size_t prune_tree(Node& node);

  DrainConfig config_;
  size_t max_node_depth_;
  LineTokenizer tokenizer_;
  Tokens scratch_;
  std::map<size_t, std::unique_ptr<Node>> by_length_;  // the first level: token count
  Lru lru_;                                             // front: most recently matched
  std::unordered_map<uint64_t, Lru::iterator> by_id_;
  uint64_t next_id_ = 0;
  // The eviction throttle (Loki's limiter).
  uint64_t added_ = 0, evicted_ = 0;
  int64_t blocked_until_ = 0;
  DrainStats stats_;
};

}  // namespace pattern
