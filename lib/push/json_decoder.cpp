#include "push/json_decoder.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

// simdjson is a large header: it is included here only, so no other translation unit pays for it.
#include <simdjson.h>

#include "golang/quote.h"
#include "golang/utf8.h"
#include "push/stream_labels.h"

namespace push {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// A thread's parser keeps its buffers (sized for the largest body it has seen) between requests;
// beyond this size they are given back after the request, so one huge push does not pin memory.
constexpr size_t kRetainedCapacity = 16 << 20;

// How the error messages name a JSON value's kind.
const char* kind_of(element e) {
  switch (e.type()) {
    case element_type::OBJECT: return "an object";
    case element_type::ARRAY: return "an array";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
    default: return "a number";  // INT64, UINT64, DOUBLE
  }
}

bool is_container(element e) { return e.is_object() || e.is_array(); }

// The object or array an element is known to be (checked by the caller), by value: the value of
// a temporary simdjson_result must not outlive it (a range-for over `get_array().value()` would).
simdjson::dom::object object_of(element e) {
  simdjson::dom::object o;
  if (e.get(o)) return {};
  return o;
}
simdjson::dom::array array_of(element e) {
  simdjson::dom::array a;
  if (e.get(a)) return {};
  return a;
}
std::string_view string_of(element e) {
  std::string_view s;
  if (e.get(s)) return {};
  return s;
}

// Walks a parsed document in order, as the former streaming decoder did: the first offending
// element (in document order) is the error; streams with unusable labels go to invalid_streams.
// Unknown keys are skipped; repeated keys are all taken ("values" twice appends both).
class Walker {
 public:
  explicit Walker(PushRequest& out) : out_(out) {}

  util::Status document(element root) {
    if (!root.is_object()) return fail("the body must be a JSON object, got ", root);
    for (auto field : object_of(root)) {
      if (field.key == "streams") {
        if (auto s = streams(field.value); !s) return s;
      }
    }
    return {};
  }

 private:
  util::Status streams(element v) {
    if (v.is_null()) return {};  // Go decodes null as an empty list
    if (!v.is_array()) return fail("\"streams\" must be an array, got ", v);
    for (element s : array_of(v)) {
      if (auto st = stream(s); !st) return st;
    }
    return {};
  }

  util::Status stream(element v) {
    if (!v.is_object()) return fail("each stream must be an object, got ", v);
    Stream stream;
    label_pairs_.clear();
    for (auto field : object_of(v)) {
      util::Status st;
      if (field.key == "stream") {
        st = labels(field.value);
      } else if (field.key == "values") {
        st = values(field.value, stream);
      }
      if (!st) return st;
    }
    finish_stream(std::move(stream));
    return {};
  }

  util::Status labels(element v) {
    if (v.is_null()) return {};
    if (!v.is_object()) return fail("\"stream\" must be an object of labels, got ", v);
    return pairs(v, label_pairs_);
  }

  // The name/value strings of a label or structured metadata object.
  util::Status pairs(element object, std::vector<model::Label>& out) {
    for (auto field : object_of(object)) {
      element v = field.value;
      if (v.is_string()) {
        out.push_back({std::string(field.key), std::string(string_of(v))});
        continue;
      }
      if (is_container(v)) return fail("unexpected ", v);
      return util::Error{"label and structured metadata values must be strings, got " + std::string(kind_of(v)) +
                         " for " + golang::quote(field.key)};
    }
    return {};
  }

  util::Status values(element v, Stream& stream) {
    if (v.is_null()) return {};
    if (!v.is_array()) return fail("\"values\" must be an array, got ", v);
    simdjson::dom::array entries = array_of(v);
    // size() is read off the tape; capped, as a long array of junk is refused at its first element.
    stream.entries.reserve(stream.entries.size() + std::min<size_t>(entries.size(), 1 << 16));
    for (element e : entries) {
      if (auto st = entry(e, stream); !st) return st;
    }
    return {};
  }

