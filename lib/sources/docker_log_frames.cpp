#include "sources/docker_log_frames.h"

#include "model/time.h"

namespace sources {
namespace {

constexpr size_t kHeaderBytes = 8;

}  // namespace

std::string_view docker_stream_name(DockerStream s) { return s == DockerStream::kStderr ? "stderr" : "stdout"; }

bool DockerFrameDemuxer::feed(std::string_view bytes) {
  if (failed_) return false;
  if (tty_) {
    pending_.append(bytes);
    size_t start = 0;
    for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
      on_frame_(DockerStream::kStdout, std::string_view(pending_).substr(start, nl + 1 - start));
    }
    pending_.erase(0, start);
    return true;
  }
  pending_.append(bytes);
  size_t pos = 0;
  while (pending_.size() - pos >= kHeaderBytes) {
    const auto* h = reinterpret_cast<const unsigned char*>(pending_.data() + pos);
    if (h[0] > 3 || h[1] != 0 || h[2] != 0 || h[3] != 0) {
      failed_ = true;
      pending_.clear();
      return false;
    }
    const size_t size = (size_t{h[4]} << 24) | (size_t{h[5]} << 16) | (size_t{h[6]} << 8) | size_t{h[7]};
    if (pending_.size() - pos - kHeaderBytes < size) break;
    std::string_view payload = std::string_view(pending_).substr(pos + kHeaderBytes, size);
    if (h[0] == 3) {
      if (on_error_) on_error_(payload);
    } else {
      // stdin (0) is written to stdout, as Docker's stdcopy does.
      on_frame_(h[0] == 2 ? DockerStream::kStderr : DockerStream::kStdout, payload);
    }
    pos += kHeaderBytes + size;
  }
  pending_.erase(0, pos);
  return true;
}

void DockerFrameDemuxer::finish() {
  if (tty_ && !pending_.empty()) on_frame_(DockerStream::kStdout, pending_);
  pending_.clear();
}

void DockerLineAssembler::add_frame(std::string_view frame) {
  int64_t ts = 0;
  bool has_ts = false;
  if (size_t sp = frame.find(' '); sp != std::string_view::npos) {
    if (auto t = model::parse_rfc3339(frame.substr(0, sp)); t.ok()) {
      ts = *t;
      has_ts = true;
      frame.remove_prefix(sp + 1);
    }
  }
  if (!has_ts) {
    // A continuation frame would carry a time too; Promtail keeps the line's time for it.
    if (!have_line_ && !discarding_) {
      if (on_bad_) on_bad_(frame);
      return;
    }
    ts = line_ts_;
  }
  if (have_line_ && ts != line_ts_) emit();  // a new entry although the last did not end
  if (ts != line_ts_) discarding_ = false;
  const bool eol = frame.ends_with('\n');
  if (discarding_) {
    discarding_ = !eol;
    return;
  }
  while (!frame.empty() && (frame.back() == '\n' || frame.back() == '\r')) frame.remove_suffix(1);
  if (!have_line_) {
    line_ts_ = ts;
    have_line_ = true;
  }
  line_.append(frame);
  if (eol || line_.size() >= max_line_bytes_) {
    if (line_.size() > max_line_bytes_) line_.resize(max_line_bytes_);
    discarding_ = !eol;
    emit();
  }
}

void DockerLineAssembler::emit() {
  std::string line = std::move(line_);
  line_.clear();
  have_line_ = false;
  on_line_(line_ts_, std::move(line));
}

void DockerLineAssembler::finish() {
  if (have_line_) emit();
  discarding_ = false;
}

}  // namespace sources
