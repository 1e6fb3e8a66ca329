// Syslog parsing: RFC 5424's and RFC 3164's own examples, Promtail's label names (the
// structured-data example from Promtail's docs), framing detection, octet counting split across
// reads, and max_message_length truncation.
#include <doctest/doctest.h>

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "model/time.h"
#include "relabel/relabel_yaml.h"
#include "sources/syslog_framing.h"
#include "sources/syslog_labels.h"
#include "sources/syslog_message.h"

using sources::parse_rfc3164;
using sources::parse_rfc5424;

TEST_CASE("syslog rfc5424: RFC 5424 example 1 (no structured data, BOM)") {
  auto m = parse_rfc5424(
      "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
      "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8");
  REQUIRE(m.ok());
  CHECK(m->facility == 4);
  CHECK(m->severity == 2);
  REQUIRE(m->timestamp.has_value());
  CHECK(model::format_rfc3339nano(*m->timestamp) == "2003-10-11T22:14:15.003Z");
  CHECK(m->hostname == "mymachine.example.com");
  CHECK(m->app_name == "su");
  CHECK(m->proc_id == "");
  CHECK(m->msg_id == "ID47");
  CHECK(m->structured_data.empty());
  CHECK(m->message == "'su root' failed for lonvick on /dev/pts/8");
}

TEST_CASE("syslog rfc5424: RFC 5424 example 3 (structured data, offset timestamp)") {
  auto m = parse_rfc5424(
      "<165>1 2003-10-11T22:14:15.003-07:00 mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
      "[examplePriority@32473 class=\"high\"] An application event log entry");
  REQUIRE(m.ok());
  CHECK(m->facility == 20);
  CHECK(m->severity == 5);
  CHECK(model::format_rfc3339nano(*m->timestamp) == "2003-10-12T05:14:15.003Z");
  REQUIRE(m->structured_data.size() == 2);
  CHECK(m->structured_data[0].id == "exampleSDID@32473");
  REQUIRE(m->structured_data[0].params.size() == 3);
  CHECK(m->structured_data[0].params[1].name == "eventSource");
  CHECK(m->structured_data[0].params[1].value == "Application");
  CHECK(m->structured_data[1].params[0].value == "high");
  CHECK(m->message == "An application event log entry");

  model::LabelSet labels;
  sources::add_syslog_message_labels(*m, true, labels);
  CHECK(labels.to_string() ==
        "{__syslog_message_app_name=\"evntslog\", __syslog_message_facility=\"local4\", "
        "__syslog_message_hostname=\"mymachine.example.com\", __syslog_message_msg_id=\"ID47\", "
        "__syslog_message_sd_examplePriority_32473_class=\"high\", "
        "__syslog_message_sd_exampleSDID_32473_eventID=\"1011\", "
        "__syslog_message_sd_exampleSDID_32473_eventSource=\"Application\", "
        "__syslog_message_sd_exampleSDID_32473_iut=\"3\", "
        "__syslog_message_severity=\"notice\"}");
  model::LabelSet without_sd;
  sources::add_syslog_message_labels(*m, false, without_sd);
  CHECK(!without_sd.has("__syslog_message_sd_exampleSDID_32473_iut"));
}

TEST_CASE("syslog rfc5424: Promtail's structured data example and escapes") {
  auto m = parse_rfc5424(
      "<165>1 2018-10-11T22:14:15Z host app 1234 - [example@99999 test=\"yes\" q=\"a\\\"b\\]c\"] msg");
  REQUIRE(m.ok());
  model::LabelSet labels;
  sources::add_syslog_message_labels(*m, true, labels);
  CHECK(labels.get("__syslog_message_sd_example_99999_test") == "yes");
  CHECK(labels.get("__syslog_message_sd_example_99999_q") == "a\"b]c");
  CHECK(labels.get("__syslog_message_proc_id") == "1234");
  CHECK(!labels.has("__syslog_message_msg_id"));
}

TEST_CASE("syslog rfc5424: no message, nil timestamp, errors") {
  auto m = parse_rfc5424("<13>1 - - - - - -");
  REQUIRE(m.ok());
  CHECK(!m->timestamp.has_value());
  CHECK(m->message.empty());
  CHECK(m->severity == 5);
  CHECK(m->facility == 1);
  CHECK(!parse_rfc5424("no pri").ok());
  CHECK(!parse_rfc5424("<192>1 - - - - - -").ok());
  CHECK(!parse_rfc5424("<13>2 - - - - - -").ok());
  CHECK(!parse_rfc5424("<013>1 - - - - - -").ok());
}

