// JournalReader: Promtail's journal target. Reads the systemd journal through libsystemd's
// sd-journal (a directory of journal files with `path`, else the local system journal), and
// hands each entry to a sink with Promtail's labeling: every field FIELD becomes the meta label
// __journal_<field lowercased> (PRIORITY also as __journal_priority_keyword: "emerg" ...
// "debug"), the `labels` block is added, relabel_configs run, "__" labels are dropped, and an
// entry left without labels is dropped. The line is MESSAGE, or (json: true) every field as a
// JSON object; the timestamp is the entry's realtime timestamp.
//
// Where to start: after the cursor given (the positions file's "journal-<job_name>" value),
// unless that entry is older than max_age or gone; then at now - max_age, as Promtail does.
//
// Where to resume next time: entries handed to the sink are numbered 1, 2, 3...; the caller
// reports through `acknowledged` how far they were delivered, and the reader passes the cursor
// below which everything was delivered to `save_cursor` (Promtail saves it on hand-off; we wait
// for the clients, as for file offsets). See journal_cursor_tracker.h.
//
// Thread-safety: start(), stop() and save_acknowledged_cursor() from one controlling thread;
// the reading runs on its own thread, which calls the sink, `acknowledged` and `save_cursor`
// (these two also from save_acknowledged_cursor()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/entry.h"
#include "model/labels.h"
#include "relabel/relabel_rule.h"
#include "util/clock.h"
#include "util/result.h"

namespace sources {

struct JournalReaderOptions {
  std::string path;  // a directory of journal files; empty: the local system journal
  int64_t max_age_ns = 7LL * 3600 * 1'000'000'000;  // Promtail's default, 7h
  bool json = false;
  model::LabelSet labels;
  std::vector<relabel::RelabelRule> relabel_rules;
  std::string cursor;  // resume after this entry ("" = start at now - max_age)
  // "FIELD=value" terms for sd_journal_add_match: entries must match every field named (for a
  // field named twice, either value).
  std::vector<std::string> matches;
  // The highest entry number up to which every entry was delivered; null: an entry counts as
  // delivered once the sink returns.
  std::function<uint64_t()> acknowledged;
  // Called with the cursor to resume after, whenever it moves (may be null).
  std::function<void(const std::string& cursor)> save_cursor;
  util::Clock* clock = nullptr;  // where max_age counts from; null: the system clock
};

// Promtail's keywords for PRIORITY values "0".."7"; the value itself otherwise.
std::string journal_priority_keyword(std::string_view priority);

class JournalReader {
 public:
  // `sequence`: the entry's number, 1, 2, 3... in reading order.
  using Sink = std::function<void(model::LabelSet labels, model::Entry entry, uint64_t sequence)>;

  // Opens the journal and starts the reading thread. Fails when the journal cannot be opened.
  static util::Result<std::unique_ptr<JournalReader>> start(JournalReaderOptions options, Sink sink);
  ~JournalReader();  // stop()
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // Stops the thread; afterwards the sink is never called again.
  void stop();
  // Saves the cursor of what has been acknowledged since the reader last looked (after stop(),
  // once the clients have settled what they hold).
  void save_acknowledged_cursor();
  uint64_t entries() const;

  struct Impl;

 private:
  explicit JournalReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sources
