#include "logcli/stdin_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "logcli/jsonl_entry.h"
#include "logcli/raw_line_reader.h"
#include "logql/eval/matchers.h"
#include "logql/log/regex_prefilter.h"
#include "model/time.h"
#include "util/substring_finder.h"

namespace logcli {

namespace {

class SliceIterator : public logql::EntryIterator {
 public:
  SliceIterator(const std::vector<model::LabelSet>& streams, std::vector<const StdinSource::EntryRef*> refs,
                std::string_view text)
      : streams_(streams), refs_(std::move(refs)), text_(text) {}

  bool next() override {
    if (pos_ >= refs_.size()) return false;
    const auto* r = refs_[pos_++];
    current_ = r;
    entry_.timestamp = r->ts;
    entry_.line.assign(text_.data() + r->offset, r->len);
    return true;
  }
  const model::LabelSet& labels() const override { return streams_[current_->stream]; }
  const model::Entry& entry() const override { return entry_; }

 private:
  const std::vector<model::LabelSet>& streams_;
  std::vector<const StdinSource::EntryRef*> refs_;
  std::string_view text_;
  size_t pos_ = 0;
  const StdinSource::EntryRef* current_ = nullptr;
  model::Entry entry_;
};

// A needle every line the pipeline keeps must contain, from its leading line filters: a
// `|= "literal"`, or a literal RE2's prefilter finds every match of a `|~ "regex"` to hold
// (ASCII case-insensitively). None when the pipeline has neither.
std::optional<util::SubstringFinder> required_needle(const std::vector<logql::ast::Stage>* stages) {
  if (!stages) return std::nullopt;
  for (const auto& stage : *stages) {
    const auto* f = std::get_if<logql::ast::LineFilter>(&stage);
    if (!f) break;  // later stages may rewrite the line
    if (f->ip || f->values.size() != 1) continue;
    if (f->op == logql::ast::LineFilterOp::Contains && !f->values[0].empty())
      return util::SubstringFinder(f->values[0]);
    if (f->op == logql::ast::LineFilterOp::Regex) {
      auto literals = logql::log::regex_prefilter_literals(f->values[0]);
      if (literals.size() == 1) return util::SubstringFinder(literals[0], /*ascii_case_insensitive=*/true);
    }
  }
  return std::nullopt;
}

}  // namespace

util::Status StdinSource::add_jsonl_line(std::string_view line, size_t line_no) {
  auto parsed = parse_jsonl_entry(line);
  if (!parsed) return util::Error{"stdin line " + std::to_string(line_no) + ": " + parsed.error()};
  model::LabelSet& ls = parsed->labels;
  const int64_t ts = parsed->entry.timestamp;
  uint32_t stream = 0;
  auto [lo, hi] = stream_index_.equal_range(ls.fingerprint());
  auto found = std::find_if(lo, hi, [&](const auto& kv) { return streams_[kv.second] == ls; });
  if (found == hi) {
    stream = static_cast<uint32_t>(streams_.size());
    stream_index_.emplace(ls.fingerprint(), stream);
    streams_.push_back(std::move(ls));
  } else {
    stream = found->second;
  }
  const std::string& text = parsed->entry.line;
  entries_.push_back(EntryRef{ts, stream, static_cast<uint32_t>(text.size()), decoded_.size()});
  decoded_ += text;
  return {};
}

void StdinSource::finish() {
  auto by_time = [](const EntryRef& a, const EntryRef& b) { return a.ts < b.ts; };
  // Raw input is stamped in order; jsonl usually is too. Sorting costs more than checking.
  if (!std::is_sorted(entries_.begin(), entries_.end(), by_time))
    std::stable_sort(entries_.begin(), entries_.end(), by_time);
  if (!entries_.empty()) {
    min_ts_ = entries_.front().ts;
    max_ts_ = entries_.back().ts;
  }
}

util::Status StdinSource::parse_jsonl() {
  std::string_view all = data_;
  size_t line_no = 0;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    all.remove_prefix(nl == std::string_view::npos ? all.size() : nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (auto s = add_jsonl_line(line, line_no); !s) return s;
  }
  return {};
}

util::Result<std::unique_ptr<StdinSource>> StdinSource::load(InputBuffer input, StdinFormat format,
                                                             const std::vector<std::pair<size_t, int64_t>>& arrivals) {
  std::unique_ptr<StdinSource> src(new StdinSource());
  src->format_ = format;
  src->input_ = std::move(input);
  src->data_ = src->input_.view();
  if (format == StdinFormat::Raw) {
    RawLineStamps stamps = RawLineStamps::from_arrivals(src->data_, arrivals);
    if (auto st = src->init_raw(RawInput{src->data_}, std::move(stamps)); !st) return st.status_error();
    return src;
  }
  if (auto st = src->parse_jsonl(); !st) return st.status_error();
  src->finish();
  return src;
}

util::Result<std::unique_ptr<StdinSource>> StdinSource::from_buffer(std::string data, StdinFormat format,
                                                                    int64_t read_time_ns) {
  size_t size = data.size();
  return load(InputBuffer::from_string(std::move(data)), format, {{size, read_time_ns}});
}

util::Status StdinSource::init_raw(RawInput input, RawLineStamps stamps) {
  format_ = StdinFormat::Raw;
  raw_ = input;
  stamps_ = std::move(stamps);
  streams_.assign(1, model::LabelSet());
  if (raw_.total() == 0) return {};
  auto last = last_line_start(raw_);
  if (!last) return last.status_error();
  min_ts_ = stamps_.time_of(0);
  max_ts_ = stamps_.time_of(*last);
  return {};
}

StdinSource::~StdinSource() {
  if (owned_fd_ >= 0) ::close(owned_fd_);
}

util::Result<std::unique_ptr<StdinSource>> StdinSource::read(int fd, StdinFormat format, util::Clock& clock) {
  if (format == StdinFormat::Raw) {
    // A regular file is read where it lies, buffer by buffer, by each select (raw_line_reader.h).
    struct stat st;
    off_t pos = ::lseek(fd, 0, SEEK_CUR);
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pos >= 0 && pos <= st.st_size) {
      std::unique_ptr<StdinSource> src(new StdinSource());
      src->owned_fd_ = ::dup(fd);
      if (src->owned_fd_ < 0) return util::Error{std::string("reading stdin: ") + std::strerror(errno)};
      RawInput in;
      in.fd = src->owned_fd_;
      in.start = pos;
      in.size = static_cast<size_t>(st.st_size - pos);
      if (auto s = src->init_raw(in, RawLineStamps(clock.now_ns())); !s) return s.status_error();
      return src;
    }
  }
  // Raw lines are stamped with the time they arrive, so `tail -f app.log | logcli ...` style
  // inputs get meaningful times; a mapped file arrives all at once.
  std::vector<std::pair<size_t, int64_t>> arrivals;
  auto input = InputBuffer::read_all(fd, [&](size_t end) { arrivals.emplace_back(end, clock.now_ns()); });
  if (!input) return input.status_error();
  if (arrivals.empty() || arrivals.back().first != input->view().size())
    arrivals.emplace_back(input->view().size(), clock.now_ns());
  return load(std::move(*input), format, arrivals);
}

