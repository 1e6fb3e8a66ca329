#include "logql/log/logfmt_parser.h"

#include "golang/utf8.h"
#include "logql/log/json_scan.h"
#include "logql/log/sanitize.h"
#include "golang/quote.h"
#include "model/labels.h"

namespace logql::log {

namespace {

// Go's %q of one byte, as go-logfmt reports an unexpected byte.
std::string quote_byte(char c) {
  if (c == '"') return "'\"'";
  return "'" + std::string(1, c) + "'";
}

bool has_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    int32_t cp = golang::decode_utf8(s, i, len);
    if (cp < 0 || cp == 0xFFFD) return true;
    i += len;
  }
  return false;
}

// A key append_sanitized would leave as it is: [a-zA-Z_][a-zA-Z0-9_]*.
bool is_plain_label_name(std::string_view k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Thread-local so the stage stays const and shareable; each thread runs one entry at a time.
LogfmtDecoder& decoder() {
  thread_local LogfmtDecoder d;
  return d;
}

}  // namespace

void LogfmtDecoder::syntax_error(const char* what, char byte) {
  err_what_ = what;
  err_pos_ = pos_;
  err_byte_ = byte;
  err_.clear();
}

const std::string& LogfmtDecoder::error() const {
  if (err_what_ && err_.empty()) {
    err_ = "logfmt syntax error at pos " + std::to_string(err_pos_ + 1) + " : " + err_what_;
    if (err_byte_ != 0) err_ += quote_byte(err_byte_);
  }
  return err_;
}

bool LogfmtDecoder::skip_value() {
  while (pos_ < line_.size() && static_cast<unsigned char>(line_[pos_]) > ' ') ++pos_;
  return false;
}

bool LogfmtDecoder::scan() {
  key_ = {};
  value_ = {};
  const std::string_view line = line_;
  while (pos_ < line.size() && static_cast<unsigned char>(line[pos_]) <= ' ') ++pos_;
  if (pos_ >= line.size()) return false;

  size_t start = pos_;
  bool multibyte = false;
  for (;; ++pos_) {
    if (pos_ >= line.size()) {
      key_ = line.substr(start);
      if (multibyte && has_invalid_utf8(key_)) {
        syntax_error("invalid key");
        return false;
      }
      return true;
    }
    unsigned char c = static_cast<unsigned char>(line[pos_]);
    if (c == '=') {
      if (pos_ > start) {
        key_ = line.substr(start, pos_ - start);
        if (multibyte && has_invalid_utf8(key_)) {
          syntax_error("invalid key");
          return skip_value();
        }
      } else {
        syntax_error("unexpected ", '=');
        return skip_value();
      }
      break;
    }
    if (c == '"') {
      syntax_error("unexpected ", '"');
      return skip_value();
    }
    if (c <= ' ') {
      key_ = line.substr(start, pos_ - start);
      if (multibyte && has_invalid_utf8(key_)) {
        syntax_error("invalid key");
        return false;
      }
      return true;
    }
    if (c >= 0x80) multibyte = true;
  }

  // After '='.
  ++pos_;
  if (pos_ >= line.size()) return true;
  unsigned char c = static_cast<unsigned char>(line[pos_]);
  if (c <= ' ') return true;
  if (c == '"') {
    bool esc = false, has_esc = false;
    start = pos_;
    for (size_t p = pos_ + 1; p < line.size(); ++p) {
      char ch = line[p];
      if (esc) {
        esc = false;
      } else if (ch == '\\') {
        has_esc = esc = true;
      } else if (ch == '"') {
        pos_ = p + 1;
        if (has_esc) {
          if (!json::unescape(line.substr(start + 1, p - start - 1), unquoted_)) {
            syntax_error("invalid quoted value");
            return false;
          }
          value_ = unquoted_;
        } else {
          value_ = line.substr(start + 1, p - start - 1);
        }
        return true;
      }
    }
    pos_ = line.size();
    syntax_error("unterminated quoted value");
    return false;
  }
  start = pos_;
  for (; pos_ < line.size(); ++pos_) {
    char ch = line[pos_];
    if (ch == '=' || ch == '"') {
      syntax_error("unexpected ", ch);
      return skip_value();
    }
    if (static_cast<unsigned char>(ch) <= ' ') break;
  }
  value_ = line.substr(start, pos_ - start);
  return true;
}

