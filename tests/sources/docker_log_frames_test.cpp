// The Docker logs body: 8-byte-header frames demultiplexed, TTY streams cut at newlines, frames
// assembled into timestamped lines; and the cursor a restart resumes from.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sources/docker_log_cursor.h"
#include "sources/docker_log_frames.h"

namespace {

std::string frame(int stream, const std::string& payload) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(stream);
  const uint32_t n = static_cast<uint32_t>(payload.size());
  h[4] = static_cast<char>(n >> 24);
  h[5] = static_cast<char>((n >> 16) & 0xff);
  h[6] = static_cast<char>((n >> 8) & 0xff);
  h[7] = static_cast<char>(n & 0xff);
  return h + payload;
}

struct Frames {
  std::vector<std::pair<std::string, std::string>> seen;  // stream, payload
  std::vector<std::string> errors;
  sources::DockerFrameDemuxer demuxer(bool tty) {
    return sources::DockerFrameDemuxer(
        tty, [this](sources::DockerStream s, std::string_view p) { seen.emplace_back(sources::docker_stream_name(s), p); },
        [this](std::string_view m) { errors.emplace_back(m); });
  }
};

struct Lines {
  std::vector<std::pair<int64_t, std::string>> seen;
  std::vector<std::string> bad;
  sources::DockerLineAssembler assembler(size_t max = 256 * 1024) {
    return sources::DockerLineAssembler([this](int64_t ts, std::string l) { seen.emplace_back(ts, std::move(l)); },
                                        max, [this](std::string_view f) { bad.emplace_back(f); });
  }
};

constexpr int64_t kT0 = 1'700'000'000'123'456'789;  // 2023-11-14T22:13:20.123456789Z

}  // namespace

