// multiline: joins the lines of a block (a line matching `firstline`, then every line that does
// not) into one entry, per stream. A block is sent when the next block starts, when it reaches
// max_lines, or when no line arrived for max_wait_time (flush()). The block keeps the first
// line's labels, timestamp and extracted values; lines are joined with "\n".
#include <map>

#include <re2/re2.h>

#include "model/time.h"
#include "stages/builtin.h"

namespace stages {

namespace {

class MultilineStage final : public Stage {
 public:
  MultilineStage(std::unique_ptr<RE2> firstline, int64_t max_wait_ns, int64_t max_lines, util::Clock& clock)
      : firstline_(std::move(firstline)), max_wait_ns_(max_wait_ns), max_lines_(max_lines), clock_(clock) {}
  std::string_view name() const override { return "multiline"; }
  bool buffers() const override { return true; }
  bool process(Entry&) override { return true; }  // never called: the pipeline uses push()

  void push(Entry& e, const EntrySink& next) override {
    Block& b = blocks_[e.labels.fingerprint()];
    if (RE2::PartialMatch(e.line, *firstline_)) emit(b, next);
    if (b.lines == 0) {
      b.entry = e;
    } else {
      b.entry.line += '\n';
      b.entry.line += e.line;
    }
    b.lines++;
    b.last_arrival = clock_.now_ns();
    if (b.lines >= max_lines_) emit(b, next);
  }

  void flush(int64_t now_ns, const EntrySink& next) override {
    for (auto& [fp, b] : blocks_) {
      if (b.lines > 0 && now_ns - b.last_arrival >= max_wait_ns_) emit(b, next);
    }
  }

  void drain(const EntrySink& next) override {
    for (auto& [fp, b] : blocks_) emit(b, next);
    blocks_.clear();
  }

 private:
  struct Block {
    Entry entry;
    int64_t lines = 0;
    int64_t last_arrival = 0;
  };
  static void emit(Block& b, const EntrySink& next) {
    if (b.lines == 0) return;
    b.lines = 0;
    next(b.entry);
  }

  std::unique_ptr<RE2> firstline_;
  int64_t max_wait_ns_;
  int64_t max_lines_;
  util::Clock& clock_;
  std::map<uint64_t, Block> blocks_;  // by stream fingerprint
};

}  // namespace

StageResult compile_multiline(const MultilineSpec& spec, const std::string& where, const CompileContext& ctx) {
  if (spec.max_lines <= 0) return stage_error(where, "\"max_lines\" must be greater than 0");
  auto re = compile_re2(where, spec.firstline);
  if (!re.ok()) return re.status_error();
  return std::unique_ptr<Stage>(
      std::make_unique<MultilineStage>(std::move(*re), spec.max_wait_time_ns, spec.max_lines, *ctx.clock));
}

}  // namespace stages
