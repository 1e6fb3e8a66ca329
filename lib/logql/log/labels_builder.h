// LabelsBuilder: the per-entry label state a pipeline's stages read and write, mirroring Loki's
// log.LabelsBuilder. An entry's labels are the stream's (base) labels overlaid with three
// categories of added labels (stream, structured metadata, parsed), minus deletions, plus the
// `__error__`/`__error_details__` pair. Parsed labels win over structured metadata, which wins
// over stream labels. Resulting label sets are interned per builder (see ResultLabels).
//
// Not thread-safe: one builder per StreamPipeline / StreamSampleExtractor.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "logql/log/parser_hints.h"
#include "logql/log/pipeline.h"
#include "model/labels.h"

namespace logql::log {

inline constexpr std::string_view kErrorLabel = "__error__";
inline constexpr std::string_view kErrorDetailsLabel = "__error_details__";
inline constexpr std::string_view kDuplicateSuffix = "_extracted";

// `__error__` values, as Loki names them.
inline constexpr std::string_view kErrJson = "JSONParserErr";
inline constexpr std::string_view kErrLogfmt = "LogfmtParserErr";
inline constexpr std::string_view kErrSampleExtraction = "SampleExtractionErr";
inline constexpr std::string_view kErrLabelFilter = "LabelFilterErr";
inline constexpr std::string_view kErrTemplateFormat = "TemplateFormatErr";

enum class LabelCategory { Stream = 0, Metadata = 1, Parsed = 2 };

// How a sample extractor reduces the resulting labels (range aggregation `by`/`without`).
struct GroupingSpec {
  std::vector<std::string> groups;
  bool without = false;
  bool no_labels = false;  // `by ()`: every series collapses into `{}`
};

class LabelsBuilder {
 public:
  // `max_interned`: how many distinct result sets are kept; beyond it a new set is built in a
  // scratch slot, valid until the next result(). Unlimited keeps "same set, same pointer" for
  // callers that key on the pointer (sample extractors); log pipelines bound it, because a
  // `| json` query can make a new set per entry and keeping them all doubled the memory work.
  static constexpr size_t kUnlimited = SIZE_MAX;
  LabelsBuilder(const model::LabelSet& base, GroupingSpec grouping = {}, size_t max_interned = kUnlimited);
  LabelsBuilder(const LabelsBuilder&) = delete;
  LabelsBuilder& operator=(const LabelsBuilder&) = delete;

  // Clears everything but the base labels; called before each entry. Keeps buffers.
  void reset();

  const model::LabelSet& base() const { return *base_; }
  bool base_has(std::string_view name) const { return base_->has(name); }
  bool metadata_has(std::string_view name) const { return find(LabelCategory::Metadata, name) != nullptr; }

  // Current value of a label (added, else base unless deleted). Does not see `__error__`.
  std::optional<std::string_view> get(std::string_view name) const;
  // Like get(), with its category.
  std::optional<std::string_view> get(std::string_view name, LabelCategory& category) const;
  // get() that also answers `__error__` and `__error_details__`, as label filters and templates see them.
  std::optional<std::string_view> get_with_errors(std::string_view name) const;

  // Loki's Set: parsed wins over metadata, which wins over stream; a lower category never
  // overwrites a higher one. Setting a parsed label records it as extracted.
  void set(LabelCategory category, std::string_view name, std::string_view value);
  // Loki's Add: renames with `_extracted` when the base has the name; routes `__error__` and
  // `__error_details__` to the error fields.
  void add(LabelCategory category, std::string_view name, std::string_view value);
  void del(std::string_view name);

