// FileTailer over real files: appends, partial lines, rotation by rename and by copytruncate,
// delete and recreate, resuming from a saved offset, and a consumer that refuses lines.
// poll() is synchronous, so these tests need no sleeping: each poll reads what is there.
#include "tail/file_tailer.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>

#include "tail_test_util.h"

using tail::FileTailer;
using tail_test::append;
using tail_test::RecordingConsumer;
using Lines = std::vector<std::string>;

namespace {

struct Fixture {
  tail_test::TempDir dir;
  std::string path = dir / "app.log";
  std::vector<char> buffer = std::vector<char>(64 * 1024);
  RecordingConsumer consumer;

  FileTailer::PollResult poll(FileTailer& t, size_t budget = 1 << 20) {
    return t.poll(consumer, std::span<char>(buffer), budget, 0);
  }
};

model::LabelSet labels_for(const std::string& path) { return model::LabelSet{{"filename", path}, {"job", "varlogs"}}; }

}  // namespace

TEST_CASE("tail file: appended lines are read, a partial line is held until its newline") {
  Fixture f;
  append(f.path, "one\ntwo\nthr");
  FileTailer t(f.path, labels_for(f.path), 0, std::nullopt);
  CHECK(f.poll(t) == FileTailer::PollResult::kCaughtUp);
  CHECK(f.consumer.lines == Lines{"one", "two"});
  CHECK(f.consumer.ends == std::vector<int64_t>{4, 8});
  CHECK(t.read_offset() == 8);
  CHECK(t.file_size() == 11);
  f.poll(t);
  CHECK(f.consumer.lines.size() == 2);  // still partial
  append(f.path, "ee\nfour\n");
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"one", "two", "three", "four"});
  CHECK(t.lines_read() == 4);
  CHECK(t.read_offset() == 19);
  REQUIRE(t.cursor());
  CHECK(t.cursor()->labels().get("filename") == f.path);
  CHECK(t.cursor()->acknowledged() == 0);  // nothing acknowledged yet
  f.consumer.ack_all();
  CHECK(t.cursor()->acknowledged() == 19);
}

TEST_CASE("tail file: empty lines and lines longer than the read buffer") {
  Fixture f;
  f.buffer.resize(16);
  std::string long_line(100, 'x');
  append(f.path, "\n" + long_line + "\nshort\n" + long_line);
  FileTailer t(f.path, {}, 0, std::nullopt);
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"", long_line, "short"});
  append(f.path, "y\n");
  f.poll(t);
  CHECK(f.consumer.lines.back() == long_line + "y");
  CHECK(t.read_offset() == static_cast<int64_t>(1 + 101 + 6 + 102));
}

TEST_CASE("tail file: rotation by rename reads the old file to its end before switching") {
  Fixture f;
  append(f.path, "a1\na2\n");
  FileTailer t(f.path, {}, 0, std::nullopt);
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"a1", "a2"});
  REQUIRE(::rename(f.path.c_str(), (f.dir / "app.log.1").c_str()) == 0);
  append(f.dir / "app.log.1", "a3\na4-partial");  // the writer still has the old file open
  append(f.path, "b1\nb2\n");
  auto old_cursor = t.cursor();
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"a1", "a2", "a3", "a4-partial", "b1", "b2"});
  CHECK(t.cursor() != old_cursor);  // a new file, a new cursor
  CHECK(t.cursor()->acknowledged() == 0);
  CHECK(t.read_offset() == 6);
  append(f.path, "b3\n");
  f.poll(t);
  CHECK(f.consumer.lines.back() == "b3");
  CHECK(f.consumer.lines.size() == 7);  // nothing duplicated
}

TEST_CASE("tail file: copytruncate restarts at offset 0") {
  Fixture f;
  append(f.path, "line one\nline two\n");
  FileTailer t(f.path, {}, 0, std::nullopt);
  f.poll(t);
  auto before = t.cursor();
  REQUIRE(::truncate(f.path.c_str(), 0) == 0);
  append(f.path, "new\n");
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"line one", "line two", "new"});
  CHECK(t.read_offset() == 4);
  CHECK(t.cursor() != before);  // old acknowledgements cannot push the new file's position
}

TEST_CASE("tail file: a deleted file that reappears is read from its start") {
  Fixture f;
  append(f.path, "old\n");
  FileTailer t(f.path, {}, 0, std::nullopt);
  f.poll(t);
  REQUIRE(::unlink(f.path.c_str()) == 0);
  CHECK(f.poll(t) == FileTailer::PollResult::kCaughtUp);
  CHECK(f.consumer.lines == Lines{"old"});
  append(f.path, "recreated one\nrecreated two\n");
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"old", "recreated one", "recreated two"});
}

TEST_CASE("tail file: a file missing at start is picked up when it appears") {
  Fixture f;
  FileTailer t(f.path, {}, 0, std::nullopt);
  CHECK(f.poll(t) == FileTailer::PollResult::kCaughtUp);
  CHECK(t.cursor() == nullptr);
  append(f.path, "hello\n");
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"hello"});
}

