#include "sources/journal_reader.h"

#include <systemd/sd-journal.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "relabel/relabel.h"
#include "sources/journal_cursor_tracker.h"

namespace sources {
std::string journal_priority_keyword(std::string_view p) {
  static const char* const kKeywords[] = {"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"};
  if (p.size() == 1 && p[0] >= '0' && p[0] <= '7') return kKeywords[p[0] - '0'];
  return std::string(p);
}

struct JournalReader::Impl {
  JournalReaderOptions options;
  Sink sink;
  sd_journal* journal = nullptr;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> entries{0};
  bool stopped = false;
  std::mutex tracker_mu;  // the reading thread and save_acknowledged_cursor()
  JournalCursorTracker tracker;
  uint64_t last_sequence = 0;

  ~Impl() {
    if (journal) sd_journal_close(journal);
  }

  // Positions the journal so that the next sd_journal_next() returns the first entry to ship.
  void seek() {
    const int64_t now_ns = (options.clock ? *options.clock : util::system_clock()).now_ns();
    const uint64_t oldest = static_cast<uint64_t>((now_ns - options.max_age_ns) / 1000);
    if (!options.cursor.empty() && sd_journal_seek_cursor(journal, options.cursor.c_str()) >= 0 &&
        sd_journal_next(journal) > 0 && sd_journal_test_cursor(journal, options.cursor.c_str()) > 0) {
      uint64_t ts = 0;
      if (sd_journal_get_realtime_usec(journal, &ts) >= 0 && ts >= oldest) return;  // resume after it
    }
    sd_journal_seek_realtime_usec(journal, oldest);
  }

  void save_acknowledged_cursor() {
    std::lock_guard lock(tracker_mu);
    uint64_t acked = options.acknowledged ? options.acknowledged() : last_sequence;
    if (auto cursor = tracker.advance(acked); cursor && options.save_cursor) options.save_cursor(*cursor);
  }

  // Entries filtered out here settle with the entry handed on before them.
  void filtered(std::string cursor) {
    std::lock_guard lock(tracker_mu);
    tracker.filtered(std::move(cursor));
  }

  void ship_current() {
    std::map<std::string, std::string> fields;  // sorted: the JSON line has stable key order
    const void* data = nullptr;
    size_t len = 0;
    SD_JOURNAL_FOREACH_DATA(journal, data, len) {
      std::string_view f(static_cast<const char*>(data), len);
      size_t eq = f.find('=');
      if (eq == std::string_view::npos) continue;
      fields.emplace(std::string(f.substr(0, eq)), std::string(f.substr(eq + 1)));
    }
    uint64_t realtime = 0;
    sd_journal_get_realtime_usec(journal, &realtime);
    char* cursor_c = nullptr;
    std::string cursor;
    if (sd_journal_get_cursor(journal, &cursor_c) >= 0) {
      cursor = cursor_c;
      free(cursor_c);
    }
    std::string line;
    if (options.json) {
      nlohmann::json obj(fields);
      line = obj.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      auto it = fields.find("MESSAGE");
      if (it == fields.end()) return filtered(std::move(cursor));  // as Promtail: no MESSAGE, skipped
      line = it->second;
    }
    std::vector<model::Label> meta;
    meta.reserve(fields.size() + 1 + options.labels.size());
    std::string name;
    for (const auto& [k, v] : fields) {
      name.assign("__journal_");
      for (char c : k) name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (k == "PRIORITY") meta.push_back({"__journal_priority_keyword", journal_priority_keyword(v)});
      meta.push_back({name, v});
    }
    for (const model::Label& l : options.labels) meta.push_back(l);
    model::LabelSet labels = model::LabelSet::from_unsorted(std::move(meta));
    if (!options.relabel_rules.empty() && !relabel::apply_rules(options.relabel_rules, labels)) {
      return filtered(std::move(cursor));
    }
    relabel::drop_reserved_labels(labels);
    if (labels.empty()) return filtered(std::move(cursor));  // Promtail drops entries without labels
    entries++;
    uint64_t sequence = 0;
    {
      std::lock_guard lock(tracker_mu);
      sequence = ++last_sequence;
      tracker.handed_on(sequence, std::move(cursor));
    }
    sink(std::move(labels), model::Entry{static_cast<int64_t>(realtime) * 1000, std::move(line), {}}, sequence);
  }

  void run() {
    seek();
    while (!stopping) {
      int r = sd_journal_next(journal);
      if (r > 0) {
        ship_current();
        save_acknowledged_cursor();
        continue;
      }
      // At the end (or a transient error): wait for appends, waking up to notice stop() and
      // acknowledgements of what was handed on.
      sd_journal_wait(journal, 250'000);
      save_acknowledged_cursor();
    }
  }
};

util::Result<std::unique_ptr<JournalReader>> JournalReader::start(JournalReaderOptions options, Sink sink) {
  auto impl = std::make_unique<Impl>();
  int r = options.path.empty() ? sd_journal_open(&impl->journal, SD_JOURNAL_LOCAL_ONLY)
                               : sd_journal_open_directory(&impl->journal, options.path.c_str(), 0);
  if (r < 0) {
    return util::Error{"journal: cannot open " + (options.path.empty() ? std::string("the system journal") : options.path) +
                       ": " + std::strerror(-r)};
  }
  for (const std::string& m : options.matches) {
    if (int rm = sd_journal_add_match(impl->journal, m.data(), m.size()); rm < 0) {
      return util::Error{"journal: invalid match \"" + m + "\": " + std::strerror(-rm)};
    }
  }
  impl->options = std::move(options);
  impl->sink = std::move(sink);
  Impl* p = impl.get();
  impl->thread = std::thread([p] { p->run(); });
  return std::unique_ptr<JournalReader>(new JournalReader(std::move(impl)));
}

JournalReader::JournalReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JournalReader::~JournalReader() { stop(); }

void JournalReader::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->stopping = true;
  if (impl_->thread.joinable()) impl_->thread.join();
}

void JournalReader::save_acknowledged_cursor() { impl_->save_acknowledged_cursor(); }

uint64_t JournalReader::entries() const { return impl_->entries; }

}  // namespace sources