TEST_CASE("syslog rfc3164: RFC 3164's example, year from the caller, logger's format") {
  auto m = parse_rfc3164("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", 2003);
  REQUIRE(m.ok());
  CHECK(m->facility == 4);
  CHECK(m->severity == 2);
  CHECK(model::format_rfc3339nano(*m->timestamp) == "2003-10-11T22:14:15Z");
  CHECK(m->hostname == "mymachine");
  CHECK(m->app_name == "su");
  CHECK(m->proc_id == "");
  CHECK(m->message == "'su root' failed for lonvick on /dev/pts/8");

  auto l = parse_rfc3164("<13>Nov  5 09:01:02 box alice[4242]: hello world", 2026);
  REQUIRE(l.ok());
  CHECK(model::format_rfc3339nano(*l->timestamp) == "2026-11-05T09:01:02Z");
  CHECK(l->app_name == "alice");
  CHECK(l->proc_id == "4242");
  CHECK(l->message == "hello world");

  auto bare = parse_rfc3164("<13>just text", 2026);
  REQUIRE(bare.ok());
  CHECK(!bare->timestamp.has_value());
  CHECK(bare->message == "just text");
}

TEST_CASE("syslog names: severities and facilities as Promtail labels them") {
  CHECK(sources::severity_name(0) == "emergency");
  CHECK(sources::severity_name(6) == "informational");
  CHECK(sources::severity_name(7) == "debug");
  CHECK(sources::facility_name(0) == "kern");
  CHECK(sources::facility_name(10) == "authpriv");
  CHECK(sources::facility_name(15) == "solaris-cron");
  CHECK(sources::facility_name(23) == "local7");
}

namespace {

std::vector<std::string> decode_all(sources::SyslogFrameDecoder& d, std::vector<std::string> chunks,
                                    bool* failed = nullptr) {
  std::vector<std::string> out;
  auto on = [&](std::string_view f) { out.emplace_back(f); };
  for (const auto& c : chunks) {
    auto st = d.feed(c, on);
    if (!st.ok()) {
      if (failed) *failed = true;
      return out;
    }
  }
  d.finish(on);
  return out;
}

}  // namespace

TEST_CASE("syslog framing: newline framing detected from '<', split reads, CRLF, final line") {
  sources::SyslogFrameDecoder d(8192);
  auto frames = decode_all(d, {"<13>1 - - - - - - a\r\n<13>1 - - ", "- - - - b\n\n<13>1 - - - - - - c"});
  CHECK(d.framing() == sources::SyslogFrameDecoder::Framing::kNonTransparent);
  CHECK(frames == std::vector<std::string>{"<13>1 - - - - - - a", "<13>1 - - - - - - b",
                                           "<13>1 - - - - - - c"});
}

TEST_CASE("syslog framing: octet counting detected from a digit, lengths across reads, newlines inside") {
  sources::SyslogFrameDecoder d(8192);
  std::string a = "<13>1 - - - - - - multi\nline";
  std::string b = "<13>1 - - - - - - b";
  std::string wire = std::to_string(a.size()) + " " + a + std::to_string(b.size()) + " " + b;
  std::vector<std::string> chunks;
  for (char c : wire) chunks.emplace_back(1, c);  // one byte per read
  auto frames = decode_all(d, chunks);
  CHECK(d.framing() == sources::SyslogFrameDecoder::Framing::kOctetCounting);
  CHECK(frames == std::vector<std::string>{a, b});
}

TEST_CASE("syslog framing: max_message_length truncates and resynchronises") {
  sources::SyslogFrameDecoder oc(5);
  auto frames = decode_all(oc, {"10 0123", "456789", "3 abc"});
  CHECK(frames == std::vector<std::string>{"01234", "abc"});
  CHECK(oc.truncated() == 1);

  sources::SyslogFrameDecoder nt(5);
  frames = decode_all(nt, {"<1>2345", "6789\n<1>x\n"});
  CHECK(frames == std::vector<std::string>{"<1>23", "<1>x"});
  CHECK(nt.truncated() == 1);
}

TEST_CASE("syslog framing: bad first byte or length prefix is an error") {
  bool failed = false;
  sources::SyslogFrameDecoder d(100);
  decode_all(d, {"hello\n"}, &failed);
  CHECK(failed);
  failed = false;
  sources::SyslogFrameDecoder d2(100);
  auto frames = decode_all(d2, {"3 abc", "x3 abc"}, &failed);
  CHECK(failed);
  CHECK(frames == std::vector<std::string>{"abc"});
}

TEST_CASE("syslog labels: relabel_configs see the meta labels; '__' labels never become stream labels") {
  auto rules = relabel::parse_relabel_rules(YAML::Load(R"(
- source_labels: [__syslog_message_hostname]
  target_label: host
- source_labels: [__syslog_message_app_name]
  regex: drop-me
  action: drop
)"), "relabel_configs");
  REQUIRE(rules.ok());
  auto m = parse_rfc5424("<165>1 2018-10-11T22:14:15Z web1 nginx - - - hi");
  REQUIRE(m.ok());
  model::LabelSet meta{{"job", "syslog"}};
  sources::add_syslog_message_labels(*m, false, meta);
  auto out = sources::syslog_stream_labels(meta, *rules);
  REQUIRE(out.has_value());
  CHECK(out->to_string() == "{host=\"web1\", job=\"syslog\"}");

  auto dropped = parse_rfc5424("<165>1 2018-10-11T22:14:15Z web1 drop-me - - - hi");
  model::LabelSet meta2;
  sources::add_syslog_message_labels(*dropped, false, meta2);
  CHECK(!sources::syslog_stream_labels(meta2, *rules).has_value());
}
