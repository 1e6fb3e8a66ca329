#include "config/env_expand.h"

#include <cstdlib>

namespace config {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Expander {
 public:
  Expander(std::string_view text, const EnvLookup& lookup) : text_(text), lookup_(lookup) {}

  // Expands from pos_ until the end, or until an unmatched '}' when `in_braces` (a default).
  util::Result<std::string> run(bool in_braces) {
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (in_braces && c == '}') return out;
      if (c == '\\' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '\\' || text_[pos_ + 1] == '/')) {
        out.push_back(text_[pos_ + 1]);
        pos_ += 2;
        continue;
      }
      if (c != '$') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '$') {
        out.push_back('$');
        pos_ += 2;
        continue;
      }
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '{') {
        auto value = braced();
        if (!value.ok()) return value;
        out += *value;
        continue;
      }
      size_t end = pos_ + 1;
      while (end < text_.size() && is_name_char(text_[end])) ++end;
      if (end == pos_ + 1) {  // a lone '$' (e.g. the end of a regex) is literal
        out.push_back('$');
        ++pos_;
        continue;
      }
      out += lookup(std::string(text_.substr(pos_ + 1, end - pos_ - 1))).value_or("");
      pos_ = end;
    }
    if (in_braces) return util::Error{"unterminated ${ in configuration"};
    return out;
  }

 private:
  std::optional<std::string> lookup(const std::string& name) const {
    if (lookup_) return lookup_(name);
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  }

  // At "${": reads "NAME}", "NAME:-default}" or "NAME-default}".
  util::Result<std::string> braced() {
    size_t start = pos_;
    pos_ += 2;
    size_t name_end = pos_;
    while (name_end < text_.size() && is_name_char(text_[name_end])) ++name_end;
    std::string name(text_.substr(pos_, name_end - pos_));
    pos_ = name_end;
    auto unsupported = [&] {
      size_t close = text_.find('}', start);
      std::string_view ref = text_.substr(start, close == std::string_view::npos ? text_.size() - start
                                                                                 : close - start + 1);
      return util::Error{"unsupported environment variable reference \"" + std::string(ref) +
                         "\" (supported: ${VAR}, ${VAR:-default}, ${VAR-default})"};
    };
    if (pos_ >= text_.size()) return util::Error{"unterminated ${ in configuration"};
    if (name.empty()) return unsupported();
    std::optional<std::string> value = lookup(name);
    if (text_[pos_] == '}') {
      ++pos_;
      return value.value_or("");
    }
    bool colon = text_[pos_] == ':';
    size_t op = pos_ + (colon ? 1 : 0);
    if (op >= text_.size() || (text_[op] != '-' && text_[op] != '=')) return unsupported();
    pos_ = op + 1;
    auto fallback = run(/*in_braces=*/true);
    if (!fallback.ok()) return fallback;
    if (pos_ >= text_.size()) return util::Error{"unterminated ${ in configuration"};
    ++pos_;  // the closing '}'
    bool use_default = colon ? (!value || value->empty()) : !value;
    return use_default ? *fallback : *value;
  }

  std::string_view text_;
  const EnvLookup& lookup_;
  size_t pos_ = 0;
};

}  // namespace

util::Result<std::string> expand_env(std::string_view text, const EnvLookup& lookup) {
  return Expander(text, lookup).run(false);
}

}  // namespace config
