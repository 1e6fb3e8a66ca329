#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "objstore/filesystem_bucket.h"
#include "ruler/bucket_rule_store.h"
#include "ruler/rule_group_codec.h"
#include "ruler/ruler.h"

namespace {

constexpr int64_t kS = 1'000'000'000;

struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("bucket-rules-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string str() const { return path.string(); }
  std::filesystem::path path;
  static inline int counter = 0;
};

// Answers every query with one sample of value 1; counts calls per tenant and query.
struct OneEngine : ruler::QueryEngine {
  std::mutex mu;
  std::map<std::string, int> calls;
  util::Result<logql::QueryResult> instant_query(const std::string&, const std::string& q, int64_t) override {
    std::lock_guard lock(mu);
    ++calls[q];
    logql::QueryResult r;
    r.type = logql::ResultType::Vector;
    r.vector.push_back({model::LabelSet{{"app", "x"}}, {0, 1}});
    return r;
  }
  int count(const std::string& q) {
    std::lock_guard lock(mu);
    return calls[q];
  }
};

template <class F>
bool eventually(F f) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!f()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

ruler::RuleGroup record_group(const std::string& name, const std::string& expr) {
  ruler::RuleGroup g;
  g.name = name;
  g.interval_ns = 10 * kS;
  ruler::Rule r;
  r.record = "app:lines:count";
  r.expr = expr;
  r.labels = {{"team", "a"}};
  g.rules.push_back(r);
  return g;
}

}  // namespace

TEST_CASE("rule group codec: round trip, and Loki's RuleGroupDesc bytes decode") {
  ruler::RuleGroup g;
  g.name = "panics";
  g.interval_ns = 90 * kS + 5;
  g.limit = 3;
  ruler::Rule a;
  a.alert = "Panics";
  a.expr = R"(count_over_time({app="x"} |= "panic" [1m]) > 0)";
  a.for_ns = 30 * kS;
  a.keep_firing_for_ns = 2 * kS;
  a.labels = {{"severity", "page"}};
  a.annotations = {{"summary", "{{ $value }} panics"}};
  g.rules.push_back(a);
  auto back = ruler::decode_rule_group(ruler::encode_rule_group("t1", "app/ns", g));
  REQUIRE(back.ok());
  CHECK(back->tenant == "t1");
  CHECK(back->name_space == "app/ns");
  CHECK(back->group == g);

  // Written by hand from Loki's rules.proto field numbers: name "g", namespace "ns", interval 60s,
  // one rule {expr "x", alert "A", for 30s, labels [sev=page]}, user "t".
  const std::string loki = std::string("\x0a\x01g\x12\x02ns\x1a\x02\x08\x3c", 11) +
                           std::string("\x22\x17\x0a\x01x\x1a\x01" "A\x22\x02\x08\x1e\x2a\x0b\x0a\x03sev\x12\x04page", 25) +
                           std::string("\x32\x01t", 3);
  auto d = ruler::decode_rule_group(loki);
  REQUIRE(d.ok());
  CHECK(d->tenant == "t");
  CHECK(d->name_space == "ns");
  CHECK(d->group.name == "g");
  CHECK(d->group.interval_ns == 60 * kS);
  REQUIRE(d->group.rules.size() == 1);
  CHECK(d->group.rules[0].alert == "A");
  CHECK(d->group.rules[0].expr == "x");
  CHECK(d->group.rules[0].for_ns == 30 * kS);
  CHECK(d->group.rules[0].labels == ruler::TemplateMap{{"sev", "page"}});

  CHECK(ruler::decode_rule_group("\x0a\x05g").code() == util::ErrorCode::kInvalidArgument);  // truncated
  CHECK(ruler::decode_rule_group(std::string("\x4a\x02\x0a\x00", 4)).error().find("options") != std::string::npos);
}