  // ["<ns>", "<line>"] or ["<ns>", "<line>", {metadata}]
  util::Status entry(element v, Stream& stream) {
    if (!v.is_array()) return fail("each value must be an array, got ", v);
    model::Entry entry;
    int n = 0;
    for (element e : array_of(v)) {
      util::Status st;
      switch (n++) {
        case 0: st = timestamp(e, entry); break;
        case 1: st = line(e, entry); break;
        case 2: st = metadata(e, entry); break;
        default: return util::Error{"a value has more than 3 elements (timestamp, line, structured metadata)"};
      }
      if (!st) return st;
    }
    if (n < 2) return util::Error{"each value must be an array of a timestamp, a line and optionally an object of structured metadata"};
    stream.entries.push_back(std::move(entry));
    return {};
  }

  static util::Status timestamp(element v, model::Entry& entry) {
    if (!v.is_string()) {
      if (is_container(v)) return fail("unexpected ", v);
      return fail("entry timestamps must be strings of Unix epoch nanoseconds, got ", v);
    }
    std::string_view s = string_of(v);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), entry.timestamp);
    if (ec != std::errc{} || end != s.data() + s.size()) {
      return util::Error{"invalid entry timestamp " + golang::quote(s) + ": expected Unix epoch nanoseconds"};
    }
    return {};
  }

  static util::Status line(element v, model::Entry& entry) {
    if (!v.is_string()) {
      if (is_container(v)) return fail("unexpected ", v);
      return fail("log lines must be strings, got ", v);
    }
    entry.line.assign(string_of(v));
    return {};
  }

  util::Status metadata(element v, model::Entry& entry) {
    if (!v.is_object()) return fail("structured metadata must be an object, got ", v);
    metadata_pairs_.clear();
    if (auto st = pairs(v, metadata_pairs_); !st) return st;
    entry.metadata = model::LabelSet::from_unsorted(std::move(metadata_pairs_));
    return {};
  }

  void finish_stream(Stream stream) {
    if (stream.entries.empty()) {  // ignored before its labels are looked at, as in Loki
      ++out_.empty_streams;
      return;
    }
    auto labels = stream_labels_from_pairs(std::move(label_pairs_));
    label_pairs_.clear();
    if (!labels) {
      InvalidStream bad{"", labels.error(), stream.entries.size(), 0};
      for (const auto& e : stream.entries) bad.bytes += e.line.size();
      out_.invalid_streams.push_back(std::move(bad));
      return;
    }
    stream.labels = std::move(*labels);
    out_.streams.push_back(std::move(stream));
  }

  static util::Status fail(const char* what, element got) { return util::Error{what + std::string(kind_of(got))}; }

  PushRequest& out_;
  std::vector<model::Label> label_pairs_;  // of the current stream, over all its "stream" keys
  std::vector<model::Label> metadata_pairs_;
};

// Our wording for simdjson's parse failures (its own messages are long and capitalized).
std::string parse_failure(simdjson::error_code code) {
  switch (code) {
    case simdjson::EMPTY: return "empty body";
    case simdjson::TAPE_ERROR: return "invalid JSON structure (a missing or superfluous comma, colon, bracket or key)";
    case simdjson::UTF8_ERROR: return "invalid UTF-8";
    case simdjson::UNCLOSED_STRING: return "unclosed string";
    case simdjson::STRING_ERROR: return "invalid string (bad escape or unpaired UTF-16 surrogate)";
    case simdjson::UNESCAPED_CHARS: return "unescaped control character in a string";
    case simdjson::NUMBER_ERROR: return "invalid number";
    case simdjson::DEPTH_ERROR: return "nested deeper than 1024 levels";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR: return "invalid literal (true, false or null)";
    default: return simdjson::error_message(code);
  }
}


