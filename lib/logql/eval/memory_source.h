// MemorySource: a LogSource over streams held in memory, for tests and for logcli's stdin mode.
// Entries may be appended in any order; each stream is sorted by timestamp (stably, so entries
// with equal timestamps keep their append order) the first time it is selected after a change.
// Not thread-safe: append and select from one thread.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "logql/eval/source.h"

namespace logql {

class MemorySource : public LogSource {
 public:
  void append(const model::LabelSet& stream, model::Entry entry);
  util::Result<std::unique_ptr<EntryIterator>> select(const SelectParams& params) override;

  size_t stream_count() const { return streams_.size(); }

  struct StreamData {
    model::LabelSet labels;
    std::vector<model::Entry> entries;
    bool sorted = true;
  };

 private:
  std::vector<std::unique_ptr<StreamData>> streams_;
  std::map<model::LabelSet, size_t> index_;
};

}  // namespace logql
