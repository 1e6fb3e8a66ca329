// App end to end in-process, in dry-run mode (no network): files -> targets -> pipeline ->
// printed entries; the positions file is read but never written; /targets and /metrics bodies.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "logtail/app.h"

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "logtail-app-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string read_all(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  return out;
}

}  // namespace

TEST_CASE("app: dry run tails files through the scrape config's pipeline and prints entries") {
  TempDir dir;
  std::ofstream(dir.path + "/app.log") << "2023-06-01T12:34:56Z level=error msg=disk full\nlevel=debug skip me\n";
  std::ofstream(dir.path + "/other.txt") << "not matched\n";
  auto config = logtail::parse_config(R"(
positions:
  filename: )" + dir.path + R"(/positions.yaml
scrape_configs:
  - job_name: system
    static_configs:
      - labels:
          job: varlogs
          __path__: )" + dir.path + R"(/*.log
    pipeline_stages:
      - drop:
          expression: debug
      - regex:
          expression: '^(?P<ts>\S+) level=(?P<level>\w+) msg=(?P<msg>.*)$'
      - labels:
          level:
      - timestamp:
          source: ts
          format: RFC3339
)");
  REQUIRE_MESSAGE(config.ok(), config.error());
  std::FILE* out = std::tmpfile();
  logtail::AppOptions options;
  options.dry_run = true;
  options.dry_run_out = out;
  auto app = logtail::App::create(*config, options);
  REQUIRE_MESSAGE(app.ok(), app.error());
  CHECK_FALSE((*app)->ready());
  REQUIRE((*app)->start().ok());
  std::string printed;
  for (int i = 0; i < 200 && printed.find("disk full") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    printed = read_all(out);
  }
  CHECK((*app)->ready());
  std::string targets = (*app)->render_targets();
  CHECK(targets.find(dir.path + "/app.log") != std::string::npos);
  std::string metrics = (*app)->render_metrics();
  CHECK(metrics.find("promtail_read_lines_total{path=\"" + dir.path + "/app.log\"} 2") != std::string::npos);
  CHECK(metrics.find("logentry_dropped_lines_total{reason=\"drop_stage\"} 1") != std::string::npos);
  CHECK((*app)->stop());
  printed = read_all(out);
  std::fclose(out);
  // The timestamp stage set the time (printed in local time, so only the labels and line are
  // compared exactly); the debug line was dropped.
  CHECK(printed.find("\t{filename=\"" + dir.path + "/app.log\", job=\"varlogs\", level=\"error\"}\t"
                     "2023-06-01T12:34:56Z level=error msg=disk full\n") != std::string::npos);
  CHECK(printed.find("skip me") == std::string::npos);
  CHECK(printed.find("not matched") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/positions.yaml"));  // dry run writes no positions
}

TEST_CASE("app: errors name the scrape config or client at fault") {
  auto config = logtail::parse_config(R"(
scrape_configs:
  - job_name: a
    pipeline_stages:
      - regex:
          expression: '(unclosed'
)");
  REQUIRE_MESSAGE(config.ok(), config.error());
  config->positions.filename = "/tmp/logtail-app-test-unused.yaml";
  logtail::AppOptions options;
  options.dry_run = true;
  auto app = logtail::App::create(*config, options);
  REQUIRE_FALSE(app.ok());
  CHECK(app.error().find("scrape_configs[0].pipeline_stages") != std::string::npos);
  options.dry_run = false;
  auto no_clients = logtail::App::create(*logtail::parse_config("scrape_configs: []\n"), options);
  REQUIRE_FALSE(no_clients.ok());
  CHECK(no_clients.error().find("clients") != std::string::npos);
}
