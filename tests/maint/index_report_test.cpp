// What logidx prints per tenant and when a run fails, from reports built by hand.
#include <doctest/doctest.h>

#include "maint/index_report.h"
#include "model/time.h"

TEST_CASE("index_report: rebuild summary, skipped chunks are warnings that fail the run") {
  maint::RebuildReport r;
  r.chunks_indexed = 12;
  r.series = 3;
  r.applied.index_files_written = 2;
  r.applied.index_files_removed = 1;
  auto text = maint::format_rebuild_report("t1", r, false);
  CHECK(text.out == "rebuild: tenant t1: 12 chunks of 3 series indexed; 2 index files written, 1 removed\n");
  CHECK(text.err.empty());
  CHECK_FALSE(text.failed);

  r.skipped = {"2026-01-01/abc: bad magic"};
  text = maint::format_rebuild_report("t1", r, true);
  CHECK(text.out == "rebuild: tenant t1: 12 chunks of 3 series would be indexed; 2 index files written, 1 removed\n");
  CHECK(text.err == "logidx: rebuild: skipped chunk 2026-01-01/abc: bad magic\n");
  CHECK(text.failed);
}

TEST_CASE("index_report: verify lists problems and unindexed chunks; removed orphans do not fail") {
  maint::VerifyReport r;
  r.index_files = 4;
  r.refs = 10;
  r.chunk_files = 11;
  r.orphans = {"2026-01-01/x"};
  auto text = maint::format_verify_report("t", r, false);
  CHECK(text.out ==
        "tenant t: chunk 2026-01-01/x: not indexed\n"
        "verify: tenant t: 4 index files, 10 chunk refs, 11 chunk files: 0 problems, 1 unindexed\n");
  CHECK(text.failed);

  text = maint::format_verify_report("t", r, true);
  CHECK(text.out ==
        "tenant t: chunk 2026-01-01/x: not indexed (removed)\n"
        "verify: tenant t: 4 index files, 10 chunk refs, 11 chunk files: 0 problems, 1 unindexed\n");
  CHECK_FALSE(text.failed);

  r.problems = {"index 2026-01-01: chunk y missing"};
  text = maint::format_verify_report("t", r, true);
  CHECK(text.out.rfind("tenant t: index 2026-01-01: chunk y missing\n", 0) == 0);
  CHECK(text.failed);
}

TEST_CASE("index_report: retention lists each expired chunk with its retention and counts entries") {
  maint::RetentionReport r;
  maint::ExpiredChunk a;
  a.ref.file = "2026-01-01/a";
  a.ref.max_time = 0;
  a.ref.entries = 5;
  a.retention = 24 * model::kNanosPerHour;
  maint::ExpiredChunk b = a;
  b.ref.file = "2026-01-01/b";
  b.ref.entries = 7;
  r.expired = {a, b};
  r.applied.chunks_kept = {"2026-01-01/c"};
  auto text = maint::format_retention_report("t", r, true);
  CHECK(text.out ==
        "would delete t 2026-01-01/a through 1970-01-01T00:00:00Z (retention 1d)\n"
        "would delete t 2026-01-01/b through 1970-01-01T00:00:00Z (retention 1d)\n"
        "retention: tenant t: 2 chunks (12 entries) would be deleted\n");
  CHECK(text.err == "logidx: retention: kept 2026-01-01/c (an index file still refers to it: written meanwhile, or other chunks of its segment)\n");
  CHECK_FALSE(text.failed);
  CHECK(maint::format_retention_report("t", r, false).out.rfind("deleted t 2026-01-01/a", 0) == 0);
}

TEST_CASE("index_report: delete lists deleted and rewritten chunks; a skipped corrupt chunk fails") {
  maint::DeleteReport r;
  r.chunks_deleted = {"d1"};
  r.chunks_rewritten = {"r1", "r2"};
  r.entries_deleted = 40;
  auto text = maint::format_delete_report("t", r, false);
  CHECK(text.out ==
        "delete t d1\nrewrite t r1\nrewrite t r2\n"
        "delete: tenant t: 40 entries deleted (1 chunks deleted, 2 rewritten)\n");
  CHECK_FALSE(text.failed);
  r.skipped = {"x: checksum"};
  text = maint::format_delete_report("t", r, true);
  CHECK(text.out ==
        "would delete t d1\nwould rewrite t r1\nwould rewrite t r2\n"
        "delete: tenant t: 40 entries would be deleted (1 chunks deleted, 2 rewritten)\n");
  CHECK(text.err == "logidx: delete: skipped corrupt chunk x: checksum\n");
  CHECK(text.failed);
}
