// loadgen: the push load generator behind bench/logd.sh, and a null receiver to prove that the
// generator is not the bottleneck.
//
//   loadgen push --url URL --corpus FILE [--format proto|json|otlp] [--conns N] [--batch-lines N]
//                [--streams N] [--lines-per-stream N] [--max-lines N] [--tenant ID]
//   loadgen null [--port-file FILE]
//
// `push` reads the corpus, cuts it into requests of --batch-lines lines and encodes every body
// (protobuf + snappy through lib/push's encoder, Loki's JSON, or OTLP logs protobuf through
// lib/otlp's encoder, for /otlp/v1/logs) BEFORE the clock starts, so the
// timed phase is only HTTP: --conns threads, one keep-alive lib/httpclient connection each, taking the next
// request from a shared counter. Line i belongs to stream (i / lines-per-stream) % streams, whose
// labels are {job="bench", app="app<s % 1000>", instance="i<s>"}; timestamps are one nanosecond
// apart, ending one minute ago, so they are unique and inside Loki's accepted window.
// It prints one line of key=value results (wall seconds, CPU seconds of the send phase, lines,
// raw line bytes, body bytes, requests, failed requests).
//
// `null` serves HTTP/1.1 on 127.0.0.1 (a free port, printed and written to --port-file), reads
// each request's body and answers 204: the generator's own ceiling.
//
// Single-purpose benchmark tool: not part of liblog, no thread-safety beyond what it uses itself.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "httpclient/http_request.h"
#include "otlp/logs_encoder.h"
#include "push/protobuf_encoder.h"
#include "push/push_request.h"

namespace {

[[noreturn]] void die(const std::string& message) {
  std::cerr << "loadgen: " << message << "\n";
  std::exit(2);
}

struct Options {
  std::string url, corpus, format = "proto", tenant, port_file;
  long conns = 4, batch_lines = 2000, streams = 16, lines_per_stream = 0, max_lines = 0;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) die("flag " + flag + " needs a value");
    std::string value = argv[++i];
    auto number = [&]() {
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || n < 0) die("bad number for " + flag + ": " + value);
      return n;
    };
    if (flag == "--url") o.url = value;
    else if (flag == "--corpus") o.corpus = value;
    else if (flag == "--format") o.format = value;
    else if (flag == "--tenant") o.tenant = value;
    else if (flag == "--port-file") o.port_file = value;
    else if (flag == "--conns") o.conns = number();
    else if (flag == "--batch-lines") o.batch_lines = number();
    else if (flag == "--streams") o.streams = number();
    else if (flag == "--lines-per-stream") o.lines_per_stream = number();
    else if (flag == "--max-lines") o.max_lines = number();
    else die("unknown flag " + flag);
  }
  if (o.conns < 1 || o.batch_lines < 1 || o.streams < 1) die("--conns, --batch-lines, --streams must be >= 1");
  if (o.format != "proto" && o.format != "json" && o.format != "otlp") die("--format must be proto, json or otlp");
  if (o.lines_per_stream == 0) o.lines_per_stream = o.batch_lines;  // one stream per request
  return o;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

