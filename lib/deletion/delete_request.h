// A delete request as Loki's compactor keeps it (POST /loki/api/v1/delete): a log selector with
// optional line filters, a time range [start, end] (inclusive, as Loki's), its id, creation time
// and status. The query is compiled once into a DeleteQuery that says which entries it removes.
//
// Thread-safety: DeleteRequest is plain data; a DeleteQuery is immutable after compile() and may
// be shared by queries running concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logql/ast.h"
#include "logql/eval/matchers.h"
#include "model/entry.h"
#include "model/labels.h"
#include "util/result.h"

namespace logql::log {
class LineFilterStage;
}

namespace deletion {

enum class Status { kReceived, kProcessed };
std::string_view status_name(Status status);  // "received", "processed"

struct DeleteRequest {
  std::string request_id;
  int64_t start = 0;  // ns, inclusive
  int64_t end = 0;    // ns, inclusive
  std::string query;
  Status status = Status::kReceived;
  int64_t created_at = 0;  // ns

  bool operator==(const DeleteRequest&) const = default;
};

class DeleteQuery {
 public:
  // Accepts a log selector with line filters only (Loki's rule: no parsers, label filters or
  // formatting); anything else is kInvalidArgument "invalid query expression: ...".
  static util::Result<std::shared_ptr<const DeleteQuery>> compile(std::string_view query);
  ~DeleteQuery();

  const std::vector<logql::ast::Matcher>& matchers() const { return matchers_; }
  bool selects(const model::LabelSet& stream) const { return compiled_matchers_.matches(stream); }
  // Whether the line passes every line filter (true without filters).
  bool matches_line(std::string_view line) const;
  bool has_line_filters() const { return !filters_.empty(); }

 private:
  DeleteQuery(std::vector<logql::ast::Matcher> matchers, logql::LabelMatchers compiled,
              std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters);
  std::vector<logql::ast::Matcher> matchers_;
  logql::LabelMatchers compiled_matchers_;
  std::vector<std::unique_ptr<logql::log::LineFilterStage>> filters_;
};

// A request with its compiled query, as queries and the compactor apply it.
struct ActiveDelete {
  int64_t start = 0, end = 0;
  std::shared_ptr<const DeleteQuery> query;

  bool removes(const model::LabelSet& stream, const model::Entry& entry) const {
    return entry.timestamp >= start && entry.timestamp <= end && query->selects(stream) &&
           query->matches_line(entry.line);
  }
};

}  // namespace deletion