// simdjson refuses integers beyond 64 bits, which JSON allows (nlohmann and Go read them as
// floats). No number in a push body is ever used (wanted values are strings; a number anywhere
// is either skipped or an error that names only its kind), so such integers are rewritten as
// `0` padded with spaces, keeping every offset, and the body is parsed again. Returns false if
// there was nothing to rewrite.
bool neutralize_big_integers(std::string& body) {
  auto number_char = [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; };
  bool changed = false;
  bool in_string = false;
  char before = ' ';  // the character before the current one, outside strings
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    // A token of number characters where a value may start; only a plain integer of at least
    // 19 digits (which may exceed 64 bits) is rewritten. Anything else is left for the parser.
    bool value_start = before == ' ' || before == '\t' || before == '\n' || before == '\r' || before == '[' ||
                       before == ',' || before == ':';
    if (!value_start || !number_char(c)) {
      before = c;
      continue;
    }
    size_t end = i;
    while (end < body.size() && number_char(body[end])) ++end;
    std::string_view token(body.data() + i, end - i);
    std::string_view digits = token.substr(token[0] == '-');
    bool big_integer = digits.size() >= 19 && digits[0] != '0' &&
                       digits.find_first_not_of("0123456789") == std::string_view::npos;
    if (big_integer) {
      body[i] = '0';
      std::memset(body.data() + i + 1, ' ', end - i - 1);
      changed = true;
    }
    i = end - 1;
    before = body[i];
  }
  return changed;
}

// Go's encoding/json (and so a Loki JSON push) takes invalid UTF-8 inside strings and reads each
// invalid byte as U+FFFD; simdjson refuses the whole document. The body is rewritten that way
// and parsed again, so one bad line no longer costs the whole push. (Bytes outside strings stay
// malformed JSON either way.)
std::string replace_invalid_utf8(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 8);
  for (size_t i = 0; i < body.size();) {
    size_t len = 1;
    if (static_cast<unsigned char>(body[i]) < 0x80 || golang::decode_utf8(body, i, len) < 0) {
      if (static_cast<unsigned char>(body[i]) < 0x80) {
        out += body[i];
      } else {
        golang::append_utf8(out, 0xFFFD);
      }
      i += 1;
      continue;
    }
    out.append(body, i, len);
    i += len;
  }
  return out;
}

// Parses with `parser`, retrying once without invalid UTF-8 and once without big integers, which
// simdjson alone would refuse.
// Nesting deeper than simdjson's default (1024) is refused rather than given a deeper parser:
// a parser's memory grows with its depth, and no push body nests beyond a handful of levels.
simdjson::error_code parse(simdjson::dom::parser& parser, std::string_view body, element& root,
                           std::string& rewritten) {
  // A UTF-8 byte order mark is tolerated, as nlohmann and Go's decoders tolerate it.
  if (body.size() >= 3 && std::memcmp(body.data(), "\xEF\xBB\xBF", 3) == 0) body.remove_prefix(3);
  // The body is copied into the parser's reused buffer, which has the padding simdjson reads
  // past the end into (http::Request::body is a std::string we may not grow).
  auto err = parser.parse(body.data(), body.size()).get(root);
  if (err == simdjson::UTF8_ERROR) {
    rewritten = replace_invalid_utf8(body);
    body = rewritten;
    err = parser.parse(rewritten.data(), rewritten.size()).get(root);
  }
  if (err == simdjson::NUMBER_ERROR) {
    if (body.data() != rewritten.data()) rewritten.assign(body);
    if (!neutralize_big_integers(rewritten)) return err;
    err = parser.parse(rewritten.data(), rewritten.size()).get(root);
  }
  return err;
}

}  // namespace

util::Result<PushRequest> decode_json(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  std::string rewritten;
  element root;
  PushRequest out;
  util::Status walked;
  auto err = parse(parser, body, root, rewritten);
  if (!err) walked = Walker(out).document(root);
  if (parser.capacity() > kRetainedCapacity) parser = simdjson::dom::parser{};
  if (err) return util::Error{"malformed JSON push request: parse error: " + parse_failure(err)};
  if (!walked) return util::prefixed("malformed JSON push request: ", walked.status_error());
  return out;
}

}  // namespace push
