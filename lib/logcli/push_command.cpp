#include "logcli/push_command.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "client/client.h"
#include "fsutil/atomic_file.h"
#include "logcli/jsonl_entry.h"
#include "model/time.h"

namespace logcli {

namespace {

using json = nlohmann::json;

constexpr int64_t kCheckpointEveryNs = 1'000'000'000;
constexpr int64_t kProgressEveryNs = 500'000'000;
constexpr size_t kErrorsShown = 5;

std::string input_name(const std::string& input) { return input.empty() ? "-" : input; }

// How far the server has settled the input: `offset` bytes of inputs[input] (and all before it).
struct Checkpoint {
  std::vector<std::string> inputs;
  size_t input = 0;
  int64_t offset = 0;
  uint64_t entries = 0;  // settled entries over all runs, for the summary

  std::string to_json() const {
    return json{{"inputs", inputs}, {"input", input}, {"offset", offset}, {"entries", entries}}.dump() + "\n";
  }
};

util::Result<Checkpoint> read_checkpoint(const std::string& path, const std::vector<std::string>& inputs) {
  Checkpoint c;
  c.inputs = inputs;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) return c;  // a first run
  auto text = fsutil::read_file(path);
  if (!text) return util::Error{"checkpoint " + path + ": " + text.error()};
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("inputs") || !j["inputs"].is_array() ||
      !j.contains("input") || !j["input"].is_number_unsigned() || !j.contains("offset") ||
      !j["offset"].is_number_integer()) {
    return util::Error{"checkpoint " + path + " is not a logcli push checkpoint"};
  }
  std::vector<std::string> was;
  for (const auto& i : j["inputs"]) was.push_back(i.is_string() ? i.get<std::string>() : "?");
  if (was != inputs) {
    std::string names;
    for (const auto& w : was) names += (names.empty() ? "" : " ") + w;
    return util::Error{"checkpoint " + path + " was written for the input(s) " + names +
                       "; give the same inputs, or another checkpoint file"};
  }
  c.input = j["input"].get<size_t>();
  c.offset = j["offset"].get<int64_t>();
  if (j.contains("entries") && j["entries"].is_number_unsigned()) c.entries = j["entries"].get<uint64_t>();
  if (c.input > inputs.size() || c.offset < 0) return util::Error{"checkpoint " + path + " is out of range"};
  return c;
}

// What the client's acknowledgements tell, shared between its sender thread and the reader.
class Settlement {
 public:
  Settlement(Checkpoint start, std::string path, util::Clock& clock)
      : checkpoint_(std::move(start)), path_(std::move(path)), clock_(clock) {}

  // On the client's sender thread.
  void on_outcome(const client::BatchOutcome& o) {
    std::lock_guard lock(mu_);
    if (o.accepted) {
      accepted_ += o.entries;
      bytes_ += o.bytes;
    } else if (o.status == 429 || o.status < 0 || o.status / 100 == 5 || o.status == 401 || o.status == 403) {
      // Still failing after the retries, or refused for the credentials (every later batch would
      // be too): the copy stops here, and the checkpoint with it.
      if (stop_error_.empty()) stop_error_ = o.error.empty() ? "batch not delivered" : o.error;
      return;
    } else {
      refused_ += o.entries;
      if (errors_.size() < kErrorsShown) errors_.push_back(o.error);
    }
    if (!stop_error_.empty() || o.positions.empty()) return;
    checkpoint_.input = o.positions.back().source - 1;
    checkpoint_.offset = o.positions.back().offset;
    checkpoint_.entries += o.entries;
    // A failed write is not fatal here: the final write() reports it.
    if (clock_.now_ns() - last_write_ns_ >= kCheckpointEveryNs) (void)write_locked().ok();
  }

  bool stopped() const {
    std::lock_guard lock(mu_);
    return !stop_error_.empty();
  }
  std::string stop_error() const {
    std::lock_guard lock(mu_);
    return stop_error_;
  }
  util::Status write() {
    std::lock_guard lock(mu_);
    return write_locked();
  }
  std::string progress_line(uint64_t read) const {
    std::lock_guard lock(mu_);
    return std::to_string(read) + " read, " + std::to_string(accepted_) + " accepted (" +
           model::format_bytes(bytes_) + "), " + std::to_string(refused_) + " refused";
  }
  uint64_t accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }
  uint64_t refused() const {
    std::lock_guard lock(mu_);
    return refused_;
  }
  std::vector<std::string> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }

 private:
  util::Status write_locked() {
    last_write_ns_ = clock_.now_ns();
    if (path_.empty()) return {};
    return fsutil::write_file_atomically(path_, checkpoint_.to_json());
  }

  mutable std::mutex mu_;
  Checkpoint checkpoint_;
  const std::string path_;
  util::Clock& clock_;
  int64_t last_write_ns_ = 0;
  uint64_t accepted_ = 0, refused_ = 0, bytes_ = 0;
  std::vector<std::string> errors_;
  std::string stop_error_;
};

client::ClientConfig client_config(const ClientOptions& c, const PushOptions& o) {
  client::ClientConfig cc;
  std::string addr = c.addr;
  while (!addr.empty() && addr.back() == '/') addr.pop_back();
  cc.url = addr + "/loki/api/v1/push";
  cc.tenant_id = c.org_id;
  cc.batchsize = o.batch_size;
  cc.batchwait = o.batch_wait_ns;
  cc.basic_auth.username = c.username;
  cc.basic_auth.password = c.password;
  cc.bearer_token = c.bearer_token;
  cc.bearer_token_file = c.bearer_token_file;
  cc.tls_config.ca_file = c.ca_cert;
  cc.tls_config.cert_file = c.cert;
  cc.tls_config.key_file = c.key;
  cc.tls_config.insecure_skip_verify = c.tls_skip_verify;
  cc.backoff_config.min_period = o.min_backoff_ns;
  cc.backoff_config.max_period = o.max_backoff_ns;
  cc.backoff_config.max_retries = o.max_retries;
  return cc;
}

