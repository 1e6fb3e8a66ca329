#include "pattern/drain.h"

#include <algorithm>

namespace pattern {

struct Drain::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> children;
  std::vector<uint64_t> cluster_ids;  // at a leaf; ids of evicted clusters are cleaned lazily
};

namespace {

bool has_digit(std::string_view token) {
  return std::any_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Drain::Drain(const DrainConfig& config, LineFormat format)
    : config_(config),
      max_node_depth_(static_cast<size_t>(std::max(config.log_cluster_depth, 3) - 2)),
      tokenizer_(format, config.max_line_length) {}

Drain::~Drain() = default;

bool Drain::allow(int64_t now_ns) {
  if (blocked_until_ != 0) {
    if (now_ns < blocked_until_) return false;
    added_ = evicted_ = 0;
    blocked_until_ = 0;
  }
  if (added_ > 0 && static_cast<double>(evicted_) / static_cast<double>(added_) > config_.max_eviction_ratio) {
    blocked_until_ = now_ns + config_.throttle_ns;
    return false;
  }
  ++added_;
  return true;
}

const Cluster* Drain::train(std::string_view line, int64_t ts_ns, int64_t now_ns) {
  if (!allow(now_ns) || !tokenizer_.tokenize(line, scratch_) || scratch_.tokens.size() < kMinTokens ||
      scratch_.tokens.size() > kMaxTokens) {
    ++stats_.lines_skipped;
    return nullptr;
  }
  ++stats_.lines_trained;
  const auto& tokens = scratch_.tokens;
  if (Cluster* match = tree_search(tokens)) {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (match->tokens[i] != tokens[i]) match->tokens[i] = kPlaceholder;
    }
    match->samples.add(ts_ns);
    lru_.splice(lru_.begin(), lru_, by_id_.at(match->id));
    return match;
  }
  Cluster c{++next_id_, {}, scratch_.spaces_after, SampleBuckets(config_.sample_interval_ns / 1'000'000)};
  c.tokens.assign(tokens.begin(), tokens.end());
  c.samples.add(ts_ns);
  lru_.push_front(std::move(c));
  by_id_[lru_.front().id] = lru_.begin();
  ++stats_.clusters_created;
  add_to_tree(lru_.front());
  Cluster* created = &lru_.front();
  if (config_.max_clusters > 0 && lru_.size() > config_.max_clusters) evict_oldest();
  return created;
}

void Drain::evict_oldest() {
  by_id_.erase(lru_.back().id);
  lru_.pop_back();
  ++evicted_;
  ++stats_.clusters_evicted;
}

Cluster* Drain::tree_search(const std::vector<std::string_view>& tokens) {
  auto first = by_length_.find(tokens.size());
  if (first == by_length_.end()) return nullptr;
  Node* node = first->second.get();
  size_t depth = 1;
  for (std::string_view token : tokens) {
    if (depth >= max_node_depth_ || depth == tokens.size()) break;
    auto it = node->children.find(token);
    if (it == node->children.end()) it = node->children.find(kPlaceholder);
    if (it == node->children.end()) return nullptr;
    node = it->second.get();
    ++depth;
  }
  return best_match(node->cluster_ids, tokens);
}

Cluster* Drain::best_match(const std::vector<uint64_t>& ids, const std::vector<std::string_view>& tokens) {
  Cluster* best = nullptr;
  double best_sim = -1;
  int64_t best_params = -1;
  for (uint64_t id : ids) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) continue;
    Cluster& c = *it->second;
    size_t same = 0;
    int64_t params = 0;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (c.tokens[i] == kPlaceholder) {
        ++params;
      } else if (c.tokens[i] == tokens[i]) {
        ++same;
      }
    }
    double sim = static_cast<double>(same) / static_cast<double>(tokens.size());
    if (sim > best_sim || (sim == best_sim && params > best_params)) {
      best_sim = sim;
      best_params = params;
      best = &c;
    }
  }
  return best_sim >= config_.similarity_threshold ? best : nullptr;
}

Drain::Node* Drain::child_for(Node& node, const std::string& token) {
  if (auto it = node.children.find(token); it != node.children.end()) return it->second.get();
  const std::string placeholder(kPlaceholder);
  auto wildcard = node.children.find(placeholder);
  auto make = [&](const std::string& key) {
    auto& slot = node.children[key];
    slot = std::make_unique<Node>();
    return slot.get();
  };
  if (has_digit(token)) {
    // Tokens with digits are likely variables: they share the `<_>` branch.
    return wildcard != node.children.end() ? wildcard->second.get() : make(placeholder);
  }
  if (wildcard != node.children.end()) {
    return node.children.size() < config_.max_children ? make(token) : wildcard->second.get();
  }
  // The last free child of a node is the `<_>` branch, so that a crowded node still has one.
  if (node.children.size() + 1 < config_.max_children) return make(token);
  return make(placeholder);
}

void Drain::add_to_tree(const Cluster& c) {
  auto& first = by_length_[c.tokens.size()];
  if (!first) first = std::make_unique<Node>();
  Node* node = first.get();
  size_t depth = 1;
  for (const std::string& token : c.tokens) {
    if (depth >= max_node_depth_ || depth >= c.tokens.size()) break;
    node = child_for(*node, token);
    ++depth;
  }
  auto& ids = node->cluster_ids;
  ids.erase(std::remove_if(ids.begin(), ids.end(), [&](uint64_t id) { return !by_id_.count(id); }), ids.end());
  ids.push_back(c.id);
}

void Drain::for_each_cluster(const std::function<void(const Cluster&)>& fn) const {
  for (const Cluster& c : lru_) fn(c);
}

size_t Drain::prune_tree(Node& node) {
  for (auto it = node.children.begin(); it != node.children.end();) {
    if (prune_tree(*it->second) == 0) {
      it = node.children.erase(it);
    } else {
      ++it;
    }
  }
  auto& ids = node.cluster_ids;
  ids.erase(std::remove_if(ids.begin(), ids.end(), [&](uint64_t id) { return !by_id_.count(id); }), ids.end());
  return node.children.size() + ids.size();
}

size_t Drain::prune(int64_t cutoff_ms) {
  for (auto it = lru_.begin(); it != lru_.end();) {
    it->samples.prune(cutoff_ms);
    if (it->samples.empty()) {
      by_id_.erase(it->id);
      it = lru_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = by_length_.begin(); it != by_length_.end();) {
    if (prune_tree(*it->second) == 0) {
      it = by_length_.erase(it);
    } else {
      ++it;
    }
  }
  return lru_.size();
}

}  // namespace pattern
