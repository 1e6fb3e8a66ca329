#include "logcli/stdin_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "logcli/jsonl_entry.h"
#include "logql/eval/matchers.h"
#include "model/time.h"

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

// The literal every selected line must contain, when the pipeline starts with `|= "literal"`;
// empty when there is none.
std::string_view required_literal(const std::vector<logql::ast::Stage>* stages) {
  if (!stages || stages->empty()) return {};
  const auto* f = std::get_if<logql::ast::LineFilter>(&stages->front());
  if (!f || f->op != logql::ast::LineFilterOp::Contains || f->ip || f->values.size() != 1) return {};
  return f->values[0];
}

}  // namespace

util::Status StdinSource::add_raw(std::string_view lines, int64_t now, int64_t& last) {
  // `lines` holds complete lines only; each is stamped with the read time, kept strictly
  // increasing so that input order stays time order.
  size_t base = static_cast<size_t>(lines.data() - data_.data());
  size_t pos = 0;
  while (pos < lines.size()) {
    const char* nl = static_cast<const char*>(std::memchr(lines.data() + pos, '\n', lines.size() - pos));
    size_t end = nl ? static_cast<size_t>(nl - lines.data()) : lines.size();
    size_t len = end - pos;
    if (len > 0 && lines[end - 1] == '\r') --len;
    if (len > UINT32_MAX) return util::Error{"input line too long"};
    last = std::max(now, last + 1);
    entries_.push_back(EntryRef{last, 0, static_cast<uint32_t>(len), base + pos});
    pos = end + 1;
  }
  return {};
}

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

util::Status StdinSource::split_raw(const std::vector<std::pair<size_t, int64_t>>& arrivals) {
  // arrivals: (bytes read so far, time) after each read; a line takes the time its newline arrived.
  streams_.emplace_back();
  entries_.reserve(data_.size() / 96 + 16);  // typical log lines are around 100 bytes
  int64_t last = INT64_MIN;
  size_t start = 0;
  for (size_t k = 0; k < arrivals.size() && start < data_.size(); ++k) {
    size_t stop = k + 1 == arrivals.size() ? data_.size() : data_.rfind('\n', arrivals[k].first - 1);
    if (stop == std::string_view::npos || stop < start) continue;  // no complete line yet
    if (k + 1 != arrivals.size()) ++stop;                           // include the newline
    std::string_view lines = data_.substr(start, stop - start);
    if (!lines.empty() && lines.back() == '\n') lines.remove_suffix(1);
    if (stop > start) {
      if (auto s = add_raw(lines, arrivals[k].second, last); !s) return s;
    }
    start = stop;
  }
  return {};
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
  util::Status st = format == StdinFormat::Raw ? src->split_raw(arrivals) : src->parse_jsonl();
  if (!st) return st.status_error();
  src->finish();
  return src;
}

util::Result<std::unique_ptr<StdinSource>> StdinSource::from_buffer(std::string data, StdinFormat format,
                                                                    int64_t read_time_ns) {
  size_t size = data.size();
  return load(InputBuffer::from_string(std::move(data)), format, {{size, read_time_ns}});
}

util::Result<std::unique_ptr<StdinSource>> StdinSource::read(int fd, StdinFormat format, util::Clock& clock) {
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
  std::vector<bool> stream_ok(streams_.size(), true);
  if (format_ == StdinFormat::Jsonl) {
    auto filter = logql::LabelMatchers::compile(params.matchers);
    if (!filter) return filter.status_error();
    for (size_t i = 0; i < streams_.size(); ++i) stream_ok[i] = filter->matches(streams_[i]);
  }
  auto lo = std::lower_bound(entries_.begin(), entries_.end(), params.start,
                             [](const EntryRef& e, int64_t t) { return e.ts < t; });
  auto hi = std::lower_bound(lo, entries_.end(), params.end, [](const EntryRef& e, int64_t t) { return e.ts < t; });
  std::vector<const EntryRef*> refs;
  if (std::string_view needle = required_literal(params.stages); format_ == StdinFormat::Raw && !needle.empty()) {
    // One memmem pass over the whole input finds the candidate lines, as grep does, instead of a
    // search per line; the engine still applies the filter itself. Raw entries lie in input
    // order, so offsets ascend with the index.
    uint64_t from = lo == hi ? 0 : lo->offset, to = lo == hi ? 0 : (hi - 1)->offset + (hi - 1)->len;
    auto line = lo;
    for (uint64_t pos = from; pos < to;) {
      const void* hit = memmem(data_.data() + pos, to - pos, needle.data(), needle.size());
      if (!hit) break;
      uint64_t at = static_cast<uint64_t>(static_cast<const char*>(hit) - data_.data());
      line = std::upper_bound(line, hi, at, [](uint64_t off, const EntryRef& e) { return off < e.offset; }) - 1;
      if (at + needle.size() <= line->offset + line->len) {
        refs.push_back(&*line);
        pos = line->offset + line->len;  // one hit per line is enough
        ++line;
        if (line == hi) break;
      } else {
        pos = at + 1;  // the match spans a line break: not a match in any line
      }
    }
  } else {
    refs.reserve(static_cast<size_t>(hi - lo));
    for (auto it = lo; it != hi; ++it)
      if (stream_ok[it->stream]) refs.push_back(&*it);
  }
  if (params.direction == logql::Direction::Backward) std::reverse(refs.begin(), refs.end());
  std::string_view text = format_ == StdinFormat::Raw ? data_ : std::string_view(decoded_);
  return std::unique_ptr<logql::EntryIterator>(new SliceIterator(streams_, std::move(refs), text));
}

}  // namespace logcli
