// Detected fields (Loki's /loki/api/v1/detected_fields and detected_field/<name>/values, what
// Grafana's Logs Drilldown lists as "fields"): the structured metadata of a query's entries and
// the fields a json (else logfmt) parser finds in their lines, each with a type, its parsers and
// its cardinality, as Loki's query-frontend computes them (queryrange/detected_fields.go).
//
// Differences from Loki, on purpose: cardinality is an exact count of distinct values (Loki
// estimates it with a HyperLogLog sketch) up to kMaxDistinctValues per field, past which the
// count stays at that bound; a field whose values disagree on their type gets the common one
// (int and float: float; any other mix: string), where Loki keeps the type of whichever entry it
// read last.
//
// Not thread-safe: one detector per request.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "logql/log/json_parser.h"
#include "logql/log/logfmt_parser.h"
#include "model/entry.h"
#include "model/labels.h"

namespace query {

enum class FieldType { kString, kInt, kFloat, kBoolean, kDuration, kBytes };

// "string", "int", "float", "boolean", "duration", "bytes": Loki's DetectedFieldType names.
std::string_view field_type_name(FieldType type);

// Loki's determineType: the first of Go's strconv.ParseInt, ParseFloat, ParseBool,
// time.ParseDuration and go-humanize's ParseBytes that accepts the value; else string.
FieldType detect_field_type(std::string_view value);

// The type of a field whose values were `a` and `b`.
FieldType merge_field_types(FieldType a, FieldType b);

struct DetectedField {
  std::string label;
  FieldType type = FieldType::kString;
  uint64_t cardinality = 0;
  std::vector<std::string> parsers;  // "json", "logfmt"; empty for structured metadata
};

class FieldDetector {
 public:
  static constexpr size_t kMaxDistinctValues = 10000;

  // At most `field_limit` fields are kept (the first ones found), as Loki's field limit.
  explicit FieldDetector(size_t field_limit) : field_limit_(field_limit) {}

  // One entry of a stream: its structured metadata, then the line parsed as JSON, or as logfmt
  // when it is not a JSON object. A parsed key that is also a stream label is named
  // `<key>_extracted`, as the parsers name it in queries.
  void add(const model::LabelSet& stream, const model::Entry& entry);

  // Sorted by label.
  std::vector<DetectedField> fields() const;
  // The distinct values seen for `name` (at most kMaxDistinctValues are kept), sorted, at most
  // `limit`; empty for an unknown field.
  std::vector<std::string> values(std::string_view name, size_t limit) const;

 private:
  struct Field {
    FieldType type = FieldType::kString;
    bool typed = false;
    std::vector<std::string> parsers;
    std::unordered_set<std::string> values;
  };
  void record(std::string_view name, std::string_view value, const char* parser);

  size_t field_limit_;
  std::map<std::string, Field, std::less<>> fields_;
  logql::log::JsonParserStage json_;
  logql::log::LogfmtParserStage logfmt_{false, false};
  logql::log::StageScratch scratch_;
  std::vector<std::pair<std::string_view, std::string_view>> collected_;
};

}  // namespace query
