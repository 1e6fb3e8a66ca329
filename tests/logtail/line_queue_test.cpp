// ScrapeLineQueue: bounded, remembers each line's scrape config, refuses when full or closed,
// and wakes tailers when room is made.
#include <doctest/doctest.h>

#include "logtail/line_queue.h"

namespace {

struct Line {
  std::shared_ptr<tail::FileCursor> cursor =
      std::make_shared<tail::FileCursor>("/a.log", positions::FileId{}, model::LabelSet{}, 0);
  tail::TailedLine at(std::string_view text, int64_t end) const { return tail::TailedLine{text, end, 7, cursor}; }
};

}  // namespace

TEST_CASE("line queue: lines keep their scrape index, offsets and read time") {
  logtail::ScrapeLineQueue q(10, 1000);
  Line l;
  CHECK(q.consumer_for(0)->try_consume(l.at("a", 2)));
  CHECK(q.consumer_for(1)->try_consume(l.at("b", 4)));
  std::vector<logtail::QueuedScrapeLine> out;
  CHECK(q.pop(out, 10, 0) == 2);
  CHECK(out[0].scrape_index == 0);
  CHECK(out[0].line == "a");
  CHECK(out[1].scrape_index == 1);
  CHECK(out[1].end_offset == 4);
  CHECK(out[1].read_time_ns == 7);
}

TEST_CASE("line queue: full refuses (by lines and by bytes), pop makes room and calls back") {
  logtail::ScrapeLineQueue q(2, 10);
  auto* c = q.consumer_for(0);
  int woken = 0;
  q.set_space_callback([&] { ++woken; });
  Line l;
  CHECK(c->try_consume(l.at("123456789012", 13)));  // an empty queue takes one line, however long
  CHECK_FALSE(c->try_consume(l.at("x", 15)));        // over the byte bound
  std::vector<logtail::QueuedScrapeLine> out;
  CHECK(q.pop(out, 1, 0) == 1);
  CHECK(woken == 1);
  CHECK(c->try_consume(l.at("a", 2)));
  CHECK(c->try_consume(l.at("b", 4)));
  CHECK_FALSE(c->try_consume(l.at("c", 6)));  // over the line bound
  CHECK(q.size() == 2);
}

TEST_CASE("line queue: close_input refuses everything, queued lines still pop") {
  logtail::ScrapeLineQueue q(10, 1000);
  auto* c = q.consumer_for(0);
  Line l;
  CHECK(c->try_consume(l.at("a", 2)));
  q.close_input();
  CHECK_FALSE(c->try_consume(l.at("b", 4)));
  std::vector<logtail::QueuedScrapeLine> out;
  CHECK(q.pop(out, 10, 0) == 1);
}
