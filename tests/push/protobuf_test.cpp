#include <doctest/doctest.h>

#include <snappy.h>

#include <random>

#include "push.pb.h"
#include "push/protobuf_decoder.h"
#include "push/protobuf_encoder.h"

using push::decode_protobuf;
using push::decode_protobuf_snappy;

namespace {

// A request built with the classes protoc generates from proto/push.proto: what any
// protobuf implementation (Promtail's gogo code included) puts on the wire.
std::string reference_body() {
  logproto::PushRequest req;
  auto* s = req.add_streams();
  s->set_labels(R"({job="app", env="prod"})");
  s->set_hash(12345);  // ignored
  auto* e = s->add_entries();
  e->mutable_timestamp()->set_seconds(1700000000);
  e->mutable_timestamp()->set_nanos(123456789);
  e->set_line("first line");
  auto* md = e->add_structuredmetadata();
  md->set_name("trace_id");
  md->set_value("abc");
  auto* p = e->add_parsed();  // query-side field: ignored on push
  p->set_name("x");
  p->set_value("y");
  e = s->add_entries();
  e->mutable_timestamp()->set_seconds(1700000000);
  e->mutable_timestamp()->set_nanos(123456789);
  e->set_line("same timestamp");
  auto* s2 = req.add_streams();
  s2->set_labels(R"({job="db"})");
  s2->add_entries()->set_line("epoch");  // no timestamp set: 0
  req.set_format("loki");
  std::string raw = req.SerializeAsString();
  std::string compressed;
  snappy::Compress(raw.data(), raw.size(), &compressed);
  return compressed;
}

}  // namespace

TEST_CASE("push protobuf: decodes what the generated classes encode, snappy-compressed") {
  auto r = decode_protobuf_snappy(reference_body());
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 2);
  const auto& s = r->streams[0];
  CHECK(s.labels.to_string() == R"({env="prod", job="app"})");
  REQUIRE(s.entries.size() == 2);
  CHECK(s.entries[0].timestamp == 1700000000123456789);
  CHECK(s.entries[0].line == "first line");
  CHECK(s.entries[0].metadata.to_string() == R"({trace_id="abc"})");
  CHECK(s.entries[1].line == "same timestamp");
  CHECK(s.entries[1].metadata.empty());
  CHECK(r->streams[1].entries[0].timestamp == 0);
  CHECK(r->streams[1].entries[0].line == "epoch");
}

TEST_CASE("push protobuf: our encoder round-trips and the generated classes read it") {
  push::PushRequest in;
  auto& s = in.streams.emplace_back();
  s.labels = model::LabelSet{{"app", "x"}, {"pod", "p-1"}};
  s.entries.push_back({1, "a", {}});
  s.entries.push_back({1700000000000000000, std::string(300, 'z'), model::LabelSet{{"k", "v"}, {"t", "1"}}});
  s.entries.push_back({-1500000000, "before the epoch", {}});
  s.entries.push_back({5, "", {}});
  std::string body = push::encode_protobuf_snappy(in);
  auto out = decode_protobuf_snappy(body);
  REQUIRE(out.ok());
  REQUIRE(out->streams.size() == 1);
  CHECK(out->streams[0].labels == s.labels);
  CHECK(out->streams[0].entries == s.entries);

  logproto::PushRequest ref;
  REQUIRE(ref.ParseFromString(push::encode_protobuf(in)));
  REQUIRE(ref.streams_size() == 1);
  CHECK(ref.streams(0).labels() == R"({app="x", pod="p-1"})");
  CHECK(ref.streams(0).entries(1).timestamp().seconds() == 1700000000);
  CHECK(ref.streams(0).entries(1).structuredmetadata(1).name() == "t");
  CHECK(ref.streams(0).entries(2).timestamp().seconds() == -2);  // nanos stay non-negative
  CHECK(ref.streams(0).entries(2).timestamp().nanos() == 500000000);
}

TEST_CASE("push protobuf: bad labels drop only their stream; duplicate names use Loki's message") {
  logproto::PushRequest req;
  auto* bad = req.add_streams();
  bad->set_labels(R"({job="a", job="b"})");
  bad->add_entries()->set_line("xyz");
  auto* unparsable = req.add_streams();
  unparsable->set_labels("job=a");
  unparsable->add_entries()->set_line("q");
  auto* good = req.add_streams();
  good->set_labels(R"({job="ok"})");
  good->add_entries()->set_line("fine");
  auto* empty = req.add_streams();
  empty->set_labels("not even labels");  // no entries: ignored, labels never looked at
  auto r = decode_protobuf(req.SerializeAsString());
  REQUIRE(r.ok());
  REQUIRE(r->streams.size() == 1);
  CHECK(r->empty_streams == 1);
  REQUIRE(r->invalid_streams.size() == 2);
  CHECK(r->invalid_streams[0].message == R"(stream '{job="a", job="b"}' has duplicate label name: 'job')");
  CHECK(r->invalid_streams[0].bytes == 3);
  CHECK(r->invalid_streams[1].message.rfind("Error parsing labels 'job=a' with error: ", 0) == 0);
}

