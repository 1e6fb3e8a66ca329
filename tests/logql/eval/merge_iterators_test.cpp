// merge_iterators(): empty, single child passed through untouched, several merged in order.
#include <doctest/doctest.h>

#include "ast_builders.h"
#include "logql/eval/merge_iterators.h"

using namespace evaltest;

namespace {

std::unique_ptr<EntryIterator> stream_of(MemorySource& src, const std::string& app, Direction dir) {
  SelectParams p;
  p.matchers = {eq("app", app)};
  p.end = 100;
  p.direction = dir;
  return std::move(src.select(p)).value();
}

std::vector<std::string> lines(EntryIterator& it) {
  std::vector<std::string> out;
  while (it.next()) out.push_back(it.entry().line);
  return out;
}

}  // namespace

TEST_CASE("merge_iterators: no children is an empty iterator that still answers labels()") {
  auto it = merge_iterators({}, Direction::Forward);
  CHECK_FALSE(it->next());
  CHECK(it->labels().empty());
  CHECK(it->status().ok());
}

TEST_CASE("merge_iterators: one child is returned as it is") {
  MemorySource src;
  add(src, model::LabelSet{{"app", "a"}}, 1, "a1");
  std::vector<std::unique_ptr<EntryIterator>> children;
  children.push_back(stream_of(src, "a", Direction::Forward));
  EntryIterator* only = children.front().get();
  auto it = merge_iterators(std::move(children), Direction::Forward);
  CHECK(it.get() == only);
  CHECK(lines(*it) == std::vector<std::string>{"a1"});
}

TEST_CASE("merge_iterators: several children come out merged in the direction's order") {
  MemorySource src;
  add(src, model::LabelSet{{"app", "a"}}, 1, "a1");
  add(src, model::LabelSet{{"app", "a"}}, 3, "a3");
  add(src, model::LabelSet{{"app", "b"}}, 2, "b2");
  for (auto dir : {Direction::Forward, Direction::Backward}) {
    std::vector<std::unique_ptr<EntryIterator>> children;
    children.push_back(stream_of(src, "a", dir));
    children.push_back(stream_of(src, "b", dir));
    auto it = merge_iterators(std::move(children), dir);
    auto want = dir == Direction::Forward ? std::vector<std::string>{"a1", "b2", "a3"}
                                          : std::vector<std::string>{"a3", "b2", "a1"};
    CHECK(lines(*it) == want);
  }
}