util::Result<std::unique_ptr<logql::EntryIterator>> StdinSource::select(const logql::SelectParams& params) {
  const bool backward = params.direction == logql::Direction::Backward;
  if (format_ == StdinFormat::Raw) {
    // Stream selectors are not applied to raw input (one unlabelled stream), as in Loki's logcli.
    size_t lo = stamps_.first_offset_at_or_after(params.start);
    size_t hi = std::max(lo, stamps_.first_offset_at_or_after(params.end));
    return std::unique_ptr<logql::EntryIterator>(
        new RawLineIterator(raw_, stamps_, streams_[0], lo, hi, required_needle(params.stages), backward));
  }
  auto filter = logql::LabelMatchers::compile(params.matchers);
  if (!filter) return filter.status_error();
  std::vector<bool> stream_ok(streams_.size());
  for (size_t i = 0; i < streams_.size(); ++i) stream_ok[i] = filter->matches(streams_[i]);
  auto lo = std::lower_bound(entries_.begin(), entries_.end(), params.start,
                             [](const EntryRef& e, int64_t t) { return e.ts < t; });
  auto hi = std::lower_bound(lo, entries_.end(), params.end, [](const EntryRef& e, int64_t t) { return e.ts < t; });
  std::vector<const EntryRef*> refs;
  refs.reserve(static_cast<size_t>(hi - lo));
  for (auto it = lo; it != hi; ++it)
    if (stream_ok[it->stream]) refs.push_back(&*it);
  if (backward) std::reverse(refs.begin(), refs.end());
  return std::unique_ptr<logql::EntryIterator>(new SliceIterator(streams_, std::move(refs), decoded_));
}

}  // namespace logcli
