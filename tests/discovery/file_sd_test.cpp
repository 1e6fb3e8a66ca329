// file_sd_configs: target group files in JSON and YAML, __meta_filepath, change detection.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "discovery/discovery_set.h"
#include "discovery/file_sd.h"

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/file_sd_testXXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::string tmp = path + "/." + name + ".tmp";
    std::ofstream(tmp) << text;
    std::filesystem::rename(tmp, path + "/" + name);  // atomic, as config management tools do
  }
};

}  // namespace

TEST_CASE("file_sd: Prometheus's documented JSON example") {
  auto groups = discovery::parse_target_groups(R"([
    {"targets": ["host1:9100", "host2:9100"], "labels": {"env": "prod", "job": "node"}},
    {"targets": ["host3:9100"]}
  ])", "/etc/sd/nodes.json");
  REQUIRE_MESSAGE(groups.ok(), groups.error());
  REQUIRE(groups->size() == 2);
  CHECK((*groups)[0].source == "/etc/sd/nodes.json:0");
  CHECK((*groups)[0].labels.to_string() == R"({__meta_filepath="/etc/sd/nodes.json", env="prod", job="node"})");
  REQUIRE((*groups)[0].targets.size() == 2);
  CHECK((*groups)[0].targets[1].to_string() == R"({__address__="host2:9100"})");
  CHECK((*groups)[1].source == "/etc/sd/nodes.json:1");
  auto merged = discovery::merged_targets((*groups)[1]);
  CHECK(merged[0].to_string() == R"({__address__="host3:9100", __meta_filepath="/etc/sd/nodes.json"})");
}

TEST_CASE("file_sd: YAML files, and errors") {
  auto groups = discovery::parse_target_groups(R"(
- targets: [localhost]
  labels:
    __path__: /var/log/app/*.log
    job: app
)", "sd/app.yml");
  REQUIRE_MESSAGE(groups.ok(), groups.error());
  CHECK((*groups)[0].labels.to_string() == R"({__meta_filepath="sd/app.yml", __path__="/var/log/app/*.log", job="app"})");

  auto bad = discovery::parse_target_groups(R"([{"targets": ["a"], "lables": {}}])", "x.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == R"(group 0: unknown field "lables")");
  bad = discovery::parse_target_groups("- targets: [a]\n  labels: {bad-name: x}\n", "x.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == R"(group 0: "bad-name" is not a valid label name)");
  CHECK_FALSE(discovery::parse_target_groups("{not json", "x.json").ok());

  CHECK(discovery::validate_file_sd_pattern("/etc/sd/*.json").ok());
  CHECK(discovery::validate_file_sd_pattern("/etc/sd/app.yaml").ok());
  CHECK_FALSE(discovery::validate_file_sd_pattern("/etc/*/app.json").ok());
  CHECK_FALSE(discovery::validate_file_sd_pattern("/etc/sd/targets.txt").ok());
}

TEST_CASE("file_sd: refresh reports new, changed and removed groups; a broken file keeps its groups") {
  TempDir dir;
  discovery::FileDiscovery fd({.patterns = {dir.path + "/*.json"}, .refresh_interval_ns = 0, .use_inotify = false});
  dir.write("a.json", R"([{"targets": ["a"]}, {"targets": ["b"]}])");
  auto changed = fd.refresh();
  REQUIRE(changed.size() == 2);
  CHECK(changed[0].source == dir.path + "/a.json:0");
  CHECK(fd.refresh().empty());  // nothing changed

  dir.write("a.json", R"([{"targets": ["a2"]}])");
  changed = fd.refresh();
  REQUIRE(changed.size() == 2);
  CHECK(changed[0].targets[0].get("__address__") == "a2");
  CHECK(changed[1].source == dir.path + "/a.json:1");
  CHECK(changed[1].targets.empty());  // the second group went away

  dir.write("a.json", "[{broken");
  CHECK(fd.refresh().empty());  // kept, as Prometheus does

  std::filesystem::remove(dir.path + "/a.json");
  changed = fd.refresh();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].targets.empty());
}

TEST_CASE("file_sd: a running discovery sees a file change through inotify") {
  TempDir dir;
  dir.write("t.yaml", "- targets: [one]\n");
  std::vector<std::unique_ptr<discovery::Discoverer>> ds;
  // A long refresh interval: only inotify can deliver the change in time.
  ds.push_back(std::make_unique<discovery::FileDiscovery>(
      discovery::FileDiscoveryOptions{.patterns = {dir.path + "/*.yaml"}, .refresh_interval_ns = 3600'000'000'000}));
  discovery::DiscoverySet set({discovery::TargetGroup{"static/0", {}, {model::LabelSet{{"__address__", "s"}}}}}, std::move(ds));
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> addresses;
  set.start([&](const std::vector<discovery::TargetGroup>& all) {
    std::lock_guard lock(mu);
    addresses.clear();
    for (const auto& g : all) {
      for (const auto& t : g.targets) addresses.emplace_back(*t.get("__address__"));
    }
    cv.notify_all();
  });
  auto wait_for = [&](std::vector<std::string> want) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), [&] { return addresses == want; });
  };
  CHECK(wait_for({"s", "one"}));
  dir.write("t.yaml", "- targets: [two, three]\n");
  CHECK(wait_for({"s", "two", "three"}));
  std::filesystem::remove(dir.path + "/t.yaml");
  CHECK(wait_for({"s"}));
  set.stop();
}