  // Parser hints of a metric query (see parser_hints.h); null for log queries. Not owned.
  void set_parser_hints(const ParserHints* hints) { hints_ = hints; }
  // Loki's ParserHint.NoLabels(): parsers skip the entry entirely, either because the query
  // needs no label at all or because every required label has been extracted already.
  bool parsers_disabled() const { return hints_ && (hints_->no_labels || all_required_extracted()); }
  // Whether a parser should set the (sanitized, possibly `_extracted`) label `name`.
  bool should_extract(std::string_view name) const { return !hints_ || hints_->should_extract(name); }
  bool should_extract_prefix(std::string_view prefix) const { return !hints_ || hints_->should_extract_prefix(prefix); }
  // Whether a key that is not a plain label name may still be wanted: sanitizing it puts a '_'
  // in its name, so not when the hints name only labels without one (parsers skip sanitizing).
  bool may_extract_sanitized() const { return !hints_ || hints_->may_want_underscored(); }
  // The hints' "name=" finders for `| logfmt` (empty: every line must be parsed).
  const std::vector<util::SubstringFinder>* logfmt_key_finders() const {
    return hints_ && !hints_->logfmt_keys.empty() ? &hints_->logfmt_keys : nullptr;
  }
  // Every required label has been extracted for this entry: a parser may stop reading the line
  // (and, as in Loki, a syntax error later in the line then goes unreported).
  bool all_required_extracted() const;
  // A parser failed: sets `__error__`/`__error_details__` (details only when non-empty), plus
  // `__error_preserve__="true"` when the hints ask to preserve errors.
  void set_parse_error(std::string_view err, std::string_view details = {});

  // First-wins rule between parsers: a name a parser already extracted for this entry.
  bool extracted(std::string_view name) const;

  void set_error(std::string_view err) { err_.assign(err); }
  void set_error_details(std::string_view d) { err_details_.assign(d); }
  void reset_error() { err_.clear(); }
  void reset_error_details() { err_details_.clear(); }
  bool has_error() const { return !err_.empty(); }
  const std::string& error() const { return err_; }
  const std::string& error_details() const { return err_details_; }

  // Every current label, unsorted, with the error labels; views valid until the next change.
  void collect(std::vector<std::pair<std::string_view, std::string_view>>& out) const;

  // The entry's resulting labels, interned: same set, same pointer.
  const ResultLabels* result();
  // The entry's labels split by category (see CategorizedLabels in pipeline.h); the stream part
  // is interned as result() is.
  void categorized_result(CategorizedLabels& out);
  // result() reduced by the grouping (Loki's GroupedLabels: errors bypass the grouping).
  const ResultLabels* grouped_result();

 private:
  struct Slot {
    std::string name, value;
  };
  struct Added {
    std::vector<Slot> slots;
    size_t n = 0;
  };
  const Slot* find(LabelCategory c, std::string_view name) const;
  Slot* find(LabelCategory c, std::string_view name);
  void erase(LabelCategory c, std::string_view name);
  bool deleted(std::string_view name) const;
  bool unchanged() const;
  // `keep`: intern even past max_interned_ (the base sets, which are cached by pointer).
  const ResultLabels* intern(std::vector<std::pair<std::string_view, std::string_view>>& sorted_unique,
                             bool keep = false);
  const ResultLabels* base_group_result();
  const ResultLabels* base_result();

  const model::LabelSet* base_;
  GroupingSpec grouping_;
  std::array<Added, 3> add_;
  std::vector<std::string> del_;
  size_t ndel_ = 0;
  std::vector<std::string> extracted_;
  size_t nextracted_ = 0;
  std::string err_, err_details_;
  const ParserHints* hints_ = nullptr;

  std::vector<std::pair<std::string_view, std::string_view>> buf_;
  // Interned result sets: a deque keeps addresses stable; same-hash sets chain through
  // intern_next_. One allocation-light insert per new set: log queries with `| json` often make
  // a new set per entry.
  static constexpr uint32_t kNoIntern = UINT32_MAX;
  std::deque<ResultLabels> interned_;
  std::unordered_map<uint64_t, uint32_t> intern_index_;
  std::vector<uint32_t> intern_next_;
  const size_t max_interned_;
  ResultLabels scratch_result_;  // past max_interned_
  const ResultLabels* base_result_ = nullptr;
  const ResultLabels* base_group_result_ = nullptr;
};

}  // namespace logql::log
