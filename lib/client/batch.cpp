#include "client/batch.h"

#include <snappy.h>

#include <utility>

#include "otlp/logs_encoder.h"
#include "push/protobuf_encoder.h"

namespace client {

size_t entry_size(const model::Entry& entry) {
  size_t n = entry.line.size();
  for (const auto& l : entry.metadata) n += l.name.size() + l.value.size();
  return n;
}

const model::LabelSet& StreamLabeler::apply(const model::LabelSet& labels) {
  if (external_.empty() && !labels.has(kTenantLabel)) return labels;  // nothing to change: no copy
  if (have_last_ && labels == last_in_) return last_out_;
  last_in_ = labels;
  have_last_ = true;
  std::vector<model::Label> merged;
  merged.reserve(external_.size() + labels.size());
  // Both inputs are sorted: a merge keeps the result sorted, the entry's label winning a tie.
  auto e = external_.begin();
  for (const auto& l : labels) {
    while (e != external_.end() && e->name < l.name) merged.push_back(*e++);
    if (e != external_.end() && e->name == l.name) ++e;
    if (l.name != kTenantLabel) merged.push_back(l);
  }
  while (e != external_.end()) merged.push_back(*e++);
  last_out_ = model::LabelSet::from_unsorted(std::move(merged));
  return last_out_;
}

Batch::Batch(int64_t created_ns, size_t max_streams, PushFormat format)
    : created_ns_(created_ns), max_streams_(max_streams), format_(format) {}

void Batch::reset(int64_t created_ns) {
  created_ns_ = created_ns;
  request_.streams.clear();
  wire_.clear();
  ranges_.clear();
  streams_by_fingerprint_.clear();
  last_stream_ = SIZE_MAX;
  positions_.clear();
  bytes_ = 0;
  entries_ = 0;
}

bool Batch::add(const model::LabelSet& labels, model::Entry&& entry, SourcePosition position) {
  size_t index = SIZE_MAX;
  if (last_stream_ != SIZE_MAX && request_.streams[last_stream_].labels == labels) {
    index = last_stream_;
  } else {
    auto& candidates = streams_by_fingerprint_[labels.fingerprint()];
    for (uint32_t i : candidates) {
      if (request_.streams[i].labels == labels) {
        index = i;
        break;
      }
    }
    if (index == SIZE_MAX) {
      if (max_streams_ > 0 && request_.streams.size() >= max_streams_) return false;
      index = request_.streams.size();
      candidates.push_back(static_cast<uint32_t>(index));
      request_.streams.push_back(push::Stream{labels, {}});
      ranges_.emplace_back();
    }
    last_stream_ = index;
  }
  bytes_ += entry_size(entry);
  ++entries_;
  if (format_ == PushFormat::kLoki) {
    size_t begin = wire_.size();
    push::append_protobuf_entry(wire_, entry);
    auto& ranges = ranges_[index];
    if (!ranges.empty() && ranges.back().second == begin) {
      ranges.back().second = wire_.size();
    } else {
      ranges.emplace_back(begin, wire_.size());
    }
  } else {
    request_.streams[index].entries.push_back(std::move(entry));
  }
  if (position.source != 0) positions_.push_back(position);
  return true;
}

char* BodyBuffers::reserve_output(size_t n) {
  if (n > out_capacity_) {
    out_ = std::make_unique_for_overwrite<char[]>(n);
    out_capacity_ = n;
  }
  return out_.get();
}

std::string_view Batch::encode(BodyBuffers& buffers) const {
  std::string& raw = buffers.raw();
  if (format_ == PushFormat::kOtlp) {
    raw = otlp::encode_logs_request(request_);
    return raw;
  }
  raw.clear();  // keeps its capacity
  for (size_t i = 0; i < request_.streams.size(); ++i) {
    size_t entry_bytes = 0;
    for (const auto& [begin, end] : ranges_[i]) entry_bytes += end - begin;
    push::append_protobuf_stream_header(raw, request_.streams[i].labels.to_string(), entry_bytes);
    for (const auto& [begin, end] : ranges_[i]) raw.append(wire_, begin, end - begin);
  }
  char* out = buffers.reserve_output(snappy::MaxCompressedLength(raw.size()));
  size_t n = 0;
  snappy::RawCompress(raw.data(), raw.size(), out, &n);
  return {out, n};
}

std::string Batch::encode() const {
  BodyBuffers buffers;
  return std::string(encode(buffers));
}

}  // namespace client
