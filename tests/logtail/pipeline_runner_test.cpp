// PipelineRunner with real clients over an in-memory transport: entries fan out to every
// client, file positions advance only once all clients acknowledged, lines dropped by a stage
// do not stall positions, and buffering stages (multiline) never credit a line they may hold.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "logtail/pipeline_runner.h"
#include "stages/stages_yaml.h"

namespace {

class AcceptingTransport : public client::Transport {
 public:
  explicit AcceptingTransport(std::atomic<int>* posts) : posts_(posts) {}
  client::PostResult post(std::string_view, const std::string&, const std::atomic<bool>&) override {
    ++*posts_;
    return {204, ""};
  }

 private:
  std::atomic<int>* posts_;
};

struct Rig {
  std::vector<stages::Pipeline> pipelines;
  std::vector<std::unique_ptr<client::Client>> clients;
  std::unique_ptr<logtail::AckRouter> acks;
  logtail::ScrapeLineQueue queue{100, 1 << 20};
  std::atomic<int> posts{0};
  std::shared_ptr<tail::FileCursor> cursor =
      std::make_shared<tail::FileCursor>("/f.log", positions::FileId{1, 1}, model::LabelSet{{"job", "j"}}, 0);

  Rig(const std::string& stages_yaml, size_t nclients) {
    auto p = stages::compile_pipeline_yaml(stages_yaml);
    REQUIRE_MESSAGE(p.ok(), p.error());
    pipelines.push_back(std::move(*p));
    acks = std::make_unique<logtail::AckRouter>(nclients);
    for (size_t i = 0; i < nclients; ++i) {
      client::ClientConfig cc;
      cc.url = "http://client" + std::to_string(i) + ":3100/loki/api/v1/push";
      cc.batchwait = 5 * model::kNanosPerMilli;
      client::ClientOptions co;
      co.transport = std::make_unique<AcceptingTransport>(&posts);
      co.on_ack = [this, i](const client::BatchOutcome& o) { acks->on_outcome(i, o); };
      auto c = client::Client::create(cc, std::move(co));
      REQUIRE_MESSAGE(c.ok(), c.error());
      clients.push_back(std::move(*c));
    }
  }
  void feed(std::string_view line, int64_t end) {
    REQUIRE(queue.consumer_for(0)->try_consume(tail::TailedLine{line, end, 1'000'000'000, cursor}));
  }
  bool acked_reaches(int64_t offset) {
    for (int i = 0; i < 400 && cursor->acknowledged() < offset; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return cursor->acknowledged() >= offset;
  }
  double sent(size_t i) { return clients[i]->metrics().value("promtail_sent_entries_total", {clients[i]->host()}); }
};

}  // namespace

TEST_CASE("pipeline runner: fan-out to two clients; drops settle; positions follow acknowledgements") {
  Rig rig("- drop:\n    expression: debug\n", 2);
  logtail::PipelineRunner runner(&rig.pipelines, &rig.clients, rig.acks.get(), &rig.queue, nullptr);
  rig.feed("first", 6);
  rig.feed("debug noise", 18);
  rig.feed("third", 24);
  runner.start();
  CHECK(rig.acked_reaches(24));
  CHECK(rig.sent(0) == 2);
  CHECK(rig.sent(1) == 2);
  CHECK(runner.finish(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  runner.join();
  for (auto& c : rig.clients) CHECK(c->stop(std::chrono::milliseconds(1000)));
}

TEST_CASE("pipeline runner: multiline never credits the line it may still hold; drained at the end") {
  Rig rig("- multiline:\n    firstline: '^\\d'\n    max_wait_time: 1h\n", 1);
  logtail::PipelineRunner runner(&rig.pipelines, &rig.clients, rig.acks.get(), &rig.queue, nullptr);
  rig.feed("1 start", 8);
  rig.feed("  continued", 20);
  rig.feed("2 next", 27);  // emits block 1 (lines ending at 8 and 20), holds "2 next"
  runner.start();
  CHECK(rig.acked_reaches(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(rig.cursor->acknowledged() == 20);  // "2 next" is held: not acknowledged
  CHECK(runner.finish(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  runner.join();
  CHECK(rig.clients[0]->stop(std::chrono::milliseconds(2000)));
  runner.acknowledge_all_fed();  // after a clean stop: everything fed was delivered
  CHECK(rig.cursor->acknowledged() == 27);
  CHECK(rig.sent(0) == 2);
}

namespace {

double global_limit_drops(stages::MetricRegistry& registry) {
  auto f = registry.find(std::string(stages::kDroppedLinesMetric));
  if (!f) return 0;
  return f->value(model::LabelSet{{"reason", "global_rate_limiter_drop"}}).value_or(0);
}

}  // namespace

TEST_CASE("pipeline runner: limits_config readline limit with drop: the burst passes, the rest is dropped and settled") {
  util::FakeClock clock;  // never moves: no token comes back during the test
  auto registry = std::make_shared<stages::MetricRegistry>(clock);
  Rig rig("[]", 1);
  logtail::PipelineRunner runner(&rig.pipelines, &rig.clients, rig.acks.get(), &rig.queue, nullptr, clock);
  runner.set_readline_limit({.rate = 1, .burst = 3, .drop = true}, registry);
  for (int i = 1; i <= 10; ++i) rig.feed("line", i * 5);
  runner.start();
  CHECK(rig.acked_reaches(50));  // dropped lines do not hold positions back
  CHECK(runner.finish(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  runner.join();
  for (auto& c : rig.clients) CHECK(c->stop(std::chrono::milliseconds(1000)));
  CHECK(rig.sent(0) == 3);
  CHECK(global_limit_drops(*registry) == 7);
}

TEST_CASE("pipeline runner: limits_config readline limit without drop waits for tokens and loses nothing") {
  util::FakeClock clock;
  auto registry = std::make_shared<stages::MetricRegistry>(clock);
  Rig rig("[]", 1);
  logtail::PipelineRunner runner(&rig.pipelines, &rig.clients, rig.acks.get(), &rig.queue, nullptr, clock);
  runner.set_readline_limit({.rate = 10, .burst = 2, .drop = false}, registry);
  for (int i = 1; i <= 5; ++i) rig.feed("line", i * 5);
  runner.start();
  CHECK(rig.acked_reaches(10));            // the burst went through
  REQUIRE(clock.wait_for_sleepers(1));     // then the runner waits for a token
  CHECK(rig.cursor->acknowledged() == 10);  // and the third line is held, not dropped
  for (int step = 0; step < 50 && rig.cursor->acknowledged() < 25; ++step) {
    if (clock.wait_for_sleepers(1, 200)) clock.advance(100 * model::kNanosPerMilli);  // a token at 10/s
  }
  CHECK(rig.acked_reaches(25));
  CHECK(runner.finish(std::chrono::steady_clock::now() + std::chrono::seconds(5)));
  runner.join();
  for (auto& c : rig.clients) CHECK(c->stop(std::chrono::milliseconds(1000)));
  CHECK(rig.sent(0) == 5);
  CHECK(global_limit_drops(*registry) == 0);
}