bool LogfmtParserStage::process(int64_t, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  if (lbs.parsers_disabled()) return true;
  if (!strict_ && !keep_empty_) {
    // A wanted label can only come from a "name=" pair here; without strict, parsing a line that
    // holds none sets nothing (in the stdin benchmark, two lines in three).
    if (const auto* keys = lbs.logfmt_key_finders()) {
      bool any = false;
      for (const auto& f : *keys) any = any || f.contains(line);
      if (!any) return true;
    }
  }
  LogfmtDecoder& dec = decoder();
  dec.reset(line);
  while (!dec.eol()) {
    if (!dec.scan()) {
      if (strict_) break;
      continue;
    }
    // Keys are nearly always valid label names already: look them up without a copy.
    std::string_view name = dec.key();
    if (!is_plain_label_name(name)) {
      if (!lbs.may_extract_sanitized()) continue;
      s.a.clear();
      append_sanitized(s.a, name);
      name = s.a;
    }
    if (name.empty()) continue;
    if (lbs.base_has(name) || lbs.metadata_has(name)) {
      if (name.data() != s.a.data()) s.a.assign(name);
      s.a += kDuplicateSuffix;
      name = s.a;
    }
    if (lbs.extracted(name) || !lbs.should_extract(name)) continue;  // first value wins
    s.b.assign(dec.value());
    json::replace_invalid_utf8(s.b);
    if (!keep_empty_ && s.b.empty()) continue;
    lbs.set(LabelCategory::Parsed, name, s.b);
    if (lbs.all_required_extracted()) break;  // the rest of the line cannot matter (Loki too)
  }
  if (strict_ && !dec.error().empty()) lbs.set_parse_error(kErrLogfmt, dec.error());
  return true;
}

util::Result<std::unique_ptr<LogfmtExpressionParserStage>> LogfmtExpressionParserStage::compile(
    const std::vector<ast::ExtractionParam>& params, bool strict) {
  if (params.empty()) return util::Error{"no logfmt expression provided"};
  auto stage = std::make_unique<LogfmtExpressionParserStage>();
  for (const auto& p : params) {
    if (p.expression.empty()) return util::Error{"cannot parse expression [" + p.expression + "]: syntax error"};
    if (!model::is_valid_label_name(p.label)) return util::Error{"invalid extracted label name '" + p.label + "'"};
    stage->params_.push_back(p);
  }
  stage->strict_ = strict;
  return stage;
}

bool LogfmtExpressionParserStage::process(int64_t, std::string_view& line, LabelsBuilder& lbs, StageScratch& s) const {
  if (lbs.parsers_disabled()) return true;
  // Every requested label exists (possibly empty) even when the line lacks its key.
  for (const auto& p : params_)
    if (!lbs.base_has(p.label)) lbs.set(LabelCategory::Parsed, p.label, "");
  LogfmtDecoder& dec = decoder();
  dec.reset(line);
  while (!dec.eol()) {
    if (!dec.scan()) {
      if (strict_) break;
      continue;
    }
    s.a.clear();
    append_sanitized(s.a, dec.key());
    if (s.a.empty()) continue;
    const ast::ExtractionParam* hit = nullptr;
    for (const auto& p : params_) {
      if (p.expression == s.a) {
        hit = &p;
        break;
      }
    }
    if (hit) {
      s.a = hit->label;
    } else {
      bool is_label = false;
      for (const auto& p : params_) is_label = is_label || p.label == s.a;
      if (!is_label) continue;
    }
    if (lbs.base_has(s.a)) s.a += kDuplicateSuffix;
    s.b.assign(dec.value());
    if (has_invalid_utf8(s.b)) s.b.clear();
    lbs.set(LabelCategory::Parsed, s.a, s.b);
  }
  if (strict_ && !dec.error().empty()) lbs.set_parse_error(kErrLogfmt, dec.error());
  return true;
}

}  // namespace logql::log
