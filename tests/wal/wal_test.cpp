#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "fsutil/atomic_file.h"
#include "wal/checkpoint.h"
#include "wal/record.h"
#include "wal/replay.h"
#include "wal/wal_dir.h"
#include "wal/wal_writer.h"

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/wal-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

// One push-batch record holding `lines` as entries of stream {app="a"} at ts 1, 2, ...
std::string batch_record(const std::string& tenant, const std::vector<std::string>& lines, int64_t first_ts = 1) {
  std::string out;
  size_t start = wal::begin_record(out, wal::RecordType::kPushBatch);
  wal::put_batch_header(out, tenant, 1);
  wal::put_stream_header(out, model::LabelSet{{"app", "a"}}, lines.size());
  int64_t prev = 0;
  for (size_t i = 0; i < lines.size(); ++i)
    wal::put_entry(out, prev, first_ts + static_cast<int64_t>(i), lines[i], {});
  REQUIRE(wal::finish_record(out, start).ok());
  return out;
}

std::vector<std::string> replay_lines(const std::string& dir, wal::ReplayResult* result = nullptr) {
  std::vector<std::string> lines;
  auto r = wal::replay(dir, [&](std::string_view payload) -> util::Status {
    auto b = wal::decode_push_batch(payload);
    if (!b.ok()) return b.status_error();
    for (const auto& s : b->streams)
      for (const auto& e : s.entries) lines.push_back(e.line);
    return {};
  });
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error()));
  if (result) *result = *r;
  return lines;
}

off_t file_size(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_size;
}

