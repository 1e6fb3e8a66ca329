#include "ingest/head_block.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "ingest/line_page_pool.h"

namespace ingest {

namespace {

// Small first pages: a stream with a few short lines (100k idle streams) should not hold 4 KiB.
constexpr size_t kFirstPage = 256;
constexpr size_t kMaxPage = LinePagePool::kPageSize;

bool by_time(const HeadEntry& a, const HeadEntry& b) { return a.timestamp < b.timestamp; }

void release(char* data, size_t size) {
  if (size == kMaxPage)
    LinePagePool::shared().give_back(data);
  else
    std::free(data);
}

}  // namespace

HeadBlock::~HeadBlock() {
  for (const Page& page : pages_) release(page.data, page.size);
}

void HeadBlock::reset() {
  if (!pages_.empty()) {
    auto largest = std::max_element(pages_.begin(), pages_.end(), [](const Page& a, const Page& b) { return a.size < b.size; });
    Page keep = *largest;
    for (const Page& page : pages_)
      if (page.data != keep.data) release(page.data, page.size);
    pages_.assign(1, keep);
    page_capacity_ = keep.size;
  }
  page_used_ = 0;
  metadata_.clear();
  sorted_.clear();
  out_of_order_.clear();
  line_bytes_ = 0;
  memory_bytes_ = 0;
  min_time_ = 0;
  sealed_ = false;
}

const char* HeadBlock::store_line(std::string_view line) {
  if (line.empty()) return "";
  if (page_capacity_ - page_used_ < line.size()) {
    size_t next = page_capacity_ == 0 ? kFirstPage : std::min(page_capacity_ * 2, kMaxPage);
    page_capacity_ = std::max(next, line.size());
    char* page = page_capacity_ == kMaxPage ? LinePagePool::shared().take()
                                            : static_cast<char*>(std::malloc(page_capacity_));  // no zero-fill
    if (!page) throw std::bad_alloc();
    pages_.push_back({page, page_capacity_});
    page_used_ = 0;
  }
  char* dst = pages_.back().data + page_used_;
  std::memcpy(dst, line.data(), line.size());
  page_used_ += line.size();
  return dst;
}

bool HeadBlock::contains(int64_t ts, std::string_view line) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), HeadEntry{ts, nullptr, 0, nullptr}, by_time);
  for (; it != sorted_.end() && it->timestamp == ts; ++it)
    if (it->line() == line) return true;
  auto [lo, hi] = out_of_order_.equal_range(ts);
  for (; lo != hi; ++lo)
    if (lo->second.line() == line) return true;
  return false;
}

bool HeadBlock::append(int64_t ts, std::string_view line, const model::LabelSet& metadata) {
  bool in_order = sorted_.empty() || ts > sorted_.back().timestamp;
  if (!in_order && contains(ts, line)) return false;
  HeadEntry e{ts, store_line(line), static_cast<uint32_t>(line.size()), nullptr};
  memory_bytes_ += line.size() + sizeof(HeadEntry);
  if (!metadata.empty()) {
    e.metadata = metadata_.emplace_back(std::make_unique<model::LabelSet>(metadata)).get();
    for (const auto& l : metadata) memory_bytes_ += l.name.size() + l.value.size() + sizeof(model::Label);
  }
  if (empty() || ts < min_time_) min_time_ = ts;
  line_bytes_ += line.size();
  if (in_order || ts == sorted_.back().timestamp) {
    sorted_.push_back(e);
  } else {
    out_of_order_.emplace(ts, e);
    // Keep the map small relative to the run: merging costs O(n), amortized over n/4 inserts.
    if (out_of_order_.size() > std::max<size_t>(256, sorted_.size() / 4)) merge_out_of_order();
  }
  return true;
}

void HeadBlock::merge_out_of_order() {
  if (out_of_order_.empty()) return;
  std::vector<HeadEntry> merged;
  merged.reserve(size());
  auto a = sorted_.begin();
  for (const auto& [ts, e] : out_of_order_) {
    // Entries already in the run come first among equal timestamps: they arrived earlier.
    while (a != sorted_.end() && a->timestamp <= ts) merged.push_back(*a++);
    merged.push_back(e);
  }
  merged.insert(merged.end(), a, sorted_.end());
  sorted_ = std::move(merged);
  out_of_order_.clear();
}

void HeadBlock::copy_range(int64_t start, int64_t end, std::vector<HeadEntry>& out) const {
  if (start >= end) return;
  auto lo = std::lower_bound(sorted_.begin(), sorted_.end(), HeadEntry{start, nullptr, 0, nullptr}, by_time);
  auto hi = std::lower_bound(lo, sorted_.end(), HeadEntry{end, nullptr, 0, nullptr}, by_time);
  auto olo = out_of_order_.lower_bound(start);
  auto ohi = out_of_order_.lower_bound(end);
  out.reserve(out.size() + static_cast<size_t>(hi - lo));
  for (; olo != ohi; ++olo) {
    while (lo != hi && lo->timestamp <= olo->first) out.push_back(*lo++);
    out.push_back(olo->second);
  }
  out.insert(out.end(), lo, hi);
}

void HeadBlock::seal() {
  merge_out_of_order();
  sealed_ = true;
}

}  // namespace ingest
