#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "ring/instance_desc.h"
#include "ring/tokens.h"

TEST_CASE("ring tokens: token_for is Go's 32-bit FNV-1 over tenant then labels, as Loki's TokenFor") {
  CHECK(ring::token_for("", "") == 2166136261u);
  CHECK(ring::token_for("a", "") == 0x050c5d7eu);  // the FNV-1 test vector (FNV-1a would be 0xe40c292c)
  CHECK(ring::token_for("", "a") == 0x050c5d7eu);
  CHECK(ring::token_for("fake", "{app=\"x\", level=\"info\"}") == 3173869191u);
  CHECK(ring::token_for("tenant-1", "{job=\"varlogs\"}") == 2236086555u);
}

TEST_CASE("ring tokens: generated tokens avoid the taken ones and each other") {
  std::mt19937_64 random(42);
  // A crowded space: 16 possible values would collide at once; use the real space but take
  // everything the first draw would produce to force retries.
  std::mt19937_64 probe(42);
  std::uniform_int_distribution<uint32_t> any;
  std::unordered_set<uint32_t> taken;
  for (int i = 0; i < 64; ++i) taken.insert(any(probe));
  auto tokens = ring::generate_tokens(128, taken, random);
  REQUIRE(tokens.size() == 128);
  CHECK(std::is_sorted(tokens.begin(), tokens.end()));
  CHECK(std::set<uint32_t>(tokens.begin(), tokens.end()).size() == 128);
  for (uint32_t t : tokens) CHECK(taken.count(t) == 0);
  CHECK(ring::generate_tokens(0, taken, random).empty());
}

TEST_CASE("ring tokens: the tokens file round-trips in Loki's format") {
  auto dir = std::filesystem::temp_directory_path() / ("ring-tokens-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "tokens").string();
  CHECK(ring::load_tokens_file(path).code() == util::ErrorCode::kNotFound);
  REQUIRE(ring::save_tokens_file(path, {3, 1, 2}).ok());
  auto loaded = ring::load_tokens_file(path);
  REQUIRE(loaded.ok());
  CHECK(*loaded == std::vector<uint32_t>{1, 2, 3});
  {
    std::ofstream f(path);
    f << R"({"tokens":[4294967295,0,7]})";
  }
  CHECK(*ring::load_tokens_file(path) == std::vector<uint32_t>{0, 7, 4294967295u});
  {
    std::ofstream f(path);
    f << R"({"tokens":[4294967296]})";
  }
  CHECK(ring::load_tokens_file(path).code() == util::ErrorCode::kCorruption);
  {
    std::ofstream f(path);
    f << R"([1,2])";
  }
  CHECK(ring::load_tokens_file(path).code() == util::ErrorCode::kCorruption);
  std::filesystem::remove_all(dir);
}

TEST_CASE("ring instance: JSON encoding round-trips and bad values are refused") {
  ring::InstanceDesc d;
  d.id = "ingester-1";
  d.addr = "127.0.0.1:3100";
  d.zone = "z1";
  d.state = ring::InstanceState::kLeaving;
  d.tokens = {1, 5, 4294967295u};
  d.heartbeat_unix_ms = 1'700'000'000'123;
  d.registered_unix_ms = 1'700'000'000'000;
  std::string encoded = ring::encode_instance(d);
  CHECK(encoded.find("\"state\":\"LEAVING\"") != std::string::npos);
  auto decoded = ring::decode_instance(encoded);
  REQUIRE(decoded.ok());
  CHECK(*decoded == d);

  auto extra = ring::decode_instance(R"({"id":"x","state":"ACTIVE","tokens":[9,3,3],"future_field":{"a":1}})");
  REQUIRE(extra.ok());
  CHECK(extra->tokens == std::vector<uint32_t>{3, 9});
  CHECK(extra->addr.empty());
  CHECK(ring::decode_instance("not json").code() == util::ErrorCode::kCorruption);
  CHECK(ring::decode_instance(R"({"id":"x","state":"LEFT"})").error().find("unknown state \"LEFT\"") != std::string::npos);
  CHECK(ring::decode_instance(R"({"state":"ACTIVE"})").error().find("no id") != std::string::npos);
  CHECK(ring::decode_instance(R"({"id":"x","state":"ACTIVE","tokens":[-1]})").code() == util::ErrorCode::kCorruption);
  CHECK(ring::decode_instance(R"({"id":7,"state":"ACTIVE"})").code() == util::ErrorCode::kCorruption);

  CHECK(ring::instance_key("collectors/ingester", "i-1") == "collectors/ingester/i-1");
  CHECK(ring::instance_key("collectors/ingester/", "i-1") == "collectors/ingester/i-1");
  CHECK(ring::parse_state("JOINING") == ring::InstanceState::kJoining);
  CHECK_FALSE(ring::parse_state("joining").has_value());
}