void append_raw(const std::string& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("wal push batch round-trips tenant, labels, timestamps, lines and metadata") {
  std::string rec;
  size_t start = wal::begin_record(rec, wal::RecordType::kPushBatch);
  wal::put_batch_header(rec, "tenant-1", 2);
  model::LabelSet s1{{"app", "api"}, {"env", "prod"}};
  wal::put_stream_header(rec, s1, 3);
  int64_t prev = 0;
  wal::put_entry(rec, prev, 1700000000123456789, "first", {});
  wal::put_entry(rec, prev, 1700000000000000000, "older, out of order", model::LabelSet{{"trace_id", "abc"}});
  wal::put_entry(rec, prev, -5, "", {});
  wal::put_stream_header(rec, model::LabelSet{{"app", "web"}}, 1);
  prev = 0;
  wal::put_entry(rec, prev, std::numeric_limits<int64_t>::max(), "max", {});
  REQUIRE(wal::finish_record(rec, start).ok());

  std::vector<std::string> payloads;
  auto scan = wal::scan_records(rec, [&](wal::RecordType type, std::string_view payload, size_t offset) {
    CHECK(type == wal::RecordType::kPushBatch);
    CHECK(offset == 0);
    payloads.emplace_back(payload);
    return util::Status{};
  });
  REQUIRE(scan.ok());
  CHECK(scan->end == wal::ScanResult::End::kClean);
  REQUIRE(payloads.size() == 1);
  auto b = wal::decode_push_batch(payloads[0]);
  REQUIRE(b.ok());
  CHECK(b->tenant == "tenant-1");
  REQUIRE(b->streams.size() == 2);
  CHECK(b->streams[0].labels == s1);
  REQUIRE(b->streams[0].entries.size() == 3);
  CHECK(b->streams[0].entries[0] == model::Entry{1700000000123456789, "first", {}});
  CHECK(b->streams[0].entries[1] ==
        model::Entry{1700000000000000000, "older, out of order", model::LabelSet{{"trace_id", "abc"}}});
  CHECK(b->streams[0].entries[2] == model::Entry{-5, "", {}});
  CHECK(b->streams[1].entries[0].timestamp == std::numeric_limits<int64_t>::max());
}

TEST_CASE("wal push batch decoder rejects every truncation and hostile counts without crashing") {
  std::string rec = batch_record("t", {"one", "two", "three"});
  std::string payload = rec.substr(wal::kRecordHeaderSize);
  REQUIRE(wal::decode_push_batch(payload).ok());
  for (size_t n = 0; n < payload.size(); ++n) CHECK_FALSE(wal::decode_push_batch(payload.substr(0, n)).ok());
  CHECK_FALSE(wal::decode_push_batch(payload + "x").ok());  // trailing bytes
  // A stream count of 2^63 must be rejected before anything is allocated.
  std::string hostile = std::string("\x01t", 2) + "\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  auto r = wal::decode_push_batch(hostile);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("stream count") != std::string::npos);
  // Unsorted label names are refused (a label set is sorted and unique).
  std::string unsorted;
  wal::put_batch_header(unsorted, "t", 1);
  unsorted += std::string("\x02\x01" "b" "\x01" "x" "\x01" "a" "\x01" "y" "\x00", 11);
  CHECK_FALSE(wal::decode_push_batch(unsorted).ok());
}

TEST_CASE("scan_records tells a torn tail from corruption in the middle") {
  std::string a = batch_record("t", {"a"}), b = batch_record("t", {"b"}), c = batch_record("t", {"c"});
  std::string all = a + b + c;
  auto count = [](std::string_view data) { return wal::scan_records(data, nullptr); };

  SUBCASE("clean") {
    auto r = count(all);
    REQUIRE(r.ok());
    CHECK(r->end == wal::ScanResult::End::kClean);
    CHECK(r->records == 3);
    CHECK(r->valid_end == all.size());
  }
  SUBCASE("last record cut short at every length is a torn tail") {
    for (size_t cut = 1; cut < c.size(); ++cut) {
      auto r = count(std::string_view(all).substr(0, all.size() - cut));
      REQUIRE(r.ok());
      CHECK(r->end == wal::ScanResult::End::kTorn);
      CHECK(r->records == 2);
      CHECK(r->valid_end == a.size() + b.size());
    }
  }
  SUBCASE("zero-filled tail is torn") {
    auto r = count(a + b + std::string(100, '\0'));
    REQUIRE(r.ok());
    CHECK(r->end == wal::ScanResult::End::kTorn);
    CHECK(r->valid_end == a.size() + b.size());
  }
  SUBCASE("a bad checksum on the last record is torn, in the middle it is corruption") {
    std::string bad_last = all;
    bad_last.back() ^= 1;
    auto r = count(bad_last);
    REQUIRE(r.ok());
    CHECK(r->end == wal::ScanResult::End::kTorn);
    std::string bad_middle = all;
    bad_middle[a.size() + wal::kRecordHeaderSize + 2] ^= 1;
    r = count(bad_middle);
    REQUIRE(r.ok());
    CHECK(r->end == wal::ScanResult::End::kCorrupt);
    CHECK(r->valid_end == a.size());
    CHECK(r->error.find("checksum") != std::string::npos);
  }
  SUBCASE("a huge length field is corruption, not an allocation") {
    std::string hostile = a + std::string("\xff\xff\xff\x7f\0\0\0\0\x01", 9) + b;
    auto r = count(hostile);
    REQUIRE(r.ok());
    CHECK(r->end == wal::ScanResult::End::kCorrupt);
    CHECK(r->valid_end == a.size());
  }
}

TEST_CASE("WalWriter rotates segments and replay returns every record in order") {
  TempDir dir;
  {
    auto w = wal::WalWriter::open({.dir = dir.path, .segment_size = 100}, 1);
    REQUIRE(w.ok());
    for (int i = 0; i < 10; ++i) REQUIRE((*w)->append(batch_record("t", {"line" + std::to_string(i)})).ok());
    CHECK((*w)->current_segment() > 1);
  }
  auto listing = wal::list_wal_dir(dir.path);
  REQUIRE(listing.ok());
  CHECK(listing->segments.size() > 1);
  wal::ReplayResult res;
  auto lines = replay_lines(dir.path, &res);
  REQUIRE(lines.size() == 10);
  for (int i = 0; i < 10; ++i) CHECK(lines[static_cast<size_t>(i)] == "line" + std::to_string(i));
  CHECK(res.records == 10);
  CHECK(res.next_segment == listing->segments.back() + 1);
  CHECK_FALSE(res.truncated_tail);
}

TEST_CASE("replay cuts a torn tail off the last segment and keeps everything before it") {
  TempDir dir;
  {
    auto w = wal::WalWriter::open({.dir = dir.path}, 1);
    REQUIRE(w.ok());
    REQUIRE((*w)->append(batch_record("t", {"kept-1"})).ok());
    REQUIRE((*w)->append(batch_record("t", {"kept-2"})).ok());
  }
  std::string seg = dir.path + "/" + wal::segment_name(1);
  off_t good = file_size(seg);
  std::string partial = batch_record("t", {"never acknowledged"});
  append_raw(seg, partial.substr(0, partial.size() / 2));
  wal::ReplayResult res;
  auto lines = replay_lines(dir.path, &res);
  CHECK(lines == std::vector<std::string>{"kept-1", "kept-2"});
  CHECK(res.truncated_tail);
  CHECK(res.truncation.find("00000001.wal") != std::string::npos);
  CHECK(file_size(seg) == good);
  // The repaired segment replays cleanly.
  lines = replay_lines(dir.path, &res);
  CHECK(lines.size() == 2);
  CHECK_FALSE(res.truncated_tail);
}

TEST_CASE("replay reports corruption outside the tail with the segment and offset") {
  TempDir dir;
  {
    auto w = wal::WalWriter::open({.dir = dir.path, .segment_size = 1}, 1);  // one record per segment
    REQUIRE(w.ok());
    for (int i = 0; i < 3; ++i) REQUIRE((*w)->append(batch_record("t", {"l" + std::to_string(i)})).ok());
  }
  std::string seg = dir.path + "/" + wal::segment_name(2);
  auto data = fsutil::read_file(seg);
  REQUIRE(data.ok());
  std::string damaged = *data;
  damaged[wal::kRecordHeaderSize + 1] ^= 0x40;
  REQUIRE(fsutil::write_file_atomically(seg, damaged).ok());
  auto r = wal::replay(dir.path, [](std::string_view) { return util::Status{}; });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("00000002.wal") != std::string::npos);
  CHECK(r.error().find("offset 0") != std::string::npos);
}

