// `| logfmt [--strict] [--keep-empty] [label="key", ...]`, as Loki's LogfmtParser and
// LogfmtExpressionParser, on a decoder with the semantics (and error texts) of Loki's fork of
// go-logfmt. Malformed pairs are skipped, unless --strict, which stops at the first one and sets
// `__error__=LogfmtParserErr`. Standalone keys and empty values are dropped unless --keep-empty.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logql/ast.h"
#include "logql/log/stage.h"
#include "util/result.h"

namespace logql::log {

// Decodes `key=value key="quoted value" key` pairs of one line. Not thread-safe; reused per line.
class LogfmtDecoder {
 public:
  void reset(std::string_view line) {
    line_ = line;
    pos_ = 0;
    err_.clear();
    err_what_ = nullptr;
  }
  bool eol() const { return pos_ >= line_.size(); }
  // Advances to the next pair; false on a malformed pair (see error()) or at the end.
  bool scan();
  std::string_view key() const { return key_; }
  std::string_view value() const { return value_; }
  // The last syntax error, as "logfmt syntax error at pos N : msg"; empty when none.
  const std::string& error() const;

 private:
  // Notes an error; its text is only built if asked for (most malformed lines, such as JSON
  // lines under `| logfmt` in a metric query, never are: building it showed in profiles).
  void syntax_error(const char* what, char byte = 0);
  bool skip_value();
  std::string_view line_, key_, value_;
  size_t pos_ = 0;
  const char* err_what_ = nullptr;  // set: an error at err_pos_, about err_byte_ when non-zero
  size_t err_pos_ = 0;
  char err_byte_ = 0;
  mutable std::string err_;
  std::string unquoted_;
};

class LogfmtParserStage final : public Stage {
 public:
  LogfmtParserStage(bool strict, bool keep_empty) : strict_(strict), keep_empty_(keep_empty) {}
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  bool strict_, keep_empty_;
};

class LogfmtExpressionParserStage final : public Stage {
 public:
  static util::Result<std::unique_ptr<LogfmtExpressionParserStage>> compile(
      const std::vector<ast::ExtractionParam>& params, bool strict);
  bool process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const override;

 private:
  std::vector<ast::ExtractionParam> params_;  // label <- key
  bool strict_ = false;
};

}  // namespace logql::log