TEST_CASE("push protobuf: malformed input is a clear error") {
  CHECK(decode_protobuf_snappy("not snappy at all").error() == "snappy: corrupt input");
  CHECK(decode_protobuf_snappy("").error() == "snappy: corrupt input");
  // A snappy header claiming 4 GB: refused before allocating.
  std::string huge = "\xff\xff\xff\xff\x0f";
  CHECK(decode_protobuf_snappy(huge).error() == "request body too large: 4294967295 bytes, limit: 104857600 bytes");
  CHECK(decode_protobuf_snappy(push::encode_protobuf_snappy({}), {0}).ok());

  // Invalid UTF-8 in lines and structured metadata is kept byte for byte, as Loki's decoder keeps
  // it (encoded with our encoder: the generated classes refuse to write it); one bad line used to
  // cost the whole push.
  push::PushRequest bad;
  bad.streams.push_back({model::LabelSet{{"a", "b"}}, {{1, "invalid \xff utf8", {}}, {2, "fine", {}}}});
  auto kept = decode_protobuf(push::encode_protobuf(bad));
  REQUIRE(kept.ok());
  REQUIRE(kept->streams.size() == 1);
  CHECK(kept->streams[0].entries[0].line == "invalid \xff utf8");
  CHECK(kept->streams[0].entries[1].line == "fine");
  bad.streams[0].entries[0] = {1, "ok", model::LabelSet{{"k", "\xc3"}}};
  auto meta = decode_protobuf(push::encode_protobuf(bad));
  REQUIRE(meta.ok());
  CHECK(meta->streams[0].entries[0].metadata.get("k").value_or("") == "\xc3");

  logproto::PushRequest req;
  auto* s = req.add_streams();
  s->set_labels(R"({a="b"})");
  s->add_entries()->set_line("ok");
  s->mutable_entries(0)->mutable_timestamp()->set_nanos(-1);
  CHECK(decode_protobuf(req.SerializeAsString()).error().find("nanos -1 not in [0, 1e9)") != std::string::npos);
  s->mutable_entries(0)->mutable_timestamp()->set_nanos(0);
  s->mutable_entries(0)->mutable_timestamp()->set_seconds(int64_t(1) << 40);
  CHECK(decode_protobuf(req.SerializeAsString()).error().find("outside the range") != std::string::npos);
  s->mutable_entries(0)->mutable_timestamp()->set_seconds(1);
  auto* md = s->mutable_entries(0)->add_structuredmetadata();
  md->set_name("k");

  // Every truncation of a valid message is an error or a shorter valid message, never a crash.
  md->set_value("v");
  std::string raw = req.SerializeAsString();
  for (size_t n = 0; n < raw.size(); ++n) (void)decode_protobuf(std::string_view(raw).substr(0, n));
  CHECK(decode_protobuf(raw.substr(0, raw.size() - 1)).error().rfind("malformed protobuf push request", 0) == 0);
  // Hostile lengths and wire types.
  CHECK(!decode_protobuf(std::string("\x0a\xff\xff\xff\xff\x0f", 6)).ok());   // streams: 4 GB length
  CHECK(!decode_protobuf(std::string("\x0b", 1)).ok());                       // group wire type
  CHECK(!decode_protobuf(std::string("\x00\x01", 2)).ok());                   // field 0
  CHECK(!decode_protobuf(std::string(11, '\xff')).ok());                      // overlong varint
  CHECK(decode_protobuf(std::string("\x10\x05", 2)).ok());                    // unknown varint field: skipped
}

TEST_CASE("push protobuf: random corruption never crashes") {
  push::PushRequest in;
  for (int i = 0; i < 3; ++i) {
    auto& s = in.streams.emplace_back();
    s.labels = model::LabelSet{{"app", "a" + std::to_string(i)}};
    for (int j = 0; j < 20; ++j) s.entries.push_back({j, "line " + std::to_string(j), model::LabelSet{{"k", "v"}}});
  }
  std::string raw = push::encode_protobuf(in);
  std::string snappy_body = push::encode_protobuf_snappy(in);
  std::mt19937 rng(42);
  for (int round = 0; round < 3000; ++round) {
    std::string a = raw, b = snappy_body;
    for (int k = 0; k < 1 + round % 4; ++k) {
      a[rng() % a.size()] = static_cast<char>(rng());
      b[rng() % b.size()] = static_cast<char>(rng());
    }
    (void)decode_protobuf(a);
    (void)decode_protobuf_snappy(b);
  }
  CHECK(decode_protobuf(raw).ok());
}
