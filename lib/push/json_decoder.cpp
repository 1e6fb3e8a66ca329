#include "push/json_decoder.h"

#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "push/stream_labels.h"

namespace push {
namespace {

// What the next JSON value must be, given where the parser is.
enum class Expect { Document, StreamsArray, StreamObject, LabelsObject, LabelValue, ValuesArray, EntryArray,
                    Timestamp, Line, MetadataObject, MetadataValue, TooManyElements, Skip };

// Containers the parser is inside of.
enum class Frame { Root, Streams, StreamObject, Labels, Values, Entry, Metadata, Skip };

class PushSaxHandler : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit PushSaxHandler(PushRequest& out) : out_(out) {}
  const std::string& error() const { return error_; }

  bool null() override { return scalar("null", nullptr); }
  bool boolean(bool) override { return scalar("a boolean", nullptr); }
  bool number_integer(number_integer_t) override { return scalar("a number", nullptr); }
  bool number_unsigned(number_unsigned_t) override { return scalar("a number", nullptr); }
  bool number_float(number_float_t, const string_t&) override { return scalar("a number", nullptr); }
  bool string(string_t& s) override { return scalar("a string", &s); }
  bool binary(binary_t&) override { return scalar("binary", nullptr); }

  bool start_object(std::size_t) override {
    switch (expect()) {
      case Expect::Document: return push(Frame::Root);
      case Expect::StreamObject:
        stream_ = Stream{};
        label_pairs_.clear();
        return push(Frame::StreamObject);
      case Expect::LabelsObject: return push(Frame::Labels);
      case Expect::MetadataObject:
        ++element_;
        metadata_pairs_.clear();
        return push(Frame::Metadata);
      case Expect::Skip: return push(Frame::Skip);
      default: return unexpected("an object");
    }
  }

  bool end_object() override {
    Frame f = pop();
    if (f == Frame::StreamObject) finish_stream();
    if (f == Frame::Metadata) entry_.metadata = model::LabelSet::from_unsorted(std::move(metadata_pairs_));
    return true;
  }

  bool start_array(std::size_t) override {
    switch (expect()) {
      case Expect::StreamsArray: return push(Frame::Streams);
      case Expect::ValuesArray: return push(Frame::Values);
      case Expect::EntryArray:
        entry_ = model::Entry{};
        element_ = 0;
        return push(Frame::Entry);
      case Expect::Skip: return push(Frame::Skip);
      default: return unexpected("an array");
    }
  }

  bool end_array() override {
    Frame f = pop();
    if (f == Frame::Entry) {
      if (element_ < 2) return fail("each value must be an array of a timestamp, a line and optionally an object of structured metadata");
      stream_.entries.push_back(std::move(entry_));
    }
    return true;
  }

  bool key(string_t& k) override {
    switch (frames_.back()) {
      case Frame::Root: next_ = k == "streams" ? Expect::StreamsArray : Expect::Skip; break;
      case Frame::StreamObject:
        next_ = k == "stream" ? Expect::LabelsObject : k == "values" ? Expect::ValuesArray : Expect::Skip;
        break;
      case Frame::Labels:
      case Frame::Metadata: key_ = std::move(k); break;
      default: break;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep its position and reason.
    std::string_view what = ex.what();
    if (auto p = what.find("] "); p != std::string_view::npos) what.remove_prefix(p + 2);
    return fail(std::string(what));
  }

 private:
  Expect expect() const {
    if (frames_.empty()) return Expect::Document;
    switch (frames_.back()) {
      case Frame::Root:
      case Frame::StreamObject: return next_;
      case Frame::Streams: return Expect::StreamObject;
      case Frame::Labels: return Expect::LabelValue;
      case Frame::Values: return Expect::EntryArray;
      case Frame::Metadata: return Expect::MetadataValue;
      case Frame::Skip: return Expect::Skip;
      case Frame::Entry:
        return element_ == 0 ? Expect::Timestamp : element_ == 1 ? Expect::Line
             : element_ == 2 ? Expect::MetadataObject : Expect::TooManyElements;
    }
    return Expect::Skip;
  }

  bool scalar(const char* what, string_t* s) {
    Expect e = expect();
    switch (e) {
      case Expect::Skip: return true;
      case Expect::StreamsArray:
      case Expect::LabelsObject:
      case Expect::ValuesArray:
        if (s == nullptr && std::string_view(what) == "null") return true;  // Go decodes null as empty
        return unexpected(what);
      case Expect::LabelValue:
      case Expect::MetadataValue:
        if (s == nullptr) return fail("label and structured metadata values must be strings, got " + std::string(what) + " for " + model::quote_go_string(key_));
        (e == Expect::LabelValue ? label_pairs_ : metadata_pairs_).push_back({std::move(key_), std::move(*s)});
        return true;
      case Expect::Timestamp: {
        ++element_;
        if (s == nullptr) return fail("entry timestamps must be strings of Unix epoch nanoseconds, got " + std::string(what));
        auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), entry_.timestamp);
        if (ec != std::errc{} || end != s->data() + s->size()) {
          return fail("invalid entry timestamp " + model::quote_go_string(*s) + ": expected Unix epoch nanoseconds");
        }
        return true;
      }
      case Expect::Line:
        ++element_;
        if (s == nullptr) return fail("log lines must be strings, got " + std::string(what));
        entry_.line = std::move(*s);
        return true;
      default: return unexpected(what);
    }
  }

