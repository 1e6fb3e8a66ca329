// Stage: one compiled step of a Promtail pipeline. Most stages transform an entry in place
// (process); stages that join lines (multiline, cri partial lines) hold entries back and emit
// them later, so the pipeline drives them through push/flush/drain with a sink for what comes out.
//
// Stages keep state (rate limiters, fudged timestamps, buffered lines) and are not thread-safe:
// a pipeline and its stages are driven by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "stages/entry.h"

namespace stages {

// Receives the entries a stage (or pipeline) emits. The entry may be modified or moved from.
using EntrySink = std::function<void(Entry&)>;

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;

  // Transforms the entry in place; false drops it (the stage counts the drop itself).
  virtual bool process(Entry& entry) = 0;

  // Buffering stages override these four; for the others they wrap process().
  virtual bool buffers() const { return false; }
  virtual void push(Entry& entry, const EntrySink& next) {
    if (process(entry)) next(entry);
  }
  // Emits entries that have waited longer than the stage allows, as of `now_ns`.
  virtual void flush(int64_t /*now_ns*/, const EntrySink& /*next*/) {}
  // Emits everything still held (end of input, shutdown).
  virtual void drain(const EntrySink& /*next*/) {}
};

}  // namespace stages