TEST_CASE("tail file: restart from a saved offset resumes exactly") {
  Fixture f;
  append(f.path, "1\n2\n3\n");
  int64_t saved = 0;
  positions::FileId id;
  {
    FileTailer t(f.path, {}, 0, std::nullopt);
    f.consumer.capacity = 2;
    f.poll(t);
    f.consumer.ack_all();
    saved = t.cursor()->acknowledged();
    id = t.cursor()->file_id();
  }
  CHECK(saved == 4);
  append(f.path, "4\n");
  RecordingConsumer second;
  FileTailer t(f.path, {}, saved, id);
  t.poll(second, std::span<char>(f.buffer), 1 << 20, 0);
  CHECK(second.lines == Lines{"3", "4"});
}

TEST_CASE("tail file: a saved offset for another file or past the end starts at 0") {
  Fixture f;
  append(f.path, "1\n2\n");
  auto real = positions::file_id_of(f.path);
  REQUIRE(real.ok());
  SUBCASE("another inode") {
    positions::FileId other{real->device, real->inode + 1};
    FileTailer t(f.path, {}, 2, other);
    f.poll(t);
    CHECK(f.consumer.lines == Lines{"1", "2"});
  }
  SUBCASE("offset beyond the size (truncated while we were down)") {
    FileTailer t(f.path, {}, 100, *real);
    f.poll(t);
    CHECK(f.consumer.lines == Lines{"1", "2"});
  }
}

TEST_CASE("tail file: a full consumer stops reading; the line is offered again later") {
  Fixture f;
  append(f.path, "a\nb\nc\nd\n");
  FileTailer t(f.path, {}, 0, std::nullopt);
  f.consumer.capacity = 2;
  CHECK(f.poll(t) == FileTailer::PollResult::kBlocked);
  CHECK(f.consumer.lines == Lines{"a", "b"});
  CHECK(t.read_offset() == 4);
  f.consumer.ack_all();
  CHECK(t.cursor()->acknowledged() == 4);
  f.consumer.capacity = 0;
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"a", "b", "c", "d"});
  CHECK(t.cursor()->acknowledged() == 4);  // c, d not acknowledged yet
}

TEST_CASE("tail file: the byte budget bounds one poll") {
  Fixture f;
  f.buffer.resize(8);
  append(f.path, "0123456\n0123456\n0123456\n");
  FileTailer t(f.path, {}, 0, std::nullopt);
  CHECK(f.poll(t, 8) == FileTailer::PollResult::kMoreData);
  CHECK(f.consumer.lines.size() == 1);
  while (f.poll(t, 8) == FileTailer::PollResult::kMoreData) {
  }
  CHECK(f.consumer.lines.size() == 3);
}

TEST_CASE("tail file: new labels apply to lines read afterwards; the position waits for the old lines") {
  Fixture f;
  append(f.path, "one\ntwo\n");
  FileTailer t(f.path, labels_for(f.path), 0, std::nullopt);
  f.poll(t);
  auto before = t.cursor();
  model::LabelSet relabelled{{"filename", f.path}, {"job", "storefront"}};
  t.set_labels(relabelled);
  append(f.path, "three\n");
  f.poll(t);
  CHECK(f.consumer.lines == Lines{"one", "two", "three"});  // nothing read twice
  REQUIRE(f.consumer.cursors.size() == 3);
  CHECK(f.consumer.cursors[0]->labels().get("job") == "varlogs");
  CHECK(f.consumer.cursors[2]->labels() == relabelled);
  CHECK(t.cursor()->labels() == relabelled);

  // The new cursor's line is acknowledged first: the old lines are still in flight, so the safe
  // position stays before them.
  f.consumer.cursors[2]->acknowledge(f.consumer.ends[2]);
  CHECK(t.cursor()->acknowledged() == 0);
  before->acknowledge(4);
  CHECK(t.cursor()->acknowledged() == 4);
  before->acknowledge(8);
  CHECK(t.cursor()->acknowledged() == 14);

  // Two relabels before anything more is read: the newest cursor still waits for the oldest
  // lines (the middle cursor is owned by its successor, not just by the tailer).
  append(f.path, "four\n");
  f.poll(t);  // read under `relabelled`, not acknowledged
  auto middle_lines = t.cursor();
  t.set_labels(model::LabelSet{{"filename", f.path}, {"job", "a"}});
  t.set_labels(model::LabelSet{{"filename", f.path}, {"job", "b"}});
  middle_lines.reset();
  CHECK(t.cursor()->acknowledged() == 14);  // "four" (14..19) is still in flight
  f.consumer.cursors.back()->acknowledge(19);
  CHECK(t.cursor()->acknowledged() == 19);
  t.set_labels(relabelled);

  // Same labels again: the cursor is kept.
  auto now = t.cursor();
  t.set_labels(relabelled);
  CHECK(t.cursor() == now);
}