  bool unexpected(const char* what) {
    switch (expect()) {
      case Expect::Document: return fail(std::string("the body must be a JSON object, got ") + what);
      case Expect::StreamsArray: return fail(std::string("\"streams\" must be an array, got ") + what);
      case Expect::StreamObject: return fail(std::string("each stream must be an object, got ") + what);
      case Expect::LabelsObject: return fail(std::string("\"stream\" must be an object of labels, got ") + what);
      case Expect::ValuesArray: return fail(std::string("\"values\" must be an array, got ") + what);
      case Expect::EntryArray: return fail(std::string("each value must be an array, got ") + what);
      case Expect::TooManyElements: return fail("a value has more than 3 elements (timestamp, line, structured metadata)");
      case Expect::MetadataObject: return fail(std::string("structured metadata must be an object, got ") + what);
      default: return fail(std::string("unexpected ") + what);
    }
  }

  void finish_stream() {
    if (stream_.entries.empty()) {  // ignored before its labels are looked at, as in Loki
      ++out_.empty_streams;
      return;
    }
    auto labels = stream_labels_from_pairs(std::move(label_pairs_));
    label_pairs_.clear();
    if (!labels) {
      InvalidStream bad{"", labels.error(), stream_.entries.size(), 0};
      for (const auto& e : stream_.entries) bad.bytes += e.line.size();
      out_.invalid_streams.push_back(std::move(bad));
      return;
    }
    stream_.labels = std::move(*labels);
    out_.streams.push_back(std::move(stream_));
  }

  bool push(Frame f) {
    if (f == Frame::Skip && !frames_.empty() && frames_.back() == Frame::Skip) {
      ++skip_depth_;
      return true;
    }
    frames_.push_back(f);
    return true;
  }
  Frame pop() {
    Frame f = frames_.back();
    if (f == Frame::Skip && skip_depth_ > 0) {
      --skip_depth_;
      return f;
    }
    frames_.pop_back();
    return f;
  }
  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  PushRequest& out_;
  std::vector<Frame> frames_;
  size_t skip_depth_ = 0;  // nested containers inside a skipped value, beyond the first
  Expect next_ = Expect::Skip;
  Stream stream_;
  model::Entry entry_;
  int element_ = 0;
  std::string key_;
  std::vector<model::Label> label_pairs_;
  std::vector<model::Label> metadata_pairs_;
  std::string error_;
};

}  // namespace

util::Result<PushRequest> decode_json(std::string_view body) {
  PushRequest out;
  PushSaxHandler handler(out);
  bool ok = nlohmann::json::sax_parse(body.begin(), body.end(), &handler);
  if (!ok) {
    return util::Error{"malformed JSON push request: " + (handler.error().empty() ? std::string("parse error") : handler.error())};
  }
  return out;
}

}  // namespace push