TEST_CASE("docker frames: stdout and stderr frames, fed one byte at a time") {
  const std::string body = frame(1, "out one\n") + frame(2, "err one\n") + frame(0, "stdin echo\n") +
                           frame(3, "container gone") + frame(1, std::string(70'000, 'x'));
  Frames f;
  auto d = f.demuxer(false);
  for (char c : body) REQUIRE(d.feed(std::string_view(&c, 1)));
  d.finish();
  REQUIRE(f.seen.size() == 4);
  CHECK(f.seen[0] == std::pair<std::string, std::string>{"stdout", "out one\n"});
  CHECK(f.seen[1] == std::pair<std::string, std::string>{"stderr", "err one\n"});
  CHECK(f.seen[2] == std::pair<std::string, std::string>{"stdout", "stdin echo\n"});
  CHECK(f.seen[3].second.size() == 70'000);  // a size over 16 bits
  CHECK(f.errors == std::vector<std::string>{"container gone"});
}

TEST_CASE("docker frames: in one piece, and a malformed header stops the stream") {
  Frames f;
  auto d = f.demuxer(false);
  CHECK(d.feed(frame(1, "a\n") + frame(2, "b\n")));
  CHECK(f.seen.size() == 2);
  CHECK_FALSE(d.feed("2023-11-14T22:13:20Z not a frame\n"));
  CHECK_FALSE(d.feed(frame(1, "c\n")));
  CHECK(f.seen.size() == 2);
}

TEST_CASE("docker frames: a TTY stream is raw, cut at newlines, all stdout") {
  Frames f;
  auto d = f.demuxer(true);
  CHECK(d.feed("2023-11-14T22:13:20Z first\r\n2023-11-14T22:13:21Z sec"));
  CHECK(d.feed("ond\r\n2023-11-14T22:13:22Z no newline"));
  REQUIRE(f.seen.size() == 2);
  CHECK(f.seen[0] == std::pair<std::string, std::string>{"stdout", "2023-11-14T22:13:20Z first\r\n"});
  CHECK(f.seen[1].second == "2023-11-14T22:13:21Z second\r\n");
  d.finish();
  REQUIRE(f.seen.size() == 3);
  CHECK(f.seen[2].second == "2023-11-14T22:13:22Z no newline");
}

TEST_CASE("docker lines: the daemon's timestamp is the entry time, \\r\\n removed") {
  Lines l;
  auto a = l.assembler();
  a.add_frame("2023-11-14T22:13:20.123456789Z hello world\n");
  a.add_frame("2023-11-14T22:13:21Z crlf\r\n");
  a.add_frame("2023-11-14T22:13:22Z \n");
  REQUIRE(l.seen.size() == 3);
  CHECK(l.seen[0] == std::pair<int64_t, std::string>{kT0, "hello world"});
  CHECK(l.seen[1] == std::pair<int64_t, std::string>{1'700'000'001'000'000'000, "crlf"});
  CHECK(l.seen[2].second.empty());
}

TEST_CASE("docker lines: partial frames of one long line are joined under the first time") {
  Lines l;
  auto a = l.assembler();
  a.add_frame("2023-11-14T22:13:20.123456789Z part one, ");
  a.add_frame("2023-11-14T22:13:20.123456789Z part two, ");
  a.add_frame("2023-11-14T22:13:20.123456789Z end\n");
  REQUIRE(l.seen.size() == 1);
  CHECK(l.seen[0] == std::pair<int64_t, std::string>{kT0, "part one, part two, end"});

  // A new time while a line is pending: the pending line is complete.
  a.add_frame("2023-11-14T22:13:20.123456789Z dangling");
  a.add_frame("2023-11-14T22:13:21 next\n");  // not RFC3339 (no zone): a bad frame, but a line is pending
  a.add_frame("2023-11-14T22:13:22Z other\n");
  REQUIRE(l.seen.size() == 3);
  CHECK(l.seen[1] == std::pair<int64_t, std::string>{kT0, "dangling2023-11-14T22:13:21 next"});
  CHECK(l.seen[2].second == "other");

  a.add_frame("2023-11-14T22:13:23Z unfinished at the end");
  a.finish();
  REQUIRE(l.seen.size() == 4);
  CHECK(l.seen[3].second == "unfinished at the end");
}

TEST_CASE("docker lines: frames without a timestamp are skipped; over-long lines cut") {
  Lines l;
  auto a = l.assembler(10);
  a.add_frame("no timestamp here\n");
  CHECK(l.bad == std::vector<std::string>{"no timestamp here\n"});
  CHECK(l.seen.empty());
  a.add_frame("2023-11-14T22:13:20Z 0123456789abc");
  a.add_frame("2023-11-14T22:13:20Z more of the same line\n");
  a.add_frame("2023-11-14T22:13:21Z short\n");
  REQUIRE(l.seen.size() == 2);
  CHECK(l.seen[0].second == "0123456789");
  CHECK(l.seen[1].second == "short");
}

TEST_CASE("docker cursor: text form, Promtail's seconds, and skipping what was delivered") {
  sources::DockerLogCursor c;
  CHECK(c.since() == "0");
  c = c.after(kT0);
  CHECK(c.to_string() == "1700000000.123456789:1");
  c = c.after(kT0);
  CHECK(c.to_string() == "1700000000.123456789:2");
  CHECK(c.since() == "1700000000.123456789");
  CHECK(sources::parse_docker_log_cursor(c.to_string()) == c);
  CHECK(sources::parse_docker_log_cursor("1700000000") == sources::DockerLogCursor{1'700'000'000'000'000'000, 0});
  CHECK_FALSE(sources::parse_docker_log_cursor("x"));
  CHECK_FALSE(sources::parse_docker_log_cursor("1700000000.12:1"));
  CHECK_FALSE(sources::parse_docker_log_cursor(""));
  CHECK(sources::docker_cursor_key("abc") == "cursor-abc");

  // Resuming from "two lines at kT0 delivered": earlier lines and those two are skipped.
  uint64_t seen = 0;
  CHECK(c.already_delivered(kT0 - 1, seen));
  CHECK(c.already_delivered(kT0, seen));
  CHECK(c.already_delivered(kT0, seen));
  CHECK_FALSE(c.already_delivered(kT0, seen));
  CHECK_FALSE(c.already_delivered(kT0 + 1, seen));
  uint64_t none = 0;
  CHECK_FALSE(sources::DockerLogCursor{}.already_delivered(1, none));
}