TEST_CASE("replay refuses a gap between segments") {
  TempDir dir;
  {
    auto w = wal::WalWriter::open({.dir = dir.path, .segment_size = 1}, 1);
    REQUIRE(w.ok());
    for (int i = 0; i < 3; ++i) REQUIRE((*w)->append(batch_record("t", {"x"})).ok());
  }
  REQUIRE(::unlink((dir.path + "/" + wal::segment_name(2)).c_str()) == 0);
  auto r = wal::replay(dir.path, [](std::string_view) { return util::Status{}; });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("00000002.wal is missing") != std::string::npos);
}

TEST_CASE("a checkpoint replaces the segments before it; replay reads it then the newer segments") {
  TempDir dir;
  auto w = wal::WalWriter::open({.dir = dir.path}, 1);
  REQUIRE(w.ok());
  REQUIRE((*w)->append(batch_record("t", {"old-1"})).ok());
  REQUIRE((*w)->append(batch_record("t", {"old-2"})).ok());
  auto n = (*w)->rotate();
  REQUIRE(n.ok());
  CHECK(*n == 2);
  REQUIRE((*w)->append(batch_record("t", {"new-1"})).ok());
  {
    auto cp = wal::CheckpointWriter::create(dir.path, *n);
    REQUIRE(cp.ok());
    REQUIRE((*cp)->append(batch_record("t", {"snapshot-1", "snapshot-2"}), 1).ok());
    // Not visible before commit.
    CHECK(wal::list_wal_dir(dir.path)->checkpoints.empty());
    REQUIRE((*cp)->commit().ok());
  }
  REQUIRE(wal::remove_before(dir.path, *n).ok());
  REQUIRE((*w)->close().ok());
  auto listing = wal::list_wal_dir(dir.path);
  CHECK(listing->segments == std::vector<uint64_t>{2});
  CHECK(listing->checkpoints == std::vector<uint64_t>{2});
  CHECK(listing->temporary.empty());
  wal::ReplayResult res;
  auto lines = replay_lines(dir.path, &res);
  CHECK(lines == std::vector<std::string>{"snapshot-1", "snapshot-2", "new-1"});
  CHECK(res.checkpoint == 2);
  CHECK(res.next_segment == 3);
}

TEST_CASE("an uncommitted checkpoint leaves nothing, and a damaged checkpoint is an error") {
  TempDir dir;
  {
    auto cp = wal::CheckpointWriter::create(dir.path, 1);
    REQUIRE(cp.ok());
    REQUIRE((*cp)->append(batch_record("t", {"x"}), 1).ok());
  }  // destroyed without commit
  auto listing = wal::list_wal_dir(dir.path);
  CHECK(listing->checkpoints.empty());
  CHECK(listing->temporary.empty());

  {
    auto cp = wal::CheckpointWriter::create(dir.path, 1);
    REQUIRE((*cp)->append(batch_record("t", {"x"}), 1).ok());
    REQUIRE((*cp)->commit().ok());
  }
  std::string path = dir.path + "/" + wal::checkpoint_name(1);
  auto data = fsutil::read_file(path);
  REQUIRE(data.ok());
  // Drop the end record: a checkpoint without it is incomplete.
  REQUIRE(fsutil::write_file_atomically(path, data->substr(0, batch_record("t", {"x"}).size())).ok());
  auto r = wal::replay(dir.path, [](std::string_view) { return util::Status{}; });
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("checkpoint") != std::string::npos);
}
