#include "logcli/tail_command.h"

#include <algorithm>
#include <cstring>

#include "logcli/server_commands.h"
#include "logcli/url_params.h"
#include "logcli/websocket_client.h"
#include "logql/parser.h"
#include "query/encoding_flags.h"
#include "query/label_categories.h"

namespace logcli {

namespace {

model::LabelSet visible_labels(const model::LabelSet& labels, const OutputOptions& opts) {
  if (opts.include_labels.empty() && opts.exclude_labels.empty()) return labels;
  std::vector<model::Label> keep;
  for (const auto& l : labels) {
    auto in = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), l.name) != v.end(); };
    if (!opts.include_labels.empty() && !in(opts.include_labels)) continue;
    if (in(opts.exclude_labels)) continue;
    keep.push_back(l);
  }
  return model::LabelSet::from_unsorted(std::move(keep));
}

}  // namespace

std::string format_tail_entry(const model::LabelSet& labels, const model::Entry& entry, const OutputOptions& opts) {
  switch (opts.mode) {
    case OutputMode::Raw:
      return entry.line;
    case OutputMode::Jsonl:
      return format_jsonl_entry(visible_labels(labels, opts), entry, opts);
    case OutputMode::Default:
      break;
  }
  std::string out;
  if (opts.color) out += "\x1b[34m";
  out += format_time(entry.timestamp, false, opts.utc);
  if (opts.color) out += "\x1b[0m";
  out += ' ';
  if (!opts.no_labels) {
    std::string ls = visible_labels(labels, opts).to_string();
    if (opts.fixed_labels_length > 0 && ls.size() < size_t(opts.fixed_labels_length))
      ls.append(size_t(opts.fixed_labels_length) - ls.size(), ' ');
    if (opts.color) out += "\x1b[31m";
    out += ls;
    if (opts.color) out += "\x1b[0m";
    out += ' ';
  }
  std::string_view line = entry.line;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  out += line;
  return out;
}

int run_tail(const ClientOptions& client, const QueryOptions& q, int64_t delay_for_seconds, std::FILE* out,
             std::FILE* err, util::Clock& clock) {
  if (auto e = logql::parse(q.query); !e) {
    std::fprintf(err, "Tailing logs failed: %s\n", e.error().c_str());
    return 1;
  }
  auto range = resolve_range(q.since, q.from, q.to, clock.now_ns());
  if (!range) {
    std::fprintf(err, "Tailing logs failed: %s\n", range.error().c_str());
    return 1;
  }
  auto target = websocket_target(client.addr, kTailPath, tail_params(q.query, delay_for_seconds, q.limit, range->start));
  if (!target) {
    std::fprintf(err, "Tailing logs failed: %s\n", target.error().c_str());
    return 1;
  }
  if (!client.quiet) {
    std::string shown = build_url(client.addr, kTailPath, tail_params(q.query, delay_for_seconds, q.limit, range->start));
    if (shown.rfind("http", 0) == 0) shown.replace(0, 4, "ws");
    std::fprintf(err, "%s\n", shown.c_str());
  }
  auto headers = request_headers(client);
  if (!headers) {
    std::fprintf(err, "Tailing logs failed: %s\n", headers.error().c_str());
    return 1;
  }
  // As queries: structured metadata apart for jsonl, merged back for the other forms.
  headers->push_back(std::string(query::kEncodingFlagsHeader) + ": " + std::string(query::kCategorizeLabelsFlag));
  WebSocketClient ws(/*stop_on_signals=*/true);  // SIGINT/SIGTERM end the tail with a normal close
  if (auto s = ws.connect(*target, *headers, client); !s) {
    if (s.code() == util::ErrorCode::kCancelled) return 0;  // SIGINT/SIGTERM: a normal end
    std::fprintf(err, "Tailing logs failed: %s\n", s.error().c_str());
    return 1;
  }
  if (!q.output.include_labels.empty() && !q.output.quiet) {
    std::string keys;
    for (const auto& k : q.output.include_labels) keys += (keys.empty() ? "" : ",") + k;
    std::fprintf(err, "Print only labels key: %s\n", keys.c_str());
  }
  if (!q.output.exclude_labels.empty() && !q.output.quiet) {
    std::string keys;
    for (const auto& k : q.output.exclude_labels) keys += (keys.empty() ? "" : ",") + k;
    std::fprintf(err, "Ignoring labels key: %s\n", keys.c_str());
  }
  for (;;) {
    bool closed = false;
    auto msg = ws.read_message(closed);
    if (!msg) {
      if (msg.code() == util::ErrorCode::kCancelled) {
        ws.close();
        return 0;
      }
      std::fprintf(err, "Error reading stream: %s\n", msg.error().c_str());
      return 1;
    }
    if (closed) {
      // The server ends a tail with a reason when it fails (e.g. the query's limits).
      if (!ws.close_reason().empty()) {
        std::fprintf(err, "Error reading stream: %s\n", ws.close_reason().c_str());
        return 1;
      }
      return 0;
    }
    auto decoded = decode_tail_message(*msg);
    if (!decoded) {
      std::fprintf(err, "Error reading stream: %s\n", decoded.error().c_str());
      return 1;
    }
    std::string lines;
    for (const auto& s : decoded->streams) {
      for (const auto& e : s.entries) {
        lines += format_tail_entry(decoded->categorized ? query::merged_entry_labels(s.labels, e) : s.labels, e,
                                   q.output) +
                 "\n";
      }
    }
    std::fwrite(lines.data(), 1, lines.size(), out);
    std::fflush(out);
    if (!decoded->dropped.empty()) {
      std::fprintf(err, "Server dropped following entries due to slow client\n");
      for (const auto& d : decoded->dropped)
        std::fprintf(err, "%s %s\n", format_time(d.timestamp, true, q.output.utc).c_str(), d.labels.to_string().c_str());
    }
  }
}

}  // namespace logcli
