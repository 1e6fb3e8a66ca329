// ExtractedMap keeps its slots across clear(): what comes out must be the same as a fresh map's.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stages/entry.h"

namespace {

std::vector<std::string> keys(const stages::ExtractedMap& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

}  // namespace

TEST_CASE("extracted map: clear() forgets every key though the slots are reused") {
  stages::ExtractedMap m;
  m.set_string("a", "1");
  m.set("b", stages::json::object({{"x", 1}}));
  m.set_string("c", "a value longer than the small-string buffer");
  m.clear();
  CHECK(m.empty());
  CHECK(m.find("a") == nullptr);
  CHECK(m.find("c") == nullptr);
  CHECK(keys(m).empty());
  // New keys land in the spare slots, whatever those held before, in insertion order.
  m.set_string("c", "3");
  m.set_string("a", "x");
  m.set_string("z", "9");
  m.set_string("w", "new slot");
  CHECK(keys(m) == std::vector<std::string>{"c", "a", "z", "w"});
  REQUIRE(m.find("a") != nullptr);
  CHECK(*m.find("a") == "x");
  CHECK(*m.find("z") == "9");  // the slot that held an object now holds a string
  CHECK(m.size() == 4);
}

TEST_CASE("extracted map: erase keeps the order of the others and frees the key") {
  stages::ExtractedMap m;
  for (const char* k : {"a", "b", "c", "d"}) m.set_string(k, k);
  m.erase("b");
  CHECK(keys(m) == std::vector<std::string>{"a", "c", "d"});
  CHECK(m.find("b") == nullptr);
  m.set("b", 2);
  CHECK(keys(m) == std::vector<std::string>{"a", "c", "d", "b"});
  CHECK(*m.find("b") == 2);
  m.erase("zz");  // absent: nothing happens
  CHECK(m.size() == 4);
}
