// StageSpec: one entry of Promtail's `pipeline_stages`, as its YAML says it (read and checked for
// keys and types by stages_yaml.cpp), before compiling. What only a stage's own code can check
// (regular expressions, selectors, templates, time zones, value ranges) is checked when
// Pipeline::compile turns specs into stages.
//
// Plain data, thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace stages {

// name -> an optional source key or value, in the order written (`labels: {level: , app: src}`).
using NamedValues = std::vector<std::pair<std::string, std::optional<std::string>>>;

struct RegexSpec {
  std::string expression;
  std::optional<std::string> source;
};
struct JsonSpec {
  NamedValues expressions;  // an empty expression means the key of the same name
  std::optional<std::string> source;
  bool drop_malformed = false;
};
struct LogfmtSpec {
  NamedValues mapping;
  std::optional<std::string> source;
};
struct ReplaceSpec {
  std::string expression;
  std::optional<std::string> source;
  std::string replace;
};
// labels, structured_metadata (non_indexed_labels): extracted keys become labels or metadata.
struct LabelsSpec {
  NamedValues mapping;
  bool structured_metadata = false;
};
struct StaticLabelsSpec {
  NamedValues labels;
};
// labelallow (allow = true), labeldrop.
struct LabelListSpec {
  std::vector<std::string> names;
  bool allow = false;
};
struct TenantSpec {
  std::optional<std::string> label, source, value;
};
struct TimestampSpec {
  std::string source, format;
  std::vector<std::string> fallback_formats;
  std::optional<std::string> location;
  std::string action_on_failure = "fudge";
};
struct OutputSpec {
  std::string source;
};
struct TemplateSpec {
  std::string source, text;
};
struct PackSpec {
  std::vector<std::string> labels;
  bool ingest_timestamp = true;
};
struct DecolorizeSpec {};
// luhn: digit runs of at least min_length that pass the Luhn check are replaced.
struct LuhnSpec {
  std::string replacement = "**REDACTED**";
  std::optional<std::string> source;
  int64_t min_length = 13;
};
// geoip: MaxMind DB lookups of an extracted IP into geoip_* extracted values.
struct GeoipSpec {
  std::string db, source, db_type;
};
struct DropSpec {
  std::optional<std::vector<std::string>> source;
  std::optional<std::string> separator, value, expression;
  std::optional<int64_t> older_than_ns;
  std::optional<uint64_t> longer_than;
  std::optional<std::string> drop_counter_reason;
};
struct LimitSpec {
  double rate = 0;
  int64_t burst = 0;
  bool drop = false;
  std::optional<std::string> by_label_name;
  std::optional<int64_t> max_distinct_labels;
};
struct SamplingSpec {
  std::optional<double> rate;
  std::optional<std::string> drop_counter_reason;
};
struct MultilineSpec {
  std::string firstline;
  int64_t max_wait_time_ns = 3'000'000'000;
  int64_t max_lines = 128;
};
struct DockerSpec {};
struct CriSpec {
  std::optional<int64_t> max_partial_lines;
  uint64_t max_partial_line_size = 0;  // 0: unlimited
  bool max_partial_line_size_truncate = false;
};
// One metric of a metrics stage. `config` keys are read according to `type` (counter, gauge,
// histogram, lower-cased).
struct MetricSpec {
  std::string name, type, description, source, prefix;
  std::optional<int64_t> max_idle_ns;
  std::optional<std::string> value, action;
  bool match_all = false, count_entry_bytes = false;
  std::optional<std::vector<double>> buckets;
};
struct MetricsSpec {
  std::vector<MetricSpec> metrics;
};
struct StageSpec;
struct MatchSpec {
  std::string selector;
  std::optional<std::string> pipeline_name, drop_counter_reason;
  std::string action = "keep";
  std::vector<StageSpec> stages;
};

struct StageSpec {
  std::string name;   // the stage's key as written (e.g. "non_indexed_labels")
  std::string where;  // its key path in messages: "scrape_configs[0].pipeline_stages[2].regex"
  std::variant<RegexSpec, JsonSpec, LogfmtSpec, ReplaceSpec, LabelsSpec, StaticLabelsSpec, LabelListSpec,
               TenantSpec, TimestampSpec, OutputSpec, TemplateSpec, PackSpec, DecolorizeSpec, LuhnSpec, GeoipSpec, DropSpec, LimitSpec,
               SamplingSpec, MultilineSpec, DockerSpec, CriSpec, MetricsSpec, MatchSpec>
      settings;
};

}  // namespace stages
