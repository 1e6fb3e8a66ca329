// Where the evaluator reads entries from. stdin, a chunk file, logd's head blocks and its store
// each implement LogSource; the engine never touches files or sockets itself.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "logql/ast.h"
#include "model/entry.h"
#include "model/labels.h"
#include "util/cancellation.h"
#include "util/result.h"

namespace logql {

enum class Direction { Forward, Backward };

struct SelectParams {
  std::vector<ast::Matcher> matchers;  // the stream selector
  int64_t start = 0;                   // inclusive, ns
  int64_t end = 0;                     // exclusive, ns
  Direction direction = Direction::Forward;
  // The pipeline that will run over the entries; a source may use its line filters to skip
  // blocks, but must still return every entry that could pass (the engine re-applies them).
  const std::vector<ast::Stage>* stages = nullptr;
  // The query's cancellation, for sources that can spend long without returning an entry
  // (decompressing blocks no entry of passes the filters): they check it now and then and end
  // iteration once it has fired (the engine then reports its status). May be null.
  const util::Cancellation* cancel = nullptr;
};

// Entries of every selected stream, in `direction` order of timestamp across all streams
// (entries with equal timestamps in any order).
class EntryIterator {
 public:
  virtual ~EntryIterator() = default;
  // Moves to the next entry; false at the end or on error (see status()).
  virtual bool next() = 0;
  // The current entry's stream labels; the reference stays valid until the iterator is destroyed,
  // and the same stream yields the same object, so callers may cache per-stream state by address.
  virtual const model::LabelSet& labels() const = 0;
  virtual const model::Entry& entry() const = 0;
  // An I/O or corruption error that ended iteration early; ok otherwise.
  virtual util::Status status() const { return {}; }
};

class LogSource {
 public:
  virtual ~LogSource() = default;
  virtual util::Result<std::unique_ptr<EntryIterator>> select(const SelectParams& params) = 0;
};

}  // namespace logql
