// AckRouter: file positions advance only past what every client settled; lines dropped by the
// pipeline do not stall them.
#include <doctest/doctest.h>

#include "logtail/ack_router.h"

namespace {

std::shared_ptr<tail::FileCursor> cursor() {
  return std::make_shared<tail::FileCursor>("/x.log", positions::FileId{1, 2}, model::LabelSet{}, 0);
}

client::BatchOutcome outcome(std::vector<client::SourcePosition> positions) {
  client::BatchOutcome o;
  o.accepted = true;
  o.positions = std::move(positions);
  return o;
}

}  // namespace

TEST_CASE("ack router: one client: the cursor follows settled batches in order") {
  logtail::AckRouter r(1);
  auto c = cursor();
  uint64_t s = r.source_for(c);
  CHECK(s != 0);
  CHECK(r.source_for(c) == s);
  for (int64_t off : {10, 20, 30}) r.pushed(0, {s, off});
  r.on_outcome(0, outcome({{s, 20}, {s, 30}}));  // a later batch settles first
  CHECK(c->acknowledged() == 0);
  r.on_outcome(0, outcome({{s, 10}}));
  CHECK(c->acknowledged() == 30);
}

TEST_CASE("ack router: two clients: the slower one decides") {
  logtail::AckRouter r(2);
  auto c = cursor();
  uint64_t s = r.source_for(c);
  for (int64_t off : {10, 20}) {
    r.pushed(0, {s, off});
    r.pushed(1, {s, off});
  }
  r.on_outcome(0, outcome({{s, 10}, {s, 20}}));
  CHECK(c->acknowledged() == 0);
  r.on_outcome(1, outcome({{s, 10}}));
  CHECK(c->acknowledged() == 10);
  r.on_outcome(1, outcome({{s, 20}}));
  CHECK(c->acknowledged() == 20);
}

TEST_CASE("ack router: lines dropped by the pipeline settle at once, behind lines in flight") {
  logtail::AckRouter r(1);
  auto c = cursor();
  uint64_t s = r.source_for(c);
  r.pushed(0, {s, 10});
  r.settle_unsent({s, 20});
  CHECK(c->acknowledged() == 0);  // 10 still in flight
  r.on_outcome(0, outcome({{s, 10}}));
  CHECK(c->acknowledged() == 20);
  r.settle_unsent({s, 30});
  CHECK(c->acknowledged() == 30);
}

TEST_CASE("ack router: a dropped batch (4xx) is settled too; forget_idle keeps live cursors") {
  logtail::AckRouter r(1);
  auto c = cursor();
  uint64_t s = r.source_for(c);
  r.pushed(0, {s, 5});
  client::BatchOutcome dropped = outcome({{s, 5}});
  dropped.accepted = false;
  dropped.drop_reason = client::kReasonGeneric;
  r.on_outcome(0, dropped);
  CHECK(c->acknowledged() == 5);
  r.forget_idle();
  CHECK(r.source_for(c) == s);  // still referenced by the test: kept
  auto gone = cursor();
  uint64_t g = r.source_for(gone);
  gone.reset();
  r.forget_idle();
  auto again = cursor();
  CHECK(r.source_for(again) != g);
}