model::LabelSet stream_labels(long s) {
  return {{"job", "bench"}, {"app", "app" + std::to_string(s % 1000)}, {"instance", "i" + std::to_string(s)}};
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

std::string encode_json(const push::PushRequest& request) {
  std::string out = "{\"streams\":[";
  for (size_t i = 0; i < request.streams.size(); ++i) {
    const auto& stream = request.streams[i];
    out += i ? ",{\"stream\":{" : "{\"stream\":{";
    bool first = true;
    for (const auto& label : stream.labels.labels()) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, label.name);
      out += ':';
      append_json_string(out, label.value);
    }
    out += "},\"values\":[";
    for (size_t j = 0; j < stream.entries.size(); ++j) {
      out += j ? ",[\"" : "[\"";
      out += std::to_string(stream.entries[j].timestamp);
      out += "\",";
      append_json_string(out, stream.entries[j].line);
      out += ']';
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

int run_push(const Options& o) {
  if (o.url.empty() || o.corpus.empty()) die("push needs --url and --corpus");
  std::ifstream in(o.corpus, std::ios::binary);
  if (!in) die("cannot open " + o.corpus);
  std::vector<std::string> lines;
  size_t raw_bytes = 0;
  for (std::string line; std::getline(in, line);) {
    if (o.max_lines && static_cast<long>(lines.size()) >= o.max_lines) break;
    raw_bytes += line.size();
    lines.push_back(std::move(line));
  }
  if (lines.empty()) die("empty corpus " + o.corpus);

  // Encode every request up front: the timed phase measures the server, not the encoder.
  int64_t end_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count() - int64_t{60'000'000'000};
  int64_t first_ns = end_ns - static_cast<int64_t>(lines.size());
  std::vector<model::LabelSet> labels(o.streams);  // built lazily, shared by the requests
  std::vector<std::string> bodies;
  size_t body_bytes = 0;
  for (size_t start = 0; start < lines.size(); start += o.batch_lines) {
    size_t stop = std::min(lines.size(), start + o.batch_lines);
    push::PushRequest request;
    std::map<long, size_t> slot;  // stream id -> index in request.streams
    for (size_t i = start; i < stop; ++i) {
      long s = static_cast<long>(i / o.lines_per_stream) % o.streams;
      auto [it, fresh] = slot.try_emplace(s, request.streams.size());
      if (fresh) {
        if (labels[s].labels().empty()) labels[s] = stream_labels(s);
        request.streams.push_back({labels[s], {}});
      }
      request.streams[it->second].entries.push_back({first_ns + static_cast<int64_t>(i), std::move(lines[i]), {}});
    }
    bodies.push_back(o.format == "proto"  ? push::encode_protobuf_snappy(request)
                     : o.format == "otlp" ? otlp::encode_logs_request(request)
                                          : encode_json(request));
    body_bytes += bodies.back().size();
  }
  size_t line_count = lines.size();
  lines = {};

  std::atomic<size_t> next{0}, failed{0};
  std::atomic<long> first_error_status{0};
  auto worker = [&]() {
    httpclient::Connection connection;  // one kept-alive connection per worker
    httpclient::Request req;
    req.method = "POST";
    req.url = o.url;
    req.headers = {o.format == "json" ? "Content-Type: application/json" : "Content-Type: application/x-protobuf",
                   "Expect:"};  // no 100-continue round trip on big bodies
    if (!o.tenant.empty()) req.headers.push_back("X-Scope-OrgID: " + o.tenant);
    req.timeout_ms = 120'000;
    req.on_data = [](std::string_view) { return true; };  // the answer is discarded
    for (size_t i; (i = next.fetch_add(1)) < bodies.size();) {
      req.body = bodies[i];
      httpclient::Response r = connection.perform(req);
      if (!r.ok()) {
        failed.fetch_add(1);
        long expected = 0;
        first_error_status.compare_exchange_strong(expected, r.status ? r.status : -1);
      }
    }
  };
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (long c = 0; c < o.conns; ++c) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  std::printf("wall_s=%.6f cpu_s=%.6f lines=%zu raw_bytes=%zu body_bytes=%zu requests=%zu failed=%zu first_error=%ld\n",
              wall, cpu, line_count, raw_bytes, body_bytes, bodies.size(), failed.load(), first_error_status.load());
  return failed.load() ? 1 : 0;
}

// One connection of the null receiver: HTTP/1.1 keep-alive, Content-Length bodies only.
// Returns when the peer closes or misbehaves; the caller closes the socket.
void serve_null_requests(int fd) {
  std::string buf;
  std::vector<char> chunk(1 << 16);
  for (;;) {
    size_t header_end;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > (1 << 20)) return;  // absurd header: drop the connection
      ssize_t n = read(fd, chunk.data(), chunk.size());
      if (n <= 0) return;
      buf.append(chunk.data(), n);
    }
    size_t body = 0;
    std::string head = buf.substr(0, header_end);
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto p = head.find("\r\ncontent-length:"); p != std::string::npos) body = std::strtoull(head.c_str() + p + 17, nullptr, 10);
    size_t have = buf.size() - header_end - 4;
    while (have < body) {
      ssize_t n = read(fd, chunk.data(), std::min(chunk.size(), body - have));
      if (n <= 0) return;
      have += n;
    }
    buf.erase(0, header_end + 4 + std::min(body, buf.size() - header_end - 4));
    static const char kReply[] = "HTTP/1.1 204 No Content\r\n\r\n";
    if (write(fd, kReply, sizeof kReply - 1) != static_cast<ssize_t>(sizeof kReply - 1)) return;
  }
}

int run_null(const Options& o) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 64) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    die(std::string("cannot listen: ") + std::strerror(errno));
  int port = ntohs(addr.sin_port);
  std::printf("%d\n", port);
  std::fflush(stdout);
  if (!o.port_file.empty()) {
    std::ofstream(o.port_file + ".tmp") << port << "\n";
    std::rename((o.port_file + ".tmp").c_str(), o.port_file.c_str());
  }
  for (;;) {
    int fd = accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread([fd] {
      serve_null_requests(fd);
      close(fd);
    }).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: loadgen push|null [flags]  (see bench/loadgen.cpp)");
  std::string mode = argv[1];
  Options o = parse(argc, argv);
  if (mode == "push") return run_push(o);
  if (mode == "null") return run_null(o);
  die("unknown mode " + mode);
}
