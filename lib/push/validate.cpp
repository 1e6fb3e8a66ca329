#include "push/validate.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "golang/quote.h"

namespace push {
namespace {

using model::format_rfc3339;

// Collects messages like Loki's util.GroupedErrors: identical messages are counted; the text is
// each distinct message, prefixed with "N errors like: " unless it is the only error. Messages
// are kept in first-seen order (Go's map order is random). The number of distinct messages kept
// is bounded, so a hostile request cannot make the answer larger than a few hundred KB.
class GroupedErrors {
 public:
  void add(std::string message) {
    ++total_;
    for (auto& [m, n] : groups_) {
      if (m == message) {
        ++n;
        return;
      }
    }
    if (groups_.size() < kMaxDistinct) {
      groups_.emplace_back(std::move(message), 1);
    } else {
      ++omitted_;
    }
  }
  bool empty() const { return total_ == 0; }
  std::string text() const {
    std::string out;
    bool single = total_ == 1;
    for (const auto& [m, n] : groups_) {
      if (!out.empty()) out += "; ";
      if (!single) out += std::to_string(n) + " errors like: ";
      out += m;
    }
    if (omitted_ > 0) out += "; and " + std::to_string(omitted_) + " more errors";
    return out;
  }

 private:
  static constexpr size_t kMaxDistinct = 100;
  std::vector<std::pair<std::string, size_t>> groups_;
  size_t total_ = 0;
  size_t omitted_ = 0;
};

class Discards {
 public:
  void add(std::string_view reason, size_t entries, size_t bytes) {
    for (auto& d : list_) {
      if (d.reason == reason) {
        d.entries += entries;
        d.bytes += bytes;
        return;
      }
    }
    list_.push_back({std::string(reason), entries, bytes});
  }
  std::vector<Discarded> take() { return std::move(list_); }

