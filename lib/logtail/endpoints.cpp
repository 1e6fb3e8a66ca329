// logtail's HTTP endpoints (see endpoints.h).
#include "logtail/endpoints.h"

namespace logtail {

std::unique_ptr<http::Server> make_http_server(const App& app) {
  const ServerConfig& sc = app.config().server;
  http::ServerOptions options;
  options.host = sc.http_listen_address.empty() ? "0.0.0.0" : sc.http_listen_address;
  options.port = static_cast<uint16_t>(sc.http_listen_port);
  options.threads = 1;
  options.read_timeout = std::chrono::milliseconds(sc.http_server_read_timeout / 1'000'000);
  options.write_timeout = std::chrono::milliseconds(sc.http_server_write_timeout / 1'000'000);
  options.idle_timeout = std::chrono::milliseconds(sc.http_server_idle_timeout / 1'000'000);
  options.shutdown_timeout = std::chrono::milliseconds(2000);
  auto server = std::make_unique<http::Server>(options);
  std::string prefix = sc.http_path_prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  const App* a = &app;
  if (sc.register_instrumentation) {
    server->route("GET", prefix + "/metrics", [a](const http::Request&) {
      http::Response r = http::Response::text(200, a->render_metrics());
      r.headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      return r;
    });
  }
  server->route("GET", prefix + "/ready", [a](const http::Request&) {
    if (a->ready()) return http::Response::text(200, "Ready\n");
    return http::Response::text(
        500, "Not ready: Unable to find any logs to tail. Please verify permissions, volumes, scrape_config, etc.\n");
  });
  server->route("GET", prefix + "/targets", [a](const http::Request&) { return http::Response::text(200, a->render_targets()); });
  server->route("GET", prefix + "/", [a](const http::Request&) {
    return http::Response::text(200, "logtail: see /metrics, /ready and /targets\n");
  });
  return server;
}

}  // namespace logtail
