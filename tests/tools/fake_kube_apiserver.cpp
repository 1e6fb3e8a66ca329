// fake-kube-apiserver: a Kubernetes API server stand-in for logtail's end-to-end tests, driven by
// files so that a shell test can change the cluster while logtail watches it.
//
// usage: fake-kube-apiserver -dir DIR [-token TOKEN]
//   Prints "port=<port>" on stdout once listening on 127.0.0.1. The cluster's history is in
//   DIR/<collection>.jsonl ("pods", "services", "endpoints", "nodes", "endpointslices"): one
//   watch event per line, {"type": "ADDED"|"MODIFIED"|"DELETED", "object": {...}}. The event on
//   line N has resourceVersion N (the server sets it), so a test only appends lines.
//   LIST (GET /api/v1/[namespaces/<ns>/]<collection>, or /apis/<group>/<version>/...) replays
//   the history into the objects that exist now; WATCH (watch=1&resourceVersion=R) answers the
//   events after R, waiting up to one second for some, then ends the response, which a real
//   client handles by watching again from the last resourceVersion it saw. labelSelector
//   supports equality terms ("app=web,tier=db"). With -token, every request needs
//   "Authorization: Bearer TOKEN" (else 401), as a real API server would.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/server.h"

namespace {

using nlohmann::json;

struct Event {
  std::string type;
  json object;  // metadata.resourceVersion set to the line number
};

// The complete lines of DIR/<collection>.jsonl, as events (a line being written is left out).
std::vector<Event> read_history(const std::string& file) {
  std::vector<Event> events;
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = text.substr(start, nl - start);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json e = json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.is_object() || !e.contains("object")) {
      std::fprintf(stderr, "fake-kube-apiserver: %s: bad event line: %s\n", file.c_str(), line.c_str());
      continue;
    }
    Event ev{e.value("type", ""), e["object"]};
    ev.object["metadata"]["resourceVersion"] = std::to_string(events.size() + 1);
    events.push_back(std::move(ev));
  }
  return events;
}

std::string object_key(const json& o) {
  const json& md = o["metadata"];
  return md.value("namespace", "") + "/" + md.value("name", "");
}

bool selected(const json& o, const std::string& ns, const std::vector<std::pair<std::string, std::string>>& labels) {
  const json& md = o["metadata"];
  if (!ns.empty() && md.value("namespace", "") != ns) return false;
  for (const auto& [k, v] : labels) {
    if (!md.contains("labels") || !md["labels"].contains(k) || md["labels"][k] != v) return false;
  }
  return true;
}

class FakeApiServer {
 public:
  FakeApiServer(std::string dir, std::string token) : dir_(std::move(dir)), token_(std::move(token)), server_({}) {
    server_.route_prefix("GET", "/api/", [this](const http::Request& r) { return handle(r); });
    server_.route_prefix("GET", "/apis/", [this](const http::Request& r) { return handle(r); });
  }
  util::Status start() { return server_.start(); }
  uint16_t port() const { return server_.port(); }
  void stop() { server_.stop(); }

 private:
  http::Response handle(const http::Request& req) {
    std::fprintf(stderr, "fake-kube-apiserver: GET %s\n", req.target.c_str());
    if (!token_.empty() && req.headers.get_or("Authorization", "") != "Bearer " + token_) {
      return http::Response::json(401, R"({"kind":"Status","status":"Failure","reason":"Unauthorized","code":401})");
    }
    // .../namespaces/<ns>/<collection> or .../<collection>
    std::string ns;
    std::string collection = req.path.substr(req.path.rfind('/') + 1);
    if (auto p = req.path.find("/namespaces/"); p != std::string::npos) {
      size_t b = p + std::strlen("/namespaces/");
      ns = req.path.substr(b, req.path.find('/', b) - b);
    }
    std::vector<std::pair<std::string, std::string>> labels;
    if (auto sel = req.param("labelSelector"); sel && !sel->empty()) {
      std::string s(*sel);
      for (size_t b = 0; b <= s.size();) {
        size_t e = s.find(',', b);
        if (e == std::string::npos) e = s.size();
        std::string term = s.substr(b, e - b);
        size_t eq = term.find('=');
        if (eq == std::string::npos || term.find_first_of("!<>") != std::string::npos) {
          return http::Response::json(400, R"({"kind":"Status","message":"fake: only k=v label selectors"})");
        }
        labels.emplace_back(term.substr(0, eq), term.substr(eq + (term.compare(eq, 2, "==") == 0 ? 2 : 1)));
        b = e + 1;
      }
    }
    const std::string file = dir_ + "/" + collection + ".jsonl";
    if (!req.param("watch")) {
      std::vector<Event> history = read_history(file);
      std::map<std::string, json> now;
      for (const Event& e : history) {
        if (e.type == "DELETED") now.erase(object_key(e.object));
        else now[object_key(e.object)] = e.object;
      }
      json items = json::array();
      for (const auto& [key, o] : now) {
        if (selected(o, ns, labels)) items.push_back(o);
      }
      json list = {{"kind", "List"}, {"apiVersion", "v1"},
                   {"metadata", {{"resourceVersion", std::to_string(history.size())}}}, {"items", items}};
      return http::Response::json(200, list.dump());
    }
    size_t after = 0;
    if (auto rv = req.param("resourceVersion"); rv && !rv->empty()) after = std::stoul(std::string(*rv));
    std::string body;
    for (int waited = 0; waited < 20 && body.empty(); ++waited) {
      std::vector<Event> history = read_history(file);
      if (after == 0) after = history.size();  // no resourceVersion: from now on
      for (size_t i = after; i < history.size(); ++i) {
        if (!selected(history[i].object, ns, labels)) continue;
        body += json{{"type", history[i].type}, {"object", history[i].object}}.dump() + "\n";
      }
      if (body.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return http::Response::json(200, body);
  }

  const std::string dir_, token_;
  http::Server server_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string dir, token;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "-dir") == 0) dir = argv[i + 1];
    else if (std::strcmp(argv[i], "-token") == 0) token = argv[i + 1];
  }
  if (dir.empty() || argc % 2 == 0) {
    std::fprintf(stderr, "usage: fake-kube-apiserver -dir DIR [-token TOKEN]\n");
    return 2;
  }
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);  // the server's threads inherit the mask
  FakeApiServer server(dir, token);
  if (auto st = server.start(); !st.ok()) {
    std::fprintf(stderr, "fake-kube-apiserver: %s\n", st.error().c_str());
    return 1;
  }
  std::printf("port=%u\n", server.port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  server.stop();
  return 0;
}
