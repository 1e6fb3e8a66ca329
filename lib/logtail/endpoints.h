// logtail's own HTTP endpoints, as Promtail serves them on server.http_listen_port:
//   /metrics  Prometheus text format: file, client and pipeline (promtail_custom_*) metrics
//   /ready    200 "Ready" once a target manager tails files; 500 with Promtail's message before
//   /targets  a plain-text page of the jobs, their targets, files, labels and offsets
// Paths are under server.http_path_prefix when set.
// Thread-safety: the handlers only call App's thread-safe getters.
#pragma once

#include <memory>

#include "http/server.h"
#include "logtail/app.h"
#include "util/result.h"

namespace logtail {

// Creates the server from config.server (not started). `app` must outlive it.
std::unique_ptr<http::Server> make_http_server(const App& app);

}  // namespace logtail
