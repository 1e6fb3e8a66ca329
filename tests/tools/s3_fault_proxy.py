#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for the object-store tests, between an S3 client and an S3
server (s3rver), on loopback. Python standard library only.

Start:
  python3 tests/tools/s3_fault_proxy.py --upstream http://127.0.0.1:S3PORT --port-file F
It listens on 127.0.0.1 on a free port, written to F. Point the client's endpoint at it.

Drive it over HTTP on the same port (bucket names cannot start with "__", so no S3 request
collides with these paths):
  POST /__proxy/fault  with a JSON body: the fault for the next requests, replacing any other
      {"mode": "pass"}                                   forward everything (the start state)
      {"mode": "error", "status": 503, "code": "SlowDown"}   answer an S3 error, not forwarded
      {"mode": "delay", "seconds": 3}                    wait, then forward
      {"mode": "reset"}                                  close the connection with a TCP reset
      {"mode": "truncate"}                               forward, but send half the body (at least
                                                          one byte short) under the full
                                                          Content-Length, then close
      {"mode": "shorten"}                                forward, but send half the body with a
                                                          Content-Length that matches it (a
                                                          consistent answer with bytes missing)
    Optional keys, for every mode:
      "count": N        only the next N matching requests (default: every one, until replaced)
      "every": K        only every K-th matching request (the K-th, 2K-th, ...), to spread faults
                        over a long run without failing any one request K times in a row
      "methods": [..]   only requests with these methods, e.g. ["GET"] (default: all)
      "path_contains": "s"  only requests whose path (with query) contains s
  GET /__proxy/stats  -> {"requests": N, "faults": F, "forwarded": W}: S3 requests seen (control
      requests not counted), faults injected, requests forwarded upstream.
  POST /__proxy/reset-stats  zeroes the counters.
With curl:  curl -s -X POST -d '{"mode":"error","status":503,"code":"SlowDown","count":2}' \
              http://127.0.0.1:$PROXY_PORT/__proxy/fault
"""
import argparse
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import s3_forward  # noqa: E402

MODES = {"pass", "error", "delay", "reset", "truncate", "shorten"}


class FaultState:
    def __init__(self):
        self.lock = threading.Lock()
        self.fault = {"mode": "pass"}
        self.remaining = None  # None: unlimited
        self.matched = 0
        self.stats = {"requests": 0, "faults": 0, "forwarded": 0}

    def set(self, fault):
        mode = fault.get("mode")
        if mode not in MODES:
            raise ValueError("unknown mode %r (one of %s)" % (mode, ", ".join(sorted(MODES))))
        with self.lock:
            self.fault = fault
            self.remaining = fault.get("count")
            self.matched = 0

    def take(self, method, path):
        """The fault for this request ({"mode": "pass"} for none), counting it."""
        with self.lock:
            self.stats["requests"] += 1
            f = self.fault
            if f["mode"] == "pass" or self.remaining == 0:
                return {"mode": "pass"}
            if "methods" in f and method not in f["methods"]:
                return {"mode": "pass"}
            if "path_contains" in f and f["path_contains"] not in path:
                return {"mode": "pass"}
            self.matched += 1
            if self.matched % int(f.get("every", 1)) != 0:
                return {"mode": "pass"}
            if self.remaining is not None:
                self.remaining -= 1
            self.stats["faults"] += 1
            return f

    def count(self, key):
        with self.lock:
            self.stats[key] += 1


def make_handler(state, upstream):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def control(self, body):
            if self.command == "POST" and self.path == "/__proxy/fault":
                try:
                    state.set(json.loads(body or b"{}"))
                except (ValueError, AttributeError) as e:
                    return s3_forward.relay(self, 400, [("Content-Type", "text/plain")], str(e).encode())
                return s3_forward.relay(self, 200, [], b"")
            if self.command == "GET" and self.path == "/__proxy/stats":
                with state.lock:
                    data = json.dumps(state.stats).encode()
                return s3_forward.relay(self, 200, [("Content-Type", "application/json")], data)
            if self.command == "POST" and self.path == "/__proxy/reset-stats":
                with state.lock:
                    state.stats = {k: 0 for k in state.stats}
                return s3_forward.relay(self, 200, [], b"")
            return s3_forward.relay(self, 404, [("Content-Type", "text/plain")], b"unknown control request\n")

        def handle_any(self):
            body = s3_forward.read_body(self)
            if self.path.startswith("/__proxy/"):
                return self.control(body)
            fault = state.take(self.command, self.path)
            mode = fault["mode"]
            if mode == "error":
                return s3_forward.relay(self, int(fault.get("status", 503)), [("Content-Type", "application/xml")],
                                        s3_forward.s3_error_xml(fault.get("code", "SlowDown"),
                                                                fault.get("message", "injected by s3_fault_proxy")))
            if mode == "reset":
                return s3_forward.reset_connection(self)
            if mode == "delay":
                time.sleep(float(fault.get("seconds", 1)))
            state.count("forwarded")
            try:
                status, headers, data, short = s3_forward.forward(self, upstream, body)
            except OSError as e:
                return s3_forward.relay(self, 502, [("Content-Type", "text/plain")], ("upstream: %s\n" % e).encode())
            if mode == "truncate" and self.command != "HEAD" and data:
                return s3_forward.relay(self, status, headers, data, body_limit=min(len(data) // 2, len(data) - 1))
            if mode == "shorten" and self.command != "HEAD" and data:
                return s3_forward.relay(self, status, headers, data[:len(data) // 2])
            s3_forward.relay(self, status, headers, data, announced=short)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    p = argparse.ArgumentParser(description="fault-injecting proxy for S3 tests (see the module docstring)")
    p.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of the S3 server")
    p.add_argument("--port-file", required=True)
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(FaultState(), args.upstream))
    server.daemon_threads = True
    s3_forward.write_port_file(args.port_file, server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