// Opens input `i` positioned at `offset` (standard input is read past it: it cannot seek).
util::Result<std::FILE*> open_input(const std::string& input, int64_t offset) {
  if (input.empty()) {
    for (int64_t skipped = 0; skipped < offset;) {
      char buf[65536];
      size_t want = static_cast<size_t>(std::min<int64_t>(sizeof buf, offset - skipped));
      size_t got = std::fread(buf, 1, want, stdin);
      if (got == 0) return util::Error{"standard input ends before the checkpoint's offset " + std::to_string(offset)};
      skipped += static_cast<int64_t>(got);
    }
    return stdin;
  }
  std::FILE* f = std::fopen(input.c_str(), "rb");
  if (f == nullptr) return util::Error{input + ": " + std::strerror(errno)};
  struct stat st {};
  if (offset > 0 && (::fstat(fileno(f), &st) != 0 || st.st_size < offset || ::fseeko(f, offset, SEEK_SET) != 0)) {
    std::fclose(f);
    return util::Error{input + " is shorter than the checkpoint's offset " + std::to_string(offset)};
  }
  return f;
}

}  // namespace

int run_push(const ClientOptions& connection, const PushOptions& options, std::FILE* err, util::Clock& clock,
             std::unique_ptr<client::Transport> transport) {
  if (connection.org_id.find('|') != std::string::npos) {
    std::fprintf(err, "logcli push: --org-id names one tenant; \"%s\" names several\n", connection.org_id.c_str());
    return 2;
  }
  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty()) inputs.push_back("");
  for (auto& i : inputs) {
    if (i == "-") i.clear();
  }
  std::vector<std::string> names;
  for (const auto& i : inputs) names.push_back(input_name(i));

  Checkpoint start;
  start.inputs = names;
  if (!options.checkpoint.empty()) {
    auto c = read_checkpoint(options.checkpoint, names);
    if (!c) {
      std::fprintf(err, "logcli push: %s\n", c.error().c_str());
      return 2;
    }
    start = *c;
  }
  const Checkpoint resumed_from = start;
  Settlement settlement(start, options.checkpoint, clock);

  client::ClientOptions co;
  co.on_ack = [&settlement](const client::BatchOutcome& o) { settlement.on_outcome(o); };
  co.transport = std::move(transport);
  auto created = client::Client::create(client_config(connection, options), std::move(co));
  if (!created) {
    std::fprintf(err, "logcli push: %s\n", created.error().c_str());
    return 2;
  }
  client::Client& pusher = **created;

  uint64_t read = 0;
  std::string bad_input;
  int64_t last_progress = clock.now_ns();
  char* line = nullptr;
  size_t cap = 0;
  for (size_t i = resumed_from.input; i < inputs.size() && bad_input.empty() && !settlement.stopped(); ++i) {
    int64_t offset = i == resumed_from.input ? resumed_from.offset : 0;
    auto f = open_input(inputs[i], offset);
    if (!f) {
      bad_input = f.error();
      break;
    }
    size_t line_no = 0;
    for (ssize_t n; (n = ::getline(&line, &cap, *f)) > 0;) {
      offset += n;
      ++line_no;
      std::string_view text(line, static_cast<size_t>(n));
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
      if (text.empty()) continue;
      auto parsed = parse_jsonl_entry(text);
      if (!parsed) {
        bad_input = names[i] + ": line " + std::to_string(line_no) +
                    (i == resumed_from.input && resumed_from.offset > 0 ? " after the checkpoint" : "") + ": " +
                    parsed.error();
        break;
      }
      client::Entry e;
      for (const auto& l : options.extra_labels) parsed->labels.set(l.name, l.value);
      e.labels = std::make_shared<const model::LabelSet>(std::move(parsed->labels));
      e.entry = std::move(parsed->entry);
      e.position = client::SourcePosition{i + 1, offset};
      if (pusher.push(std::move(e)) != client::Client::PushStatus::kQueued) break;
      ++read;
      if (settlement.stopped()) break;
      if (options.progress && clock.now_ns() - last_progress >= kProgressEveryNs) {
        last_progress = clock.now_ns();
        std::fprintf(err, "\rlogcli push: %s", settlement.progress_line(read).c_str());
        std::fflush(err);
      }
    }
    if (*f != stdin) std::fclose(*f);
  }
  std::free(line);

  pusher.stop(std::chrono::hours(24));
  if (auto st = settlement.write(); !st) std::fprintf(err, "logcli push: %s\n", st.error().c_str());
  if (options.progress) std::fprintf(err, "\r\033[K");
  if (!options.quiet) {
    std::string resumed = resumed_from.entries > 0 || resumed_from.offset > 0 || resumed_from.input > 0
                              ? " (resumed after " + std::to_string(resumed_from.entries) + " entries)"
                              : "";
    std::fprintf(err, "logcli push: %s%s\n", settlement.progress_line(read).c_str(), resumed.c_str());
  }
  for (const auto& e : settlement.errors()) std::fprintf(err, "logcli push: refused: %s\n", e.c_str());
  if (!bad_input.empty()) {
    std::fprintf(err, "logcli push: %s\n", bad_input.c_str());
    return 2;
  }
  if (settlement.stopped()) {
    std::fprintf(err, "logcli push: stopped: %s%s\n", settlement.stop_error().c_str(),
                 options.checkpoint.empty() ? "" : "; run again with the same --checkpoint to resume");
    return 1;
  }
  return settlement.refused() > 0 ? 1 : 0;
}

}  // namespace logcli