 private:
  std::vector<Discarded> list_;
};

size_t stream_bytes(const Stream& s) {
  size_t n = 0;
  for (const auto& e : s.entries) n += e.line.size();
  return n;
}

// Cuts `line` to at most max bytes including the identifier, on a UTF-8 boundary (Loki cuts on a
// byte; we keep lines valid UTF-8). Returns the bytes removed, 0 when it left the line alone.
size_t truncate_line(std::string& line, uint64_t max, const std::string& identifier) {
  if (max == 0 || line.size() <= max || identifier.size() >= max) return 0;
  size_t keep = max - identifier.size();
  while (keep > 0 && (static_cast<unsigned char>(line[keep]) & 0xC0) == 0x80) --keep;
  size_t removed = line.size() - keep;
  line.resize(keep);
  line += identifier;
  return removed;
}

// ValidateLabels: a message and a discard reason, or an empty message.
std::pair<std::string, std::string_view> check_labels(const model::LabelSet& labels, const Limits& limits) {
  if (labels.empty()) return {"error at least one label pair is required per stream", "missing_labels"};
  std::string text = labels.to_string();
  int names = static_cast<int>(labels.size());
  if (labels.has("service_name")) --names;  // Loki may add it itself, so it does not count
  if (names > limits.max_label_names_per_series) {
    return {"entry for stream '" + text + "' has " + std::to_string(names) + " label names; limit " +
                std::to_string(limits.max_label_names_per_series),
            "max_label_names_per_series"};
  }
  for (const auto& l : labels) {
    if (static_cast<int>(l.name.size()) > limits.max_label_name_length) {
      return {"stream '" + text + "' has label name too long: '" + l.name + "'", "label_name_too_long"};
    }
    if (static_cast<int>(l.value.size()) > limits.max_label_value_length) {
      return {"stream '" + text + "' has label value too long: '" + l.value + "'", "label_value_too_long"};
    }
  }
  return {};
}

// ValidateEntry, in Loki's order.
std::pair<std::string, std::string_view> check_entry(const model::Entry& e, const Limits& limits, int64_t oldest,
                                                     int64_t newest, const model::LabelSet& labels) {
  if (limits.reject_old_samples && e.timestamp < oldest) {
    return {"entry for stream '" + labels.to_string() + "' has timestamp too old: " + format_rfc3339(e.timestamp) +
                ", oldest acceptable timestamp is: " + format_rfc3339(oldest),
            "greater_than_max_sample_age"};
  }
  if (e.timestamp > newest) {
    return {"entry for stream '" + labels.to_string() + "' has timestamp too new: " + format_rfc3339(e.timestamp),
            "too_far_in_future"};
  }
  if (limits.max_line_size != 0 && e.line.size() > limits.max_line_size) {
    return {"Max entry size '" + std::to_string(limits.max_line_size) + "' bytes exceeded for stream '" +
                labels.to_string() + "' while adding an entry with length '" + std::to_string(e.line.size()) +
                "' bytes",
            "line_too_long"};
  }
  if (!e.metadata.empty()) {
    if (!limits.allow_structured_metadata) {
      return {"stream '" + labels.to_string() +
                  "' includes structured metadata, but this feature is disallowed. Please see "
                  "`limits_config.allow_structured_metadata` or contact your Loki administrator to enable it.",
              "disallowed_structured_metadata"};
    }
    size_t size = 0;
    for (const auto& l : e.metadata) size += l.name.size() + l.value.size();
    if (limits.max_structured_metadata_size != 0 && size > limits.max_structured_metadata_size) {
      return {"stream '" + labels.to_string() + "' has structured metadata too large: '" + std::to_string(size) +
                  "' bytes, limit: '" + std::to_string(limits.max_structured_metadata_size) +
                  "' bytes. Please see `limits_config.max_structured_metadata_size` or contact your Loki "
                  "administrator to increase it.",
              "structured_metadata_too_large"};
    }
    int count = static_cast<int>(e.metadata.size());
    if (limits.max_structured_metadata_entries_count != 0 && count > limits.max_structured_metadata_entries_count) {
      return {"stream '" + labels.to_string() + "' has too many structured metadata labels: '" +
                  std::to_string(count) + "', limit: '" +
                  std::to_string(limits.max_structured_metadata_entries_count) +
                  "'. Please see `limits_config.max_structured_metadata_entries_count` or contact your Loki "
                  "administrator to increase it.",
              "structured_metadata_too_many"};
    }
  }
  return {};
}

}  // namespace

ValidationReport validate(PushRequest& request, const Limits& limits, int64_t now) {
  ValidationReport report;
  if (request.streams.empty() && request.invalid_streams.empty() && request.empty_streams == 0) {
    report.status = util::unprocessable("error at least one valid stream is required for ingestion");
    return report;
  }
  GroupedErrors errors;
  Discards discards;
  for (auto& bad : request.invalid_streams) {
    errors.add(std::move(bad.message));
    discards.add("invalid_labels", bad.entries, bad.bytes);
  }
  request.invalid_streams.clear();

  const int64_t oldest = now - limits.reject_old_samples_max_age;
  const int64_t newest = now + limits.creation_grace_period;
  size_t kept_streams = 0;
  for (auto& stream : request.streams) {
    if (limits.max_line_size_truncate) {
      for (auto& e : stream.entries) {
        if (size_t removed = truncate_line(e.line, limits.max_line_size, limits.max_line_size_truncate_identifier)) {
          ++report.truncated_lines;
          report.truncated_bytes += removed;
        }
      }
    }
    if (auto [message, reason] = check_labels(stream.labels, limits); !message.empty()) {
      errors.add(std::move(message));
      discards.add(reason, stream.entries.size(), stream_bytes(stream));
      continue;
    }
    size_t kept = 0;
    for (size_t i = 0; i < stream.entries.size(); ++i) {
      auto& e = stream.entries[i];
      if (auto [message, reason] = check_entry(e, limits, oldest, newest, stream.labels); !message.empty()) {
        errors.add(std::move(message));
        discards.add(reason, 1, e.line.size());
        continue;
      }
      report.accepted_bytes += e.line.size();
      if (kept != i) stream.entries[kept] = std::move(e);
      ++kept;
    }
    stream.entries.resize(kept);
    report.accepted_entries += kept;
    if (kept == 0) continue;
    if (kept_streams != static_cast<size_t>(&stream - request.streams.data())) {
      request.streams[kept_streams] = std::move(stream);
    }
    ++kept_streams;
  }
  request.streams.resize(kept_streams);
  report.discarded = discards.take();
  if (!errors.empty()) {
    report.status = util::invalid_argument(errors.text());
  }
  return report;
}

}  // namespace push