TEST_CASE("bucket rule store: Loki's object layout, set, list, read and delete") {
  TempDir dir;
  objstore::FilesystemBucket bucket(dir.str());
  ruler::BucketRuleStore store(bucket);
  CHECK(ruler::rule_object_key("t1", "app/ns", "g 1") == "rules/t1/YXBwL25z/ZyAx");
  REQUIRE(store.set_group("t1", "app/ns", record_group("g 1", "sum(count_over_time({app=\"x\"}[1m]))")).ok());
  REQUIRE(store.set_group("t1", "app/ns", record_group("g2", "sum(count_over_time({app=\"y\"}[1m]))")).ok());
  REQUIRE(store.set_group("t2", "other", record_group("g", "sum(count_over_time({app=\"z\"}[1m]))")).ok());
  CHECK(bucket.exists("rules/t1/YXBwL25z/ZyAx").value());
  CHECK(bucket.exists("rules/t1/YXBwL25z/ZzI=").value());
  // Other data in the bucket (a tenant called "rules" in the chunk store) is not a rule group.
  REQUIRE(bucket.put("rules/chunks/2024-05-01/abc.chunk", "x").ok());
  REQUIRE(bucket.put("rules/tenant", "").ok());

  CHECK(*store.list_tenants() == std::vector<std::string>{"t1", "t2"});
  CHECK(*store.list_namespaces("t1") == std::vector<std::string>{"app/ns"});
  CHECK(store.list_namespaces("chunks")->empty());
  auto groups = ruler::read_rule_groups(store, "t1", "app/ns");
  REQUIRE(groups.ok());
  REQUIRE(groups->size() == 2);
  CHECK((*groups)[0].name == "g 1");
  CHECK((*groups)[1].name == "g2");
  auto sources = store.load_namespace("t1", "app/ns");
  REQUIRE(sources.ok());
  CHECK((*sources)[0].location == dir.str() + "/rules/t1/YXBwL25z/ZyAx");

  // Replacing a group rewrites its object.
  REQUIRE(store.set_group("t1", "app/ns", record_group("g2", "sum(count_over_time({app=\"w\"}[1m]))")).ok());
  CHECK(ruler::read_rule_groups(store, "t1", "app/ns")->at(1).rules[0].expr == "sum(count_over_time({app=\"w\"}[1m]))");

  CHECK(store.delete_group("t1", "app/ns", "nope").code() == util::ErrorCode::kNotFound);
  REQUIRE(store.delete_group("t1", "app/ns", "g 1").ok());
  CHECK(ruler::read_rule_groups(store, "t1", "app/ns")->size() == 1);
  REQUIRE(store.delete_namespace("t1", "app/ns").ok());
  CHECK(store.load_namespace("t1", "app/ns").code() == util::ErrorCode::kNotFound);
  CHECK(store.delete_namespace("t1", "app/ns").code() == util::ErrorCode::kNotFound);
  CHECK(*store.list_tenants() == std::vector<std::string>{"t2"});
  CHECK_FALSE(store.set_group("../x", "ns", record_group("g", "vector(1)")).ok());
}

TEST_CASE("bucket rule store: a group written through one ruler's store is loaded and evaluated by another ruler polling the bucket") {
  TempDir dir;
  objstore::FilesystemBucket bucket(dir.str());
  ruler::BucketRuleStore writer(bucket);  // logd A's rules API
  ruler::BucketRuleStore reader(bucket);  // logd B's ruler
  OneEngine engine;
  util::FakeClock clock(1000 * kS);
  ruler::RulerOptions o;
  o.evaluation_interval_ns = 10 * kS;
  o.poll_interval_ns = 30 * kS;
  ruler::Ruler b(o, reader, engine, clock);
  b.start();
  CHECK(b.groups("t1").empty());

  const std::string good = "sum(count_over_time({app=\"x\"}[1m]))";
  REQUIRE(writer.set_group("t1", "app", record_group("good", good)).ok());
  CHECK(b.groups("t1").empty());  // not before the next poll
  clock.advance(31 * kS);
  REQUIRE(eventually([&] { return b.groups("t1").size() == 1; }));
  clock.advance(10 * kS);
  REQUIRE(eventually([&] { return engine.count(good) >= 1; }));

  // A group with a bad rule and an object that is not a rule group are reported with their object,
  // group and rule; the good group keeps running.
  REQUIRE(writer.set_group("t1", "app", record_group("bad", "sum(")).ok());
  std::string garbage_key = ruler::rule_object_key("t1", "app", "garbage");
  REQUIRE(bucket.put(garbage_key, "\xff\xff\xff").ok());
  clock.advance(30 * kS);
  REQUIRE(eventually([&] { return b.load_errors("t1").size() == 2; }));
  auto errs = b.load_errors("t1");
  std::string all = errs[0].to_string() + "\n" + errs[1].to_string();
  CHECK(all.find(ruler::rule_object_key("t1", "app", "bad") + ": group \"bad\", rule 1 (\"app:lines:count\"): expr: parse error") !=
        std::string::npos);
  CHECK(all.find(garbage_key + ": group \"garbage\": not a rule group") != std::string::npos);
  CHECK(b.groups("t1").size() == 1);
  int before = engine.count(good);
  clock.advance(10 * kS);
  REQUIRE(eventually([&] { return engine.count(good) > before; }));

  // Deleted in the bucket: gone from B at its next poll.
  REQUIRE(writer.delete_namespace("t1", "app").ok());
  clock.advance(30 * kS);
  REQUIRE(eventually([&] { return b.groups("t1").empty() && b.load_errors("t1").empty(); }));
  b.stop();
}
